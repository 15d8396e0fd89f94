"""File names that are not valid UTF-8, made safe for every output format.

A directory walk can meet a name whose bytes are not UTF-8 (``svc-\\xff/Dockerfile``); Python keeps
such bytes as lone surrogates, which no UTF-8 report can hold, so writing one failed with
UnicodeEncodeError. Reports show each such byte as the four characters ``\\xff`` (as the terminal
does, see :mod:`imagelint.terminal`), and SARIF, whose locations are URIs, percent-encodes the
real bytes (``svc-%FF/Dockerfile``), so the location still names the file.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # a byte that os.fsdecode kept from an undecodable name
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def readable(text: str) -> str:
    """``text`` with every lone surrogate shown as ``\\xNN`` (or ``\\uNNNN``)."""
    return _SURROGATE.sub(_escaped, text) if has_unreadable(text) else text


def has_unreadable(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which :func:`readable` would show escaped."""
    # Faster than searching: Python knows whether a string is ASCII without reading it, and UTF-8
    # encodes every code point but the surrogates (a report is megabytes, written in one piece).
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def readable_document(value: object) -> object:
    """A JSON-ready document with :func:`readable` applied to every string in it (keys included)."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):
        return {readable_document(key): readable_document(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [readable_document(item) for item in value]
    return value


def uri_path(path: str) -> str:
    """A path as URI text: percent-encoded from its bytes, undecodable ones included."""
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an undecodable byte
        data = readable(path).encode("utf-8")
    return quote(data)


class ReadableStream:
    """A text stream that writes :func:`readable` text (for the formats that write text directly)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(readable(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
