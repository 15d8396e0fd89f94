"""Positions between imagelint and the Language Server Protocol.

imagelint counts lines and columns from 1, columns in characters (code points). LSP counts both
from 0, and a ``character`` in the code units of the position encoding agreed at initialize:
UTF-16 unless the client offers another (an emoji is 2 UTF-16 units, ``ü`` is 2 UTF-8 units).

Lines are split on ``\\n`` as the Dockerfile parser and :class:`imagelint.fixes.TextPositions` do;
a ``\\r`` before it belongs to no line's visible text. The parser drops a byte-order mark, so
imagelint's columns on line 1 start after it, and LSP's count it. Pure functions, no pygls: the server turns
the tuples into lsprotocol types.
"""

from __future__ import annotations

import bisect

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
BOM = "\ufeff"

Position = tuple[int, int]  # (line, character), 0-based, character in code units
Span = tuple[Position, Position]


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units ``text`` takes in ``encoding``."""
    if encoding == UTF8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    if encoding == UTF32:
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def char_index(line: str, character: int, encoding: str = UTF16) -> int:
    """The index (in code points) of the character at ``character`` code units into ``line``; a
    position inside a character (half a surrogate pair) is that character's, one past the end is
    the end."""
    if encoding == UTF32:
        return max(0, min(character, len(line)))
    counted = 0
    for index, char in enumerate(line):
        width = units(char, encoding)
        if counted + width > character:
            return index
        counted += width
    return len(line)


class DocumentLines:
    """One document's text, for converting imagelint's positions to LSP ones and back."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.encoding = encoding
        self._bom = units(BOM, encoding) if text.startswith(BOM) else 0
        self.text = text[1:] if self._bom else text  # as the parser sees it
        self._starts = [0]
        for index, char in enumerate(self.text):
            if char == "\n":
                self._starts.append(index + 1)

    def line(self, index: int) -> str:
        """Line ``index`` (0-based) without its line break; "" past the end."""
        if not 0 <= index < len(self._starts):
            return ""
        start = self._starts[index]
        end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(self.text)
        text = self.text[start:end]
        return text[:-1] if text.endswith("\r") else text

    def _clamp(self, line: int | None) -> int:
        """A 1-based line number as a 0-based index inside the document."""
        return max(0, min((line or 1) - 1, len(self._starts) - 1))

    def character(self, line_index: int, column: int | None) -> int:
        """Code units before 1-based character ``column`` of line ``line_index`` (0-based)."""
        text = self.line(line_index)
        return units(text[: max(0, (column or 1) - 1)], self.encoding)

    def char_span(self, line_index: int, start: int, end: int) -> Span:
        """The range of characters ``start`` to ``end`` (0-based, end exclusive) of one line."""
        return self._shift((line_index, self.character(line_index, start + 1))), self._shift(
            (line_index, self.character(line_index, end + 1))
        )

    def finding_span(self, line: int | None, column: int | None, end_line: int | None) -> Span:
        """A finding's range: from its column to the end of its last line (findings have no end
        column). A finding without a line covers the first line."""
        start_line = self._clamp(line)
        last = max(start_line, self._clamp(end_line if end_line is not None else line))
        start = (start_line, self.character(start_line, column))
        end = (last, units(self.line(last), self.encoding))
        if end < start:  # a column past the end of its line
            end = start
        return self._shift(start), self._shift(end)

    def offset_position(self, offset: int) -> Position:
        """The LSP position of a character offset into the text."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._starts, offset) - 1
        return self._shift((index, units(self.text[self._starts[index] : offset], self.encoding)))

    def _shift(self, position: Position) -> Position:
        """Past the byte-order mark, which only LSP counts."""
        return (0, position[1] + self._bom) if position[0] == 0 else position

    def edit_span(self, line: int, column: int, end_line: int, end_column: int) -> Span:
        """A fix edit's range (1-based, end exclusive, columns in characters; the line after the
        last is the end of the text, as :func:`imagelint.fixes.apply_fixes` reads it)."""
        return self.offset_position(self._offset(line, column)), self.offset_position(self._offset(end_line, end_column))

    def _offset(self, line: int, column: int) -> int:
        if line > len(self._starts):
            return len(self.text)
        return min(self._starts[line - 1] + column - 1, len(self.text))

    def whole(self) -> Span:
        """The range of the whole text (its byte-order mark too)."""
        return (0, 0), self.offset_position(len(self.text))

    def from_lsp(self, position: Position) -> tuple[int, int]:
        """An LSP position as (0-based line index, 0-based character index in code points)."""
        line_index, character = position
        if line_index == 0:
            character = max(0, character - self._bom)
        if line_index >= len(self._starts):
            return len(self._starts) - 1, len(self.line(len(self._starts) - 1))
        return line_index, char_index(self.line(line_index), character, self.encoding)


def contains(span: Span, position: Position) -> bool:
    """Whether ``position`` lies in ``span`` (both ends included: a cursor just after the last
    character still hovers the finding)."""
    return span[0] <= position <= span[1]


def overlaps(span: Span, other: Span) -> bool:
    """Whether two ranges share a position (an empty range touching the other counts)."""
    return span[0] <= other[1] and other[0] <= span[1]
