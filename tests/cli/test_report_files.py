"""Report files are ordinary files: created with the user's umask, replaced keeping their mode,
and nothing lands in the current directory unless a path names it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

DOCKERFILE = "FROM alpine:latest\nUSER app\nCMD [\"sh\"]\n"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")


def run_with_umask(umask: int, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("IMAGELINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "imagelint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        preexec_fn=lambda: os.umask(umask),
        timeout=120,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_report_file_gets_the_umask_mode(project, umask, expected):
    result = run_with_umask(umask, "lint", "Dockerfile", "--format", "json", "--output", "report.json", cwd=project)
    assert result.returncode == 1, result.stderr
    assert mode(project / "report.json") == expected


def test_every_report_of_a_run_and_the_baseline_get_the_umask_mode(project):
    (project / "out").mkdir()
    result = run_with_umask(
        0o022,
        "lint", "Dockerfile", "--format", "sarif:out/imagelint.sarif", "--format", "json:out/imagelint.json",
        "--baseline", "out/baseline.json",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # a new baseline takes in every finding
    assert sorted((p.name, mode(p)) for p in (project / "out").iterdir()) == [
        ("baseline.json", 0o644),
        ("imagelint.json", 0o644),
        ("imagelint.sarif", 0o644),
    ]


def test_replacing_a_report_keeps_its_mode(project):
    report = project / "report.json"
    report.write_text("old\n")
    report.chmod(0o640)
    result = run_with_umask(0o022, "lint", "Dockerfile", "--format", "json", "--output", "report.json", cwd=project)
    assert result.returncode == 1, result.stderr
    assert report.read_text().startswith("{")
    assert mode(report) == 0o640


def test_a_report_through_a_symlink_replaces_the_file_and_keeps_the_link(project):
    (project / "reports").mkdir()
    real = project / "reports" / "latest.json"
    real.write_text("old\n")
    real.chmod(0o664)
    (project / "report.json").symlink_to(real)
    result = run_with_umask(0o022, "lint", "Dockerfile", "--format", "json", "--output", "report.json", cwd=project)
    assert result.returncode == 1, result.stderr
    assert (project / "report.json").is_symlink()
    assert real.read_text().startswith("{")
    assert mode(real) == 0o664


def test_no_temporary_file_is_left_behind(project):
    result = run_with_umask(0o022, "lint", "Dockerfile", "--format", "json", "--output", "report.json", cwd=project)
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in project.iterdir()) == ["Dockerfile", "report.json"]


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "Dockerfile"),
        ("lint", ".", "--format", "json"),
        ("lint", "Dockerfile", "--format", "sarif", "--output", "-"),
        ("fix", "Dockerfile"),  # without --write: a diff on standard output only
        ("rules",),
    ],
)
def test_nothing_is_written_to_the_current_directory_unless_asked(project, args):
    before = sorted(p.name for p in project.iterdir())
    result = run_with_umask(0o022, *args, cwd=project)
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in project.iterdir()) == before
