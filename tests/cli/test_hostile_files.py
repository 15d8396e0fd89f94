"""Files that are not what they seem: a report named like an input, devices and FIFOs as outputs or
inputs, huge Dockerfiles, and signals while a report is written. Each case must end with one line
on stderr and exit 2 (130 when interrupted), and never replace or hang on anything of the user's."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and signals are POSIX")

DOCKERFILE = 'FROM alpine:3.20\nUSER app\nCMD ["sh"]\n'


def run(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("IMAGELINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, text=True, env=environment, timeout=timeout
    )


def one_error_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


# --- 1. a report (or the baseline) named like an input ------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "Dockerfile", "--output", "Dockerfile"],
        ["lint", "Dockerfile", "-f", "json:Dockerfile"],
        ["lint", "Dockerfile", "-f", "json", "-o", "./Dockerfile"],
        ["lint", "Dockerfile", "-o", "link"],
        ["lint", ".", "-f", "sarif", "-o", "Dockerfile"],
        ["lint", "-o", "Dockerfile"],
        ["lint", "Dockerfile", "--baseline", "Dockerfile", "--update-baseline"],
        ["lint", ".", "--baseline", "link"],
        ["analyze", "docker-archive:image.tar", "--dockerfile", "Dockerfile", "-o", "Dockerfile"],
    ],
)
def test_a_report_never_overwrites_an_input(project, args):
    (project / "link").symlink_to("Dockerfile")
    result = run(*args, cwd=project)
    assert result.returncode == 2, result.stderr
    line = one_error_line(result)
    assert line.endswith(": is an input of this run; not overwritten"), line
    assert (project / "Dockerfile").read_text() == DOCKERFILE
    assert (project / "link").is_symlink()
    assert sorted(p.name for p in project.iterdir()) == ["Dockerfile", "link"]


def test_a_report_beside_the_input_is_still_written(project):
    result = run("lint", "Dockerfile", "-f", "json", "-o", "report.json", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    assert (project / "report.json").read_text().startswith("{")
    assert (project / "Dockerfile").read_text() == DOCKERFILE


# --- 2. devices and FIFOs as outputs --------------------------------------------------------------


def test_dev_null_and_a_symlink_to_it_are_written_to_not_replaced(project):
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    (project / "null").symlink_to("/dev/null")
    result = run("lint", "Dockerfile", "-f", "json", "-o", "null", "--fail-on", "never", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "null").is_symlink() and os.readlink(project / "null") == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert sorted(p.name for p in project.iterdir()) == ["Dockerfile", "null"]  # no temporary file left


def test_a_fifo_output_gets_the_report_and_stays_a_fifo(project):
    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("lint", "Dockerfile", "-f", "json", "-o", str(fifo), "--fail-on", "never", cwd=project)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"{") and b'"findings"' in received[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in project.iterdir()) == ["Dockerfile", "report.fifo"]


# --- 3. FIFOs, devices and huge files as inputs ---------------------------------------------------


def test_a_fifo_dockerfile_is_refused_without_reading_it(project):
    os.mkfifo(project / "Dockerfile.fifo")
    result = run("lint", "Dockerfile.fifo", cwd=project, timeout=30)  # reading it would block forever
    assert result.returncode == 2, result.stderr
    assert one_error_line(result) == "imagelint: Dockerfile.fifo: not a regular file (a FIFO)"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_dockerfile_is_refused_without_reading_it(project, device):
    result = run("lint", device, cwd=project, timeout=30)
    assert result.returncode == 2, result.stderr
    assert one_error_line(result) == f"imagelint: {device}: not a regular file (a character device)"


def test_a_device_given_to_analyze_as_dockerfile_is_refused(project):
    result = run("analyze", "docker-archive:missing.tar", "--dockerfile", "/dev/zero", cwd=project, timeout=30)
    assert result.returncode == 2, result.stderr
    assert one_error_line(result) == "imagelint: /dev/zero: not a regular file (a character device)"


def test_a_fifo_in_a_directory_walk_is_skipped_with_a_note(project):
    (project / "svc").mkdir()
    os.mkfifo(project / "svc" / "Dockerfile")
    os.mkfifo(project / "compose.yaml")
    result = run("lint", ".", "-f", "json", "-o", "report.json", "--fail-on", "never", cwd=project, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "imagelint: note: svc/Dockerfile: not a regular file (a FIFO); skipped" in result.stderr.splitlines()
    assert "imagelint: note: compose.yaml: not a regular file (a FIFO); skipped" in result.stderr.splitlines()
    assert '"Dockerfile"' in (project / "report.json").read_text()  # the real one still linted


def test_a_fifo_as_docker_archive_is_refused(project):
    os.mkfifo(project / "image.tar")
    result = run("analyze", "docker-archive:image.tar", cwd=project, timeout=30)
    assert result.returncode == 2, result.stderr
    line = one_error_line(result)
    assert line.startswith("imagelint: image.tar: not a regular file (a FIFO)"), line


def test_standard_input_is_still_read(project):
    environment = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "imagelint", "lint", "-", "--fail-on", "never"], input=DOCKERFILE, cwd=project, capture_output=True, text=True,
        env=environment, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_dockerfile_over_the_limit_is_refused_and_the_limit_can_be_raised(project):
    big = project / "Dockerfile.big"
    big.write_text(DOCKERFILE + "# padding\n" * 2000)  # about 20 kB
    result = run("lint", "Dockerfile.big", cwd=project, env={"IMAGELINT_MAX_DOCKERFILE_BYTES": "10000"})
    assert result.returncode == 2, result.stderr
    line = one_error_line(result)
    assert line.startswith("imagelint: Dockerfile.big: larger than the 10000-byte limit"), line
    assert "IMAGELINT_MAX_DOCKERFILE_BYTES" in line
    raised = run("lint", "Dockerfile.big", "--fail-on", "never", cwd=project, env={"IMAGELINT_MAX_DOCKERFILE_BYTES": "100000"})
    assert raised.returncode == 0, raised.stderr


def test_the_default_limit_is_10_mb(project):
    big = project / "Dockerfile.big"
    with big.open("w") as handle:
        handle.write(DOCKERFILE)
        handle.truncate(10 * 1000 * 1000 + 1)  # sparse: nothing large on disk
    result = run("lint", "Dockerfile.big", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "larger than the 10 MB limit for a Dockerfile" in one_error_line(result)


# --- 4. interrupted -----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _linting(pid: int) -> bool:
    """Whether the run is past its start-up (its signal handlers installed) and linting: it has
    started its workers, or, with one process, spent a second of CPU."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return (children.exists() and children.read_text().strip() != "") or _cpu_seconds(pid) >= 1.0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="polls /proc")
@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_says_so_exits_130_and_leaves_no_temporary_file(tmp_path, signal_number):
    for number in range(4000):
        directory = tmp_path / "tree" / f"s{number}"
        directory.mkdir(parents=True)
        (directory / "Dockerfile").write_text("FROM alpine:3.19\nRUN apt-get update && apt-get install -y curl\n")
    (tmp_path / "out").mkdir()
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("IMAGELINT_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "imagelint", "lint", "tree", "-f", "json", "-o", "out/report.json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not _linting(process.pid):
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before it could be interrupted"
        time.sleep(0.05)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert [line for line in stderr.splitlines() if line.strip()] == ["imagelint: interrupted"]
    assert list((tmp_path / "out").iterdir()) == []
