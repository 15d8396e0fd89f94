"""Quote-aware splitting of instruction arguments into words and ``key=value`` pairs.

The splitting is dockerfile-parse's (its ``WordSplitter`` and ``extract_key_values``, without
variable substitution), done here in one pass per value: that library reads a value a character
at a time through a stream and made splitting quoted ``LABEL`` and ``ENV`` values a tenth of the
lint time of a corpus. tests/model/test_words.py checks both give the same words. BuildKit's line
structure is :mod:`imagelint.dockerfile.parser`'s; the values split here are those of a finished
:class:`~imagelint.dockerfile.model.Instruction`, for the rules; BuildKit's own argument lexers
(flags, ``parseWords``, heredoc words) are in :mod:`imagelint.dockerfile.arguments` and
:mod:`imagelint.dockerfile.heredocs`.
"""

from __future__ import annotations

import re

from imagelint.lazy_pattern import LazyPattern

# Text with none of these needs no quote-aware splitting: plain str.split() gives the same words.
_QUOTING = re.compile(r"[\\'\"]")
# A run of characters quote_aware_words keeps as written whatever the state: no quote, backslash
# or space (``\s`` is what str.isspace() counts as space). Compiled on first use.
_ORDINARY_RUN = LazyPattern(r"""[^\\'"\s]+""")


def quote_aware_words(value: str, *, dequote: bool = True, split: bool = True) -> list[str]:
    """``value`` split at whitespace outside quotes and escapes, as dockerfile-parse splits it.

    A backslash escapes the next character except inside single quotes; inside double quotes it
    is kept unless it escapes a double quote. ``dequote`` drops the quotes and escaping
    backslashes; ``split=False`` gives the whole value as one word (dockerfile-parse's
    ``dequote()``). Quotes with nothing inside make a word of their own (``a "" b``: three words).
    """
    words: list[str] = []
    current: list[str] | None = None
    quote = ""  # the quote in force
    escaped = False
    ordinary_run = _ORDINARY_RUN.compiled.match
    pos, end = 0, len(value)
    while pos < end:
        if not escaped:
            # Characters that are no quote, backslash nor space are kept as they are in any state:
            # take a run of them at once rather than one by one.
            run = ordinary_run(value, pos)
            if run is not None:
                if current is None:
                    current = [run.group()]
                else:
                    current.append(run.group())
                pos = run.end()
                continue
        char = value[pos]
        pos += 1
        was_escaped = escaped
        escaped = not was_escaped and char == "\\" and quote != "'"
        if escaped:
            kept = ""
        elif was_escaped:
            kept = "\\" + char if quote == '"' and char != '"' else char
        elif not quote and (char == "'" or char == '"'):
            quote, kept = char, ""
        elif char == quote:
            quote, kept = "", ""
        else:
            kept = char
        if not dequote:
            kept = char
        if split and not quote and not was_escaped and kept.isspace():
            if current is not None:
                words.append("".join(current))
                current = None
        elif current is None:
            current = [kept]
        else:
            current.append(kept)
    if current is not None:
        words.append("".join(current))
    return words


def _dequoted(value: str) -> str:
    if "\\" not in value and "'" not in value and '"' not in value:
        return value  # nothing to remove
    return "".join(quote_aware_words(value, split=False))


def split_words(value: str) -> list[str]:
    """Whitespace-separated words with quotes and escapes removed (dockerfile-parse's splitter)."""
    if not _QUOTING.search(value):
        return value.split()
    return quote_aware_words(value)


def split_key_values(value: str) -> list[tuple[str, str]]:
    """``a=1 b="x y"`` pairs (or the legacy ``key value with spaces``), quotes removed."""
    if not _QUOTING.search(value):
        words = value.split()
        if words and all("=" in word for word in words):
            # The common case (``A=1 B=2``), split directly: the quote-aware splitter dominates parse time.
            return [tuple(word.split("=", 1)) for word in words]  # type: ignore[misc]
    words = quote_aware_words(value, dequote=False)
    if not words:
        return []
    if "=" not in words[0]:  # the legacy ``key value with spaces``
        key, *rest = [_dequoted(part) for part in value.split(None, 1)]
        return [(key, rest[0] if rest else "")]
    if not all("=" in word for word in words):
        return []  # a word without "=": not key=value pairs
    return [(_dequoted(key), _dequoted(pair)) for key, pair in (word.split("=", 1) for word in words)]


def split_arg_declarations(value: str) -> list[tuple[str, str | None]]:
    """The arguments of ``ARG A B=1`` -> [("A", None), ("B", "1")]."""
    result: list[tuple[str, str | None]] = []
    quoted = bool(_QUOTING.search(value))
    for word in quote_aware_words(value, dequote=False) if quoted else value.split():
        name, sep, default = word.partition("=")
        if not name:
            continue
        if sep and default and quoted:
            default = split_words(default)[0] if split_words(default) else ""
        result.append((name, default if sep else None))
    return result
