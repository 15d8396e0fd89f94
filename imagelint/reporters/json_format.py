"""``--format json``: the report's export shape, stable key order, one document."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from imagelint.reporters.json_text import report_text

if TYPE_CHECKING:
    from imagelint.report import Report


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    # One write: json.dump would hand the stream a piece per value (a big image's report has
    # hundreds of thousands), each through the output's wrappers.
    stream.write(report_text(report.to_dict()) + "\n")
