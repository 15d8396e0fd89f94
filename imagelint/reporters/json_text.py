"""The JSON reports' text: ``json.dumps(readable_document(document), indent=2, ensure_ascii=False)``, faster.

With an indent, CPython's ``json`` runs its pure-Python encoder, a chain of generators that hands
every piece up through each level it is nested in; on a big report that and the
:func:`~imagelint.reporters.readable.readable_document` copy of the document cost more than
building it. :func:`report_text` writes the same characters with one call per container, the
strings escaped by ``json``'s own C escaper, and copies the document for readable names only when
its text shows a name that needs it (a lone surrogate: rare). What it does not write itself (a
number or None as a key, NaN, an unknown type, a circular document) is left to ``json.dumps``,
which then gives exactly what it always gave, errors included.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from json.encoder import encode_basestring as _string  # the C escaper where CPython has it, as json.dumps uses

from imagelint.reporters.readable import has_unreadable, readable_document

if TYPE_CHECKING:
    from imagelint.findings import Finding

INDENT = "  "


class _Unusual(Exception):
    """A value or key this writer leaves to ``json.dumps`` (whose conversions and errors then apply)."""


def report_text(document: object) -> str:
    """``document`` as ``json.dumps(readable_document(document), indent=2, ensure_ascii=False)`` writes it."""
    text = indented_json(document)
    if has_unreadable(text):
        text = indented_json(readable_document(document))
    return text


def indented_json(value: object) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``."""
    text = usual_indented_json(value)
    return json.dumps(value, indent=2, ensure_ascii=False) if text is None else text


def usual_indented_json(value: object) -> str | None:
    """``indented_json(value)``, or None for a document this writer leaves to ``json.dumps``
    (which would write a :class:`Verbatim` in it as a string)."""
    parts: list[str] = []
    try:
        _value(value, 0, parts.append)
    except (_Unusual, RecursionError):  # RecursionError: a circular (or absurdly deep) document
        return None
    return "".join(parts)


def _scalar(value: object) -> str:
    """A non-container value as ``json`` writes it, in the order ``json``'s encoder tests the types."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)  # an IntEnum as its number, as json writes it
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Unusual
        return float.__repr__(value)
    raise _Unusual


class Verbatim(str):
    """JSON text written already, put in a document as it is (not as a string)."""

    __slots__ = ()


def findings_text(findings: list[Finding], level: int) -> Verbatim:
    """``indented_json([f.to_dict() for f in findings])`` at ``level``, written straight from the
    findings: most of a lint report is findings, and building their dicts to walk them cost more
    than writing the text. A test holds the two to the same characters."""
    if not findings:
        return Verbatim("[]")
    item = "\n" + INDENT * (level + 1)
    field = "," + item + INDENT
    heads: dict[tuple, str] = {}  # the text up to the message, once per rule and severity
    fix_parts: list[str] = []
    put_fix = fix_parts.append
    texts = []
    for f in findings:
        key = (f.rule, f.name, f.family, f.severity)
        head = heads.get(key)
        if head is None:
            head = heads[key] = (
                f'{{{item}{INDENT}"rule": {_string(f.rule)}{field}"name": {_string(f.name)}{field}"family": {_string(f.family)}'
                f'{field}"severity": {_string(str(f.severity))}{field}"message": '
            )
        if f.fix is None:
            fix = "null"
        else:
            fix_parts.clear()
            _dict(f.fix.to_dict(), level + 2, put_fix)
            fix = "".join(fix_parts)
        line, end_line, column = f.line, f.end_line, f.column
        texts.append(
            f'{head}{_string(f.message)}{field}"file": {_string(f.file)}'
            f'{field}"line": {"null" if line is None else int.__repr__(line)}'
            f'{field}"end_line": {"null" if end_line is None else int.__repr__(end_line)}'
            f'{field}"column": {"null" if column is None else int.__repr__(column)}{field}"fix": {fix}{item}}}'
        )
    return Verbatim("[" + item + ("," + item).join(texts) + "\n" + INDENT * level + "]")


def _value(value: object, level: int, put) -> None:
    # No type is both a container and a scalar, so testing containers first changes nothing.
    if type(value) is Verbatim:
        put(value)
    elif isinstance(value, (list, tuple)):
        _list(value, level, put)
    elif isinstance(value, dict):
        _dict(value, level, put)
    else:
        put(_scalar(value))


# Below, the most common values (str, int, None) are written on the spot, their type compared by
# identity; anything else goes through _value. These two run once per container of the report.


def _list(items: list | tuple, level: int, put) -> None:
    if not items:
        put("[]")
        return
    newline = "\n" + INDENT * (level + 1)
    opening, separator = "[" + newline, "," + newline
    for value in items:
        if type(value) is str:
            put(opening + _string(value))
        else:
            put(opening)
            _value(value, level + 1, put)
        opening = separator
    put("\n" + INDENT * level + "]")


def _dict(items: dict, level: int, put) -> None:
    if not items:
        put("{}")
        return
    newline = "\n" + INDENT * (level + 1)
    opening, separator = "{" + newline, "," + newline
    for key, value in items.items():
        if type(key) is not str:
            raise _Unusual  # json turns numbers, booleans and None into key text; not worth repeating here
        kind = type(value)
        if kind is str:
            put(f"{opening}{_string(key)}: {_string(value)}")
        elif kind is int:
            put(f"{opening}{_string(key)}: {int.__repr__(value)}")
        elif value is None:
            put(f"{opening}{_string(key)}: null")
        else:
            put(f"{opening}{_string(key)}: ")
            _value(value, level + 1, put)
        opening = separator
    put("\n" + INDENT * level + "}")
