"""``--format json``: the report's export shape, stable key order, one document."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from imagelint.report import Report


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    json.dump(report.to_dict(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
