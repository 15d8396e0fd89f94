"""One module per output format; each renders a finished report and nothing else."""

from __future__ import annotations

import importlib
from typing import TextIO

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "html", "csv")


def render(format_name: str, report, stream: TextIO, *, color: bool = False, **options) -> None:
    """``options`` are format-specific (text: ``quiet=True`` for ``--quiet``)."""
    from imagelint.reporters.readable import ReadableStream

    module = importlib.import_module(f"imagelint.reporters.{format_name}_format")
    # The JSON formats escape such names in their documents; the others are escaped as written.
    module.render(report, ReadableStream(stream), color=color, **options)
