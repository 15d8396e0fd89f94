"""A block of a Markdown document generated from the code, between two marker comments; the scripts
that write one (gen_migration_table.py, gen_fix_docs.py) share this, and the tests call ``updated``
to check the document is current."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + body + "\n" + text[stop:]


def rewrite(doc: Path, updated: Callable[[str], str], argv: list[str], script: str) -> int:
    """Rewrite ``doc`` in place, or with ``--check`` exit 1 when it is out of date."""
    text = doc.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        if new != text:
            print(f"{doc} is out of date: run python scripts/{script}", file=sys.stderr)
            return 1
        return 0
    doc.write_text(new, encoding="utf-8")
    return 0
