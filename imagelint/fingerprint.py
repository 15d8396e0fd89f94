"""Stable identities for findings, shared by the baseline and the machine-readable reporters.

A fingerprint hashes the rule, the file (relative to the current directory), the offending line's
text with secrets masked (:func:`imagelint.secrets.mask_secrets`, so no secret is ever hashed and
the fingerprint does not depend on the secret's value) and whitespace normalised, and how many
identical (rule, file, text) findings came before it.
Inserting or deleting other lines does not change it; editing the offending line does. The
occurrence count keeps two identical lines apart and makes a third copy of a baselined line new.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from imagelint.findings import Finding
from imagelint.secrets import is_secret_finding, mask_secrets

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
        # surrogatepass: a file name that is not UTF-8 (kept as lone surrogates) still has one
        return hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def of(self, finding: Finding, line_text: Callable[[str, int | None], str | None]) -> str:
        """The fingerprint of a finding at a file line, anchored on ``line_text(file, line)``."""
        return self(finding.rule, relative_path(finding.file), anchor(line_text(finding.file, finding.line), finding.line))


def anchor(line_text: str | None, line: int | None) -> str:
    """The text a finding is identified by: its first line, or the line number when the text is unknown."""
    if line_text is not None:
        return normalize(line_text)
    return f"line {line}" if line else ""


def fingerprints(findings: Iterable[Finding], line_text: Callable[[str, int | None], str | None]) -> list[str]:
    """One fingerprint per finding (in the given order); ``line_text(file, line)`` supplies the anchor
    text, masked: a :class:`SourceLines` of the same findings (the baseline and the reporters use one)."""
    fingerprint = Fingerprinter()
    return [fingerprint.of(f, line_text) for f in findings]


class SourceLines:
    """Secret-masked lines of the files findings point at: the linted text when the report kept it,
    else read from disk (never for stdin or the ``skip`` names). A file that cannot be read has no lines.

    On the lines of a secret finding among ``findings`` every literal assigned value is masked too.
    """

    def __init__(self, given: dict[str, list[str]] | None = None, findings: Iterable[Finding] = (), skip: Iterable[str] = ()) -> None:
        self._given: dict[str, list[str]] = dict(given or {})
        self._skip = {STDIN, *skip}
        self._secret_lines: dict[str, set[int]] = {}
        for finding in findings:
            if is_secret_finding(finding) and finding.line is not None:
                lines = range(finding.line, (finding.end_line or finding.line) + 1)
                self._secret_lines.setdefault(finding.file, set()).update(lines)
        self._masked: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        if file not in self._masked:
            raw = self._given.get(file)
            if raw is None and file not in self._skip:
                raw = read_lines(file)
            self._masked[file] = None if raw is None else mask_secrets(raw, self._secret_lines.get(file, set()))
        return self._masked[file]

    def line(self, file: str, number: int | None) -> str | None:
        lines = self.lines(file)
        if lines is None or number is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    __call__ = line


def read_lines(file: str) -> list[str] | None:
    try:
        with open(file, "rb") as stream:
            data = stream.read(_MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    if len(data) > _MAX_SOURCE_BYTES or b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace").split("\n")
