"""What the machine-readable reporters (sarif, github, junit, gitlab) and the HTML report share:
where a finding is (a path relative to the current directory, or the image itself), the source
lines around it with secret values masked, and a fingerprint that survives unrelated edits.

Every reporter renders a :class:`~imagelint.report.Report`; one with an image part
(``report.image``, from ``imagelint analyze``) has findings either at a Dockerfile line or on the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from imagelint.findings import Finding
from imagelint.fingerprint import Fingerprinter, SourceLines, relative_path

if TYPE_CHECKING:
    from imagelint.report import Report

EXCERPT_CONTEXT = 2  # lines shown before and after a finding's lines


def on_image(report: Report, finding: Finding) -> bool:
    """True for an image finding that no Dockerfile line carries: it is about the image as a whole."""
    return report.image is not None and finding.line is None and finding.file == report.image.name


# --- source lines ---------------------------------------------------------------------------------


class Sources(SourceLines):
    """Masked source lines of the files a report's findings point at.

    Lint reports carry each linted file's lines; any other file (a ``.dockerignore``, the Dockerfile
    of an image report) is read from disk on first use. A file that cannot be read has no lines.
    The fingerprints are taken over these lines (:class:`imagelint.fingerprint.SourceLines`).
    """

    def __init__(self, report: Report) -> None:
        given = {result.file: list(result.lines) for result in report.results if result.lines}
        super().__init__(given, report.findings, skip=() if report.image is None else (report.image.name,))

    def excerpt(self, finding: Finding) -> list[tuple[int, str, bool]]:
        """``(line number, text, is one of the finding's lines)`` around the finding; empty when unknown."""
        lines = self.lines(finding.file)
        if lines is None or finding.line is None or not 1 <= finding.line <= len(lines):
            return []
        last = min(max(finding.end_line or finding.line, finding.line), len(lines))
        start, stop = max(1, finding.line - EXCERPT_CONTEXT), min(len(lines), last + EXCERPT_CONTEXT)
        return [(n, lines[n - 1], finding.line <= n <= last) for n in range(start, stop + 1)]


# --- fingerprints ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with what every reporter derives from it, in the report's order."""

    finding: Finding
    path: str | None  # relative path of the file; None for a finding on the image itself
    fingerprint: str


def _image_repository(name: str) -> str:
    """``registry:5000/team/app:1.2@sha256:...`` -> ``registry:5000/team/app``: stable across new tags."""
    name = name.split("@", 1)[0]
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > last_slash else name


def locate(report: Report, sources: Sources | None = None) -> list[Located]:
    """Every finding with its path and fingerprint (:mod:`imagelint.fingerprint`, over the masked line text).

    Findings on the image hash the image's repository name (not its tag) instead of a file and a line.
    """
    sources = sources or Sources(report)
    fingerprint = Fingerprinter()
    located: list[Located] = []
    for finding in report.findings:
        if on_image(report, finding):
            repository = _image_repository(finding.file)
            located.append(Located(finding, None, fingerprint(finding.rule, "image:" + repository, repository)))
            continue
        located.append(Located(finding, relative_path(finding.file), fingerprint.of(finding, sources)))
    return located
