"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of CodeClimate-style issues: ``description``, ``check_name``, ``fingerprint`` (stable
across unrelated edits, see :func:`imagelint.reporters._common.locate`), ``severity`` and
``location.path`` / ``location.lines.begin``. GitLab needs a path and a line for every issue: a
finding on an image itself uses the image name as its path and line 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from imagelint.findings import Severity
from imagelint.reporters._common import Sources, locate
from imagelint.reporters.json_text import report_text

if TYPE_CHECKING:
    from imagelint.report import Report

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor", Severity.STYLE: "info"}
# CodeClimate categories, the closest one per family; the others are about build time and image size.
_CATEGORIES = {"security": "Security", "correctness": "Bug Risk"}


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    issues = []
    for item in locate(report, Sources(report)):
        finding = item.finding
        begin = finding.line or 1
        body = f"{finding.message}\n\nFix: {finding.fix.shown}" if finding.fix else finding.message
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule,
                "description": f"{finding.rule} {finding.name}: {finding.message}",
                "content": {"body": body},
                "categories": [_CATEGORIES.get(finding.family, "Performance")],
                "fingerprint": item.fingerprint,
                "severity": SEVERITIES[finding.severity],
                "location": {
                    "path": item.path if item.path is not None else finding.file,
                    "lines": {"begin": begin, "end": max(finding.end_line or begin, begin)},
                },
            }
        )
    stream.write(report_text(issues) + "\n")
