"""Stable identities for findings, shared by the baseline and the machine-readable reporters.

A fingerprint hashes the rule, the file (relative to the current directory), the offending line's
text with whitespace normalised, and how many identical (rule, file, text) findings came before it.
Inserting or deleting other lines does not change it; editing the offending line does. The
occurrence count keeps two identical lines apart and makes a third copy of a baselined line new.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from imagelint.findings import Finding

STDIN = "-"
_MAX_SOURCE_BYTES = 4 * 1024 * 1024  # a file read for anchors; anything bigger is not a Dockerfile


def relative_path(file: str) -> str:
    """``file`` as a POSIX path relative to the current directory when it lies below it; else as given."""
    if file == STDIN:
        return file
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return PurePosixPath(os.path.normpath(path).replace(os.sep, "/")).as_posix()


def normalize(text: str) -> str:
    return " ".join(text.split())


class Fingerprinter:
    """Hands out fingerprints in report order, counting repeats of the same (rule, place, text)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], int] = {}

    def __call__(self, rule: str, where: str, anchor: str) -> str:
        key = (rule, where, anchor)
        occurrence = self._seen.get(key, 0)
        self._seen[key] = occurrence + 1
        return hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8")).hexdigest()[:32]


def anchor(line_text: str | None, line: int | None) -> str:
    """The text a finding is identified by: its first line, or the line number when the text is unknown."""
    if line_text is not None:
        return normalize(line_text)
    return f"line {line}" if line else ""


def fingerprints(findings: Iterable[Finding], line_text: Callable[[str, int | None], str | None]) -> list[str]:
    """One fingerprint per finding (in the given order); ``line_text(file, line)`` supplies the anchor text."""
    fingerprint = Fingerprinter()
    return [fingerprint(f.rule, relative_path(f.file), anchor(line_text(f.file, f.line), f.line)) for f in findings]


class SourceLines:
    """Lines of the files findings point at: the linted text when the report kept it, else read from disk."""

    def __init__(self, given: dict[str, list[str]] | None = None) -> None:
        self._lines: dict[str, list[str] | None] = dict(given or {})

    def __call__(self, file: str, line: int | None) -> str | None:
        if file not in self._lines:
            self._lines[file] = None if file == STDIN else read_lines(file)
        lines = self._lines[file]
        if lines is None or line is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]


def read_lines(file: str) -> list[str] | None:
    try:
        with open(file, "rb") as stream:
            data = stream.read(_MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    if len(data) > _MAX_SOURCE_BYTES or b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace").split("\n")
