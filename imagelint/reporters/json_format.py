"""``--format json``: the report's export shape, stable key order, one document."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from imagelint.reporters.json_text import findings_text, report_text, usual_indented_json
from imagelint.reporters.readable import has_unreadable

if TYPE_CHECKING:
    from imagelint.report import Report


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    # One write: json.dump would hand the stream a piece per value (a big image's report has
    # hundreds of thousands), each through the output's wrappers.
    # The findings, most of a lint report, are written straight from them (json_text.findings_text);
    # a document with a name json cannot write as it is, or a value it converts, goes the general way.
    text = usual_indented_json(report.to_dict(findings=findings_text(report.findings, level=1)))
    if text is None or has_unreadable(text):
        text = report_text(report.to_dict())
    stream.write(text + "\n")
