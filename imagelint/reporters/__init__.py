"""One module per output format; each renders a finished report and nothing else."""

from __future__ import annotations

import importlib
from typing import TextIO

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "html")


def render(format_name: str, report, stream: TextIO, *, color: bool = False, **options) -> None:
    """``options`` are format-specific (text: ``quiet=True`` for ``--quiet``)."""
    module = importlib.import_module(f"imagelint.reporters.{format_name}_format")
    module.render(report, stream, color=color, **options)
