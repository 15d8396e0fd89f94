"""Run imagelint as a user does (a fresh process) and check what a user sees of an error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None):
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("IMAGELINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "imagelint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=120,
    )


def no_traceback(result) -> None:
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert b"Traceback" not in result.stdout


def one_line_error(result, *fragments: str) -> str:
    no_traceback(result)
    assert result.returncode == 2, result.stdout.decode() + result.stderr.decode()
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("imagelint: "), lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
