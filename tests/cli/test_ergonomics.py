"""What a person at a terminal expects: --quiet, --verbose, colour rules, a progress bar only on long
runs at a terminal, paths as given, --help with examples, shell completion, a fast start."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.cli import PROGRESS_MIN_FILES

BAD = "FROM alpine:latest\nUSER app\nCMD [\"sh\"]\n"
STDIN_COPY = b"FROM alpine:3.22\nCOPY . /app\nUSER app\n"
ANSI = re.compile(r"\x1b\[")


def run(*args: str, cwd: Path | None = None, env: dict | None = None, stdin: bytes | None = None):
    environment = {**os.environ, **(env or {})}
    environment.pop("IMAGELINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, env=environment, input=stdin, timeout=120
    )


def run_on_terminal(*args: str, cwd: Path, env: dict | None = None) -> str:
    """Run with stdout and stderr on a pseudo-terminal; everything written to it."""
    controller, terminal = pty.openpty()
    environment = {**os.environ, "COLUMNS": "100", "TERM": "xterm", **(env or {})}
    for name in ("NO_COLOR", "IMAGELINT_DEBUG"):
        if name not in (env or {}):
            environment.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "imagelint", *args], cwd=cwd, stdout=terminal, stderr=terminal, stdin=subprocess.DEVNULL, env=environment
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Dockerfile").write_text(BAD)
    return tmp_path


def test_quiet_prints_findings_only(project):
    normal = run("lint", "Dockerfile", cwd=project, env={"NO_COLOR": "1"})
    quiet = run("lint", "Dockerfile", "--quiet", cwd=project, env={"NO_COLOR": "1"})
    assert quiet.returncode == normal.returncode == 1
    assert quiet.stdout.decode().splitlines() == [
        line for line in normal.stdout.decode().splitlines() if line.startswith(("Dockerfile:", "    fix:"))
    ]
    assert b"finding" not in quiet.stdout
    # Notes are dropped, errors are not.
    noted = run("lint", "-", "-q", "--fail-on", "never", cwd=project, stdin=STDIN_COPY)
    assert noted.returncode == 0 and noted.stderr == b""
    failed = run("lint", "-q", "missing/Dockerfile", cwd=project)
    assert failed.returncode == 2 and b"missing/Dockerfile: no such file" in failed.stderr


def test_quiet_json_is_the_full_document(project):
    import json

    document = json.loads(run("lint", "Dockerfile", "-q", "-f", "json", cwd=project).stdout)
    assert document["summary"]["findings"] >= 1


def test_verbose_says_config_rules_files_and_time(project):
    (project / ".imagelint.toml").write_text('ignore = ["IL5003"]\n')
    (project / "sub").mkdir()
    (project / "sub" / "Containerfile").write_text(BAD)
    result = run("lint", ".", "--verbose", cwd=project, env={"NO_COLOR": "1"})
    err = result.stderr.decode()
    assert "imagelint: config: .imagelint.toml" in err
    selected = re.search(r"rules: (\d+) of (\d+) Dockerfile rules selected", err)
    assert selected and int(selected.group(1)) == int(selected.group(2)) - 1
    assert re.search(r"ms  Dockerfile\n", err) and re.search(r"ms  sub/Containerfile\n", err)
    assert re.search(r"linted 2 files in \d+\.\d\d s", err)
    assert run("lint", ".", cwd=project).stderr == b""  # none of it without --verbose


def test_colour_only_on_a_terminal_and_never_with_no_color(project):
    assert ANSI.search(run_on_terminal("lint", "Dockerfile", cwd=project))
    assert not ANSI.search(run_on_terminal("lint", "Dockerfile", cwd=project, env={"NO_COLOR": "1"}))
    assert not ANSI.search(run("lint", "Dockerfile", cwd=project).stdout.decode())


def test_progress_bar_only_for_long_runs_on_a_terminal(tmp_path):
    for i in range(PROGRESS_MIN_FILES + 5):
        (tmp_path / f"s{i:03}").mkdir()
        (tmp_path / f"s{i:03}" / "Dockerfile").write_text(BAD)
    long_run = run_on_terminal("lint", ".", "--fail-on", "never", cwd=tmp_path, env={"NO_COLOR": "1"})
    assert "linting" in long_run and "━" in long_run
    assert "linting" not in run_on_terminal("lint", ".", "--quiet", "--fail-on", "never", cwd=tmp_path)
    assert "linting" not in run_on_terminal("lint", "s000", "s001", cwd=tmp_path)
    piped = run("lint", ".", "--fail-on", "never", cwd=tmp_path)
    assert "linting".encode() not in piped.stderr and "━".encode() not in piped.stderr + piped.stdout


@pytest.mark.parametrize("given", ["./Dockerfile", "sub/../Dockerfile"])
def test_paths_named_on_the_command_line_are_shown_as_given(project, given):
    (project / "sub").mkdir()
    result = run("lint", given, cwd=project, env={"NO_COLOR": "1"})
    assert result.stdout.decode().startswith(f"{given}:1:6: IL5002")


def test_paths_found_in_a_directory_walk_are_relative_to_the_current_directory(project):
    (project / "svc").mkdir()
    (project / "svc" / "Dockerfile").write_text(BAD)
    result = run("lint", str(project / "svc"), cwd=project, env={"NO_COLOR": "1"})
    assert result.stdout.decode().startswith("svc/Dockerfile:1:6: IL5002")


@pytest.mark.parametrize(
    "command", [["lint"], ["analyze"], ["parse"], ["rules"], ["explain"], ["config", "from-hadolint"]]
)
def test_every_command_has_help_with_examples(command):
    result = run(*command, "--help", env={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "Examples:" in text
    assert f"imagelint {' '.join(command)} " in text.split("Examples:", 1)[1]


def test_top_level_help_lists_every_command():
    text = run("--help", env={"COLUMNS": "120"}).stdout.decode()
    for command in ("lint", "analyze", "parse", "rules", "explain", "config"):
        assert re.search(rf"│ {command} ", text), command


def test_shell_completion_script():
    # What `imagelint --install-completion` makes the shell run; unlike --show-completion it does not
    # depend on detecting the parent shell, which fails in some containers.
    result = run(env={"_IMAGELINT_COMPLETE": "source_bash"})
    assert result.returncode == 0
    assert b"_imagelint_completion" in result.stdout
    completed = run(env={"_IMAGELINT_COMPLETE": "complete_bash", "COMP_WORDS": "imagelint li", "COMP_CWORD": "1"})
    assert completed.stdout.split() == [b"lint"]


def test_lint_starts_without_heavy_imports(project):
    code = (
        "import sys\nfrom imagelint.cli import main\n"
        f"sys.argv = ['imagelint', 'lint', '-q', {str(project / 'Dockerfile')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('docker', 'jinja2', 'yaml', 'rich', 'pygls', 'lsprotocol') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
