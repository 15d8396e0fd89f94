"""Fixes as data: what a rule proposes to change, and how a set of fixes is applied to a file's text.

A fix has a description, an applicability and edits. Each edit replaces an exact range of the
file (1-based ``line``/``column``, ``end_line``/``end_column`` exclusive, columns counted in
characters) by ``content``; all edits of one fix apply together or not at all.

Applicability, as ruff has it:

* ``safe``: cannot change what the built image does (a package cache not written, a keyword's
  casing, metadata moved to its modern form). ``imagelint fix`` applies these.
* ``unsafe``: may change behaviour (a command's form, the order of steps, packages no longer
  installed); applied with ``--unsafe``. Each rule's docs say why its fix is unsafe.
* ``display-only``: advice with no edit the tool can make for you (``--checksum`` needs a digest
  only you can vouch for). Shown, never applied.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from imagelint.records import Record

APPLICABILITIES = ("safe", "unsafe", "display-only")


class Edit(Record):
    __slots__ = ("line", "column", "end_line", "end_column", "content")

    def __init__(self, line: int, column: int, end_line: int, end_column: int, content: str) -> None:
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.content = content

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


class Fix(Record):
    """What a rule proposes: a description, an applicability and edits (see above), checked when made."""

    __slots__ = ("description", "applicability", "edits")

    def __init__(self, description: str, applicability: str = "safe", edits: tuple[Edit, ...] = ()) -> None:
        if applicability not in APPLICABILITIES:
            raise ValueError(f"fix applicability must be one of {APPLICABILITIES}, not {applicability!r}")
        if applicability != "display-only" and not edits:
            raise ValueError("a safe or unsafe fix needs at least one edit")
        self.description = description
        self.applicability = applicability
        self.edits = edits

    @classmethod
    def advice(cls, description: str) -> Fix:
        """A suggestion imagelint cannot make for the user."""
        return cls(description, "display-only")

    @property
    def shown(self) -> str:
        """How text reports show it: the description, marked ``[safe]``/``[unsafe]`` when imagelint
        can apply it (``imagelint fix``)."""
        return self.description if self.applicability == "display-only" else f"{self.description} [{self.applicability}]"

    def with_text(self, change: Callable[[str], str]) -> Fix:
        """The same fix with ``change`` applied to its description and edit contents (redaction)."""
        edits = tuple(Edit(e.line, e.column, e.end_line, e.end_column, change(e.content)) for e in self.edits)
        return Fix(change(self.description), self.applicability, edits)

    def applies(self, *, unsafe: bool) -> bool:
        return self.applicability == "safe" or (unsafe and self.applicability == "unsafe")

    def to_dict(self) -> dict:
        return {
            "description": self.description,
            "applicability": self.applicability,
            "edits": [edit.to_dict() for edit in self.edits],
        }


class TextPositions:
    """Converts (line, column) pairs of one text to offsets and back (columns in characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self._starts.append(index + 1)

    def offset(self, line: int, column: int) -> int:
        """Offset of (line, column); the line after the last one is the end of the text."""
        if line > len(self._starts):
            return len(self.text)
        return min(self._starts[line - 1] + column - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """``text`` with every fix applied whose edits overlap no fix applied before it (in file order);
    returns the new text and the fixes applied. Fixes left out can be applied in a next round,
    once the file has been linted again."""
    positions = TextPositions(text)
    taken: list[tuple[int, int]] = []  # accepted ranges, in no particular order
    accepted: list[tuple[Fix, list[tuple[int, int, str]]]] = []
    ordered = sorted(fixes, key=lambda f: min((e.line, e.column) for e in f.edits) if f.edits else (0, 0))
    for fix in ordered:
        if not fix.edits:
            continue
        ranges = [
            (positions.offset(e.line, e.column), positions.offset(e.end_line, e.end_column), e.content) for e in fix.edits
        ]
        if any(overlaps(start, end, other) for start, end, _ in ranges for other in taken):
            continue
        if any(overlaps(a[0], a[1], b[:2]) for i, a in enumerate(ranges) for b in ranges[i + 1 :]):
            continue  # a fix whose own edits collide is a bug in its rule: never half-apply it
        taken.extend((start, end) for start, end, _ in ranges)
        accepted.append((fix, ranges))
    edits = sorted((r for _, ranges in accepted for r in ranges), key=lambda r: (r[0], r[1]), reverse=True)
    for start, end, content in edits:
        text = text[:start] + content + text[end:]
    return text, [fix for fix, _ in accepted]


def overlaps(start: int, end: int, other: tuple[int, int]) -> bool:
    """Whether [start, end) and ``other`` share a character, or insert at the same place (the order
    of two insertions at one point is not knowable, so they count as overlapping)."""
    other_start, other_end = other
    if start == end or other_start == other_end:
        return other_start <= start <= other_end if start == end else start <= other_start <= end
    return start < other_end and other_start < end
