"""Text from images, registries and Dockerfiles made safe to print on a terminal.

File names in a layer, recorded build commands, a registry's error message and the Dockerfile text a
finding quotes are written by whoever made the image or the file. Printed raw, an ESC starts a
terminal control sequence (move the cursor, rewrite earlier lines, set the window title, in some
terminals far worse), a CR overwrites the line it is on, and a BEL rings. :func:`printable` shows
every such character as a visible escape instead: ``\\x1b``, ``\\r``, ``\\x07``, ``\\x9b`` (C1
controls), ``\\u202e`` (the bidirectional overrides that reorder what a reader sees), and a byte that
was not valid UTF-8 (kept as a lone surrogate by the readers) as ``\\xff``. Plain text, tabs and
every other character are left as they are.

Machine formats need none of this: JSON and SARIF escape control characters themselves, and HTML
escapes markup; they keep the data as it is.
"""

from __future__ import annotations

import re

# C0 controls but TAB, DEL, C1 controls, bidirectional embeddings/overrides/isolates, lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def _shown(match: re.Match[str]) -> str:
    character = match.group(0)
    code = ord(character)
    if character in _NAMED:
        return _NAMED[character]
    if 0xDC80 <= code <= 0xDCFF:  # a byte surrogateescape kept from undecodable input
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control and reordering characters shown as escapes (see the module docstring)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_shown, text)

