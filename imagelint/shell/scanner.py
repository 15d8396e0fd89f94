"""What the lexer reads, and how it finds where brackets close.

A :class:`Ctx` is one text being lexed: the script itself, or a copy (the unquoted string of
``sh -c '...'``, an escaped backtick body) whose offsets map back to the script's. :func:`scan` is
the iterative bracket scanner: it finds the end of a ``$(``, ``${`` or ``(`` once, recording every
bracket it passes in the ``Ctx`` so that inner levels never rescan.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

# The body of a ``$'...'`` string, up to (not including) its closing quote.
ANSI_BODY = re.compile(r"(?:[^'\\]+|\\.)*", re.S)


class Ctx:
    """One text being lexed: the script itself, or the unquoted string of `sh -c` / backticks."""

    __slots__ = ("text", "close", "map")

    def __init__(self, text: str, mapper: Callable[[int], int] | None = None) -> None:
        self.text = text
        self.close: dict[int, int] = {}  # opening bracket offset -> its closing bracket offset
        self.map = mapper  # offset in text -> offset in the root text (None: identity)


def runs_mapper(runs: list[tuple[int, int]], parent: Callable[[int], int] | None) -> Callable[[int], int]:
    """Offset map of a copied text: ``runs`` are (offset in the copy, offset in the text it was copied
    from) where each verbatim run starts; ``parent`` maps that text on to the root text."""
    keys = [r[0] for r in runs]
    offsets = [r[1] for r in runs]

    def mapper(i: int) -> int:
        k = bisect.bisect_right(keys, i) - 1
        o = offsets[k] + (i - keys[k]) if k >= 0 else (offsets[0] if offsets else 0)
        return o if parent is None else parent(o)

    return mapper


class Rx:
    """The lexer's patterns for one escape character (a Dockerfile's ``# escape=``)."""

    __slots__ = ("esc", "plain", "dq", "code", "bt", "bt_body", "dq_escapable")

    def __init__(self, esc: str) -> None:
        self.esc = esc
        e = re.escape(esc)
        backtick = "`" if esc == "\\" else ""
        self.plain = re.compile(rf"[^ \t\n\r\f\v'\"$|&;<>(){e}{backtick}]+")
        self.dq = re.compile(rf"[^\"${e}{backtick}]+")
        self.code = re.compile(rf"[^'\"$(){{}}#{e}{backtick}]+")
        self.bt = re.compile(r"[^`\\]+")
        self.bt_body = re.compile(r"(?:[^`\\]+|\\.)*", re.S)
        self.dq_escapable = '$`"\\\n' if esc == "\\" else None  # None: escapes anything


_RX: dict[str, Rx] = {}


def rx_for(escape: str) -> Rx:
    rx = _RX.get(escape)
    if rx is None:
        rx = _RX[escape] = Rx(escape)
    return rx


def scan(ctx: Ctx, open_at: int, lim: int, closer: str, rx: Rx) -> tuple[int, list]:
    """Offset of the bracket closing the one at open_at (-1 if none), iteratively.

    Records the close of every bracket passed on the way in ``ctx.close`` so lexing the inner
    text later never scans it again. Also returns the command substitutions directly inside
    (used for ``${VAR:-$(cmd)}``, whose inside is not lexed as a script).
    """
    text = ctx.text
    cache = ctx.close
    code = rx.code.match
    dqm = rx.dq.match
    btm = rx.bt.match
    esc = rx.esc
    backticks = esc == "\\"
    stack: list[tuple[str, int, bool]] = [(closer, open_at, False)]
    depth_cs = 0  # command substitutions open above the base
    found: list = []
    pos = open_at + 1
    while pos < lim:
        mode = stack[-1][0]
        if mode == '"':
            m = dqm(text, pos, lim)
            if m is not None:
                pos = m.end()
                if pos >= lim:
                    break
            c = text[pos]
            if c == '"':
                stack.pop()
                pos += 1
            elif c == esc:
                pos += 2
            elif c == "$":
                n = text[pos + 1] if pos + 1 < lim else ""
                if n == "(":
                    stack.append((")", pos + 1, True))
                    depth_cs += 1
                    pos += 2
                elif n == "{":
                    stack.append(("}", pos + 1, False))
                    pos += 2
                else:
                    pos += 1
            elif c == "`":
                stack.append(("`", pos, False))
                pos += 1
            else:
                pos += 1
            continue
        if mode == "`":
            m = btm(text, pos, lim)
            if m is not None:
                pos = m.end()
                if pos >= lim:
                    break
            c = text[pos]
            if c == "`":
                stack.pop()
                pos += 1
            else:
                pos += 2
            continue
        m = code(text, pos, lim)
        if m is not None:
            pos = m.end()
            if pos >= lim:
                break
        c = text[pos]
        if c == "'":
            q = text.find("'", pos + 1, lim)
            if q < 0:
                break
            pos = q + 1
        elif c == '"':
            stack.append(('"', pos, False))
            pos += 1
        elif c == esc:
            pos += 2
        elif c == "$":
            n = text[pos + 1] if pos + 1 < lim else ""
            if n == "(":
                stack.append((")", pos + 1, True))
                depth_cs += 1
                pos += 2
            elif n == "{":
                stack.append(("}", pos + 1, False))
                pos += 2
            elif n == "'":
                pos = ANSI_BODY.match(text, pos + 2, lim).end() + 1
            else:
                pos += 1
        elif c == "`" and backticks:
            stack.append(("`", pos, False))
            pos += 1
        elif c == "(" and mode == ")":
            stack.append((")", pos, False))
            pos += 1
        elif c == ")" or c == "}":
            if mode == c:
                _, opened, is_cs = stack.pop()
                cache[opened] = pos
                if is_cs:
                    depth_cs -= 1
                    if depth_cs == 0:
                        found.append((ctx, opened + 1, pos))
                if not stack:
                    return pos, found
            pos += 1
        elif c == "#" and mode == ")" and (pos == 0 or text[pos - 1] in " \t\n;&|("):
            nl = text.find("\n", pos, lim)
            pos = lim if nl < 0 else nl
        else:
            pos += 1
    for mode, opened, _ in stack:  # unclosed: remember, so inner levels do not rescan
        if mode == ")" or mode == "}":
            cache[opened] = -1
    return -1, found
