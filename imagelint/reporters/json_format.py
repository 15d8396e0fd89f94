"""``--format json``: the report's export shape, stable key order, one document."""

from __future__ import annotations

import json
from typing import TextIO


def render(report, stream: TextIO, *, color: bool = False) -> None:
    json.dump(report.to_dict(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
