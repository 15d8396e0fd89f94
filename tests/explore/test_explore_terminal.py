"""``imagelint explore`` in a real terminal: started in a tmux session, driven with keys, its screen read
with ``tmux capture-pane``. Without tmux this skips (under CI it fails: scripts/ensure-tmux.sh installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.support.image_archives import docker_save

LAYERS = [
    [("dir", "bin"), ("file", "bin/busybox", 1000)],
    [("dir", "data"), ("file", "data/big.bin", 300_000), ("file", "data/keep.txt", 10)],
    [("whiteout", "data/big.bin")],
]
HISTORY = [{"created_by": None}, {"created_by": "/bin/sh -c make data"}, {"created_by": "/bin/sh -c rm /data/big.bin"}]


@pytest.fixture
def tmux():
    if shutil.which("tmux") is None:
        reason = "tmux is not installed; run `bash scripts/ensure-tmux.sh` (or scripts/test.sh)"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    session = f"imagelint-explore-{uuid.uuid4().hex[:8]}"
    # A server of its own (-L): the user's sessions are never touched.
    base = ["tmux", "-L", session]
    yield session, base
    subprocess.run([*base, "kill-server"], capture_output=True, timeout=30)


def screen(base, session) -> str:
    return subprocess.run([*base, "capture-pane", "-p", "-t", session], capture_output=True, text=True, timeout=30).stdout


def wait_for(base, session, text: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(base, session)
        if text in shown:
            return shown
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared on the screen:\n{shown}")


def test_explore_in_a_real_terminal(tmp_path, tmux):
    session, base = tmux
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(LAYERS, history=HISTORY))
    command = f"env -u COLUMNS -u LINES TERM=xterm-256color NO_COLOR=1 {sys.executable} -m imagelint explore docker-archive:{archive}; echo EXPLORE-ENDED-$?"
    # The window gets its size once the session exists: the command is typed into its shell after that,
    # so the app starts in a 200x40 terminal.
    subprocess.run([*base, "new-session", "-d", "-s", session, "-x", "200", "-y", "40", "sh"], check=True, timeout=30, cwd=tmp_path)
    subprocess.run([*base, "send-keys", "-t", session, command, "Enter"], check=True, timeout=30)
    shown = wait_for(base, session, "layer 2")  # the status line: the final image is shown first
    assert "RUN rm /data/big.bin" in shown and "bin/" in shown and "data/" in shown
    subprocess.run([*base, "send-keys", "-t", session, "Up"], check=True, timeout=30)  # layer 1
    wait_for(base, session, "layer 1  |")
    subprocess.run([*base, "send-keys", "-t", session, "Tab", "Down", "Space"], check=True, timeout=30)  # open data/
    shown = wait_for(base, session, "keep.txt")  # data/'s children are listed
    line = next(line for line in shown.splitlines() if " big.bin" in line)
    assert "+ -rw-r--r--" in line and "300 kB big.bin" in line, line
    assert "[hidden by layer 2]" in line, line
    subprocess.run([*base, "send-keys", "-t", session, "q"], check=True, timeout=30)
    wait_for(base, session, "EXPLORE-ENDED-0")  # q quits, exit code 0
