"""Quote-aware splitting of instruction arguments into words and ``key=value`` pairs.

This is the only module that imports ``dockerfile_parse``. That library's own instruction splitter
is not faithful to BuildKit (it turns heredoc bodies into instructions and mis-expands ``${A:-b}``),
so :mod:`imagelint.dockerfile.parser` follows BuildKit for the line structure; dockerfile-parse is
used for what it does right: quote-aware word and ``key=value`` splitting of arguments. The values
split here are those of a finished :class:`~imagelint.dockerfile.model.Instruction`, for the rules;
BuildKit's own argument lexers (flags, ``parseWords``, heredoc words) are in
:mod:`imagelint.dockerfile.arguments` and :mod:`imagelint.dockerfile.heredocs`.
"""

from __future__ import annotations

import re

from dockerfile_parse.util import WordSplitter, extract_key_values

# Text with none of these needs no quote-aware splitting: plain str.split() gives the same words.
_QUOTING = re.compile(r"[\\'\"]")


def split_words(value: str) -> list[str]:
    """Whitespace-separated words with quotes and escapes removed (dockerfile-parse's splitter)."""
    if not _QUOTING.search(value):
        return value.split()
    return list(WordSplitter(value).split(dequote=True))


def split_key_values(value: str) -> list[tuple[str, str]]:
    """``a=1 b="x y"`` pairs (or the legacy ``key value with spaces``), quotes removed."""
    if not _QUOTING.search(value):
        words = value.split()
        if words and all("=" in word for word in words):
            # The common case (``A=1 B=2``), split directly: the quote-aware splitter dominates parse time.
            return [tuple(word.split("=", 1)) for word in words]  # type: ignore[misc]
    try:
        return [(k, v) for k, v in extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)]
    except (ValueError, IndexError):
        return []


def split_arg_declarations(value: str) -> list[tuple[str, str | None]]:
    """The arguments of ``ARG A B=1`` -> [("A", None), ("B", "1")]."""
    result: list[tuple[str, str | None]] = []
    quoted = bool(_QUOTING.search(value))
    for word in WordSplitter(value).split(dequote=False) if quoted else value.split():
        name, sep, default = word.partition("=")
        if not name:
            continue
        if sep and default and quoted:
            default = split_words(default)[0] if split_words(default) else ""
        result.append((name, default if sep else None))
    return result
