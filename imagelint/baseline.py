"""``lint --baseline FILE``: accept the findings a project already has and fail only on new ones.

The baseline is a JSON file of finding fingerprints (:mod:`imagelint.fingerprint`, the same ones
the SARIF and GitLab reports carry), so a finding stays known while the lines around it move. When
the file does not exist, the run writes it with every current finding and reports none of them;
``--update-baseline`` rewrites it from the current findings, which drops the fixed ones (and
accepts the new ones). Entries for files the run did not
lint, or could not lint, are kept: a run over a few files (a pre-commit hook) never forgets the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from imagelint.documents import load_json
from imagelint.findings import Finding
from imagelint.fingerprint import SourceLines, fingerprints, relative_path
from imagelint.report import Report

_SURROGATE = re.compile("[\ud800-\udfff]")

BASELINE_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline; the message names the file."""


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: str
    rule: str
    file: str
    line: int | None
    message: str
    dockerfile: str | None = None  # the linted Dockerfile, when the finding is in another file (.dockerignore)

    @property
    def linted_file(self) -> str:
        return self.dockerfile or self.file

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.rule, self.fingerprint)

    def to_dict(self) -> dict:
        document = {"fingerprint": self.fingerprint, "rule": self.rule, "file": self.file, "line": self.line, "message": self.message}
        if self.dockerfile:
            document["dockerfile"] = self.dockerfile
        return document


def load(path: Path) -> list[Entry]:
    try:
        document = load_json(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise BaselineError(f"{path}: cannot read the baseline ({err.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BaselineError(f"{path}: not a baseline file (invalid JSON: {err})") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path}: not a baseline file (expected an object with a 'findings' list)")
    if document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {document.get('version')!r} is not supported (expected {BASELINE_VERSION})")
    entries = []
    for item in document["findings"]:
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(f"{path}: not a baseline file (a finding has no fingerprint)")
        line = item.get("line")
        entries.append(
            Entry(
                item["fingerprint"],
                str(item.get("rule", "")),
                str(item.get("file", "")),
                line if isinstance(line, int) else None,
                str(item.get("message", "")),
                item.get("dockerfile") if isinstance(item.get("dockerfile"), str) else None,
            )
        )
    return entries


def write(path: Path, entries: list[Entry]) -> None:
    from imagelint import __version__
    from imagelint.output import atomic_writer

    document = {
        "version": BASELINE_VERSION,
        "tool": {"name": "imagelint", "version": __version__},
        "findings": [e.to_dict() for e in sorted(set(entries), key=Entry.sort_key)],
    }
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if _SURROGATE.search(text):
            # a file name that is not UTF-8: escaped as \udcXX, which reads back as the same name
            text = json.dumps(document, indent=2)
        with atomic_writer(path) as stream:
            stream.write(text + "\n")
    except OSError as err:
        raise BaselineError(f"{path}: cannot write the baseline ({err.strerror})") from None


def apply(report: Report, path: Path, *, update: bool = False) -> None:
    """Drop baselined findings from ``report`` (writing the baseline first when absent or ``update``)."""
    owners = [(f, result.file) for result in report.results for f in sorted(result.findings, key=Finding.sort_key)]
    findings = [f for f, _ in owners]
    lines = SourceLines({r.file: list(r.lines) for r in report.results if getattr(r, "lines", None)}, findings)
    current = []
    for (finding, dockerfile), fingerprint in zip(owners, fingerprints(findings, lines)):
        file, source = relative_path(finding.file), relative_path(dockerfile)
        current.append(Entry(fingerprint, finding.rule, file, finding.line, finding.message, None if source == file else source))
    exists = path.exists()
    previous = load(path) if exists else []
    linted = {relative_path(r.file) for r in report.results if r.error is None}

    if update or not exists:
        kept = [e for e in previous if e.linted_file not in linted]
        write(path, kept + current)
        _drop(report, {id(f) for f in findings})
        if exists:
            known = {e.fingerprint for e in previous}
            added = sum(1 for e in current if e.fingerprint not in known)
            fixed = len({e.fingerprint for e in previous if e.linted_file in linted} - {e.fingerprint for e in current})
            report.notes.append(f"{path}: baseline updated: {len(current)} finding(s) from this run ({added} added, {fixed} fixed and dropped)")
        else:
            report.notes.append(f"{path}: baseline written with {len(current)} finding(s); later runs report only new ones")
        return

    known = {e.fingerprint for e in previous}
    matched = {id(f) for f, entry in zip(findings, current) if entry.fingerprint in known}
    _drop(report, matched)
    if matched:
        report.notes.append(f"{len(matched)} finding(s) already in the baseline {path} were not reported")
    gone = {e.fingerprint for e in previous if e.linted_file in linted} - {e.fingerprint for e in current}
    if gone:
        report.notes.append(f"{len(gone)} baselined finding(s) no longer occur; run with --update-baseline to drop them from {path}")


def _drop(report: Report, finding_ids: set[int]) -> None:
    for result in report.results:
        result.findings = [f for f in result.findings if id(f) not in finding_ids]
