"""The shell lexer: a text in, a list of token tuples out.

One regular expression (``_FAST``) matches most tokens whole; the hand-written methods of
:class:`Lexer` take over for ``$(``, ``${``, backticks, ``$'...'`` and malformed text. Nested
scripts found inside words (``$(...)``, backticks, ``<(...)``) are not lexed here: each word lists
them in its ``subs`` and the parser queues them as scripts of their own.
"""

from __future__ import annotations

import re

from imagelint.shell.model import ASSIGNMENT
from imagelint.shell.scanner import ANSI_BODY, Ctx, rx_for, runs_mapper, scan

# Token shapes (tuples are much cheaper than objects in the hot loop):
#   word:     ('w', start, end, value, quoted, runs, subs)
#   operator: ('o', op, start, end)
#   redirect: ('r', op, fd, start, end, heredoc)   heredoc: [delimiter, strip_tabs, body] or None
#   arith:    ('a', start, end)                    `(( ... ))` command
# ``runs`` maps the value back to the text: (value index, text offset) where each verbatim run
# starts. ``subs`` lists nested scripts found in the word: (ctx, start, end).

_WS = re.compile(r"[ \t\r\f\v]+")
_OP = re.compile(r"&&|\|\||;;&|;;|;&|\|&|[;&|()]")
# One match per token for everything but `$(`, `${`, backticks, `$'...'` and malformed input,
# which the hand-written lexer handles. Repeats are atomic, (?>...), so a failed match never
# backtracks (no blow-up on long words). Words must end where a word ends; otherwise the slow
# path takes over from the same position. Atomic groups, not possessive quantifiers (`*+`):
# before 3.11.5 CPython's possessive repeat of a group matched where the plain one fails
# (python/cpython#106052), which cut `x="$(...)"; apk add ...` into wrong commands on Debian 12.
_FAST = re.compile(
    r"""(?>[ \t\r\f\v]*)(?>(?:
      (?P<r>(?>(?P<fd>(?>\d+)|\{[A-Za-z_](?>[A-Za-z0-9_]*)\})?)
            (?P<rop><<<|<<-|<<|<>|<&|>&|>>|>\||<(?!\()|>(?!\())|&>>|&>)
    | (?P<p>(?!\#)(?>[^ \t\n\r\f\v'"\\$`|&;<>()]+))(?![^ \t\n\r\f\v;&|)<>])
    | (?P<w>(?!\#)(?>(?:(?>[^ \t\n\r\f\v'"\\$`|&;<>()]+)|'(?>[^']*)'|"(?>(?:(?>[^"\\$`]+)|\\[^\n]|\$(?![({]))*)"
                    |\\[^\n]|\$(?![({'"]))+))
      (?![^ \t\n\r\f\v;&|)<>])
    | (?P<o>&&|\|\||;;&|;;|;&|\|&|[;&|)]|\((?!\())
    | (?P<n>\n)
    | (?P<c>\#(?>[^\n]*))
    )?)""",
    re.X,
)  # groups: 1 r, 2 fd, 3 rop, 4 p (plain word), 5 w (word with quotes), 6 o, 7 n, 8 c
_UNQUOTE = re.compile(r"""'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)""", re.S)
_DQ_ESCAPE = re.compile(r"\\([$`\"\\])")


def _unquote_part(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return m.group(1)
    if m.group(2) is not None:
        return _DQ_ESCAPE.sub(r"\1", m.group(2))
    return m.group(3)


_REDIR = re.compile(r"(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)")
_ANSI_ESC = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|.)", re.S)
_ANSI_SIMPLE = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
    "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip


class Lexer:
    """Turns a shell text into tokens (the shapes above), one text at a time.

    ``incomplete`` is set when the text is malformed (an unclosed quote or bracket, an unterminated
    here-document). ``budget`` bounds the text copied to be lexed again: the body of an escaped
    backtick is charged here, and the parser charges the strings of ``sh -c`` to it too.
    """

    def __init__(self, escape: str) -> None:
        self.esc = escape
        self.rx = rx_for(escape)
        self.incomplete = False
        # Each character of a text is lexed once (nested $(...) are skipped by the outer level and
        # lexed by their own job), but an `sh -c` string or escaped backtick body is copied into
        # a new text and lexed again. Crafted nesting like `sh -c "$(sh -c "$(...)")"` would do
        # that per level; charging new texts against this budget keeps the total work linear.
        self.budget = 0
        # Tokens this lexer may still produce (None: no limit); past it a text is cut and
        # ``truncated`` set: the shell model of a huge RUN would take about 1 kB per token.
        self.token_room: int | None = None
        self.truncated = False

    def lex(self, ctx: Ctx, pos: int, lim: int) -> list[tuple]:
        text = ctx.text
        esc = self.esc
        toks: list[tuple] = []
        append = toks.append
        heredocs: list[list] = []  # here-documents whose body starts after the next newline
        want: list | None = None  # here-document waiting for its delimiter word
        ws = _WS.match
        fast = _FAST.match if esc == "\\" else None
        unquote = _UNQUOTE.sub
        most = self.token_room if self.token_room is not None else lim - pos + 1  # a token takes a character
        while pos < lim:
            if len(toks) >= most:
                self.truncated = True
                break
            if fast is not None:
                m = fast(text, pos, lim)
                g = m.lastindex
                if g == 4 or g == 5:
                    # A word followed by "(" fails these patterns: `a=(...)` and `f()` go slow.
                    s, pos = m.span(g)
                    if g == 4:
                        tok = ("w", s, pos, m.group(4), False, None, None)
                    else:
                        raw = m.group(5)
                        q = raw[0]
                        if (
                            (q == "'" or q == '"')
                            and raw[-1] == q
                            and raw.count(q) == 2
                            and (q == "'" or "\\" not in raw)
                        ):
                            value = raw[1:-1]  # one quoted string, nothing to unescape
                        elif "'" in raw or '"' in raw or "\\" in raw:
                            value = unquote(_unquote_part, raw)
                        else:
                            value = raw
                        tok = ("w", s, pos, value, value is not raw, None, None)
                    append(tok)
                    if want is not None:
                        want[0] = tok[3]
                        heredocs.append(want)
                        want = None
                    continue
                if g == 6:
                    s, pos = m.span(6)
                    append(("o", m.group(6), s, pos))
                    want = None
                    continue
                if g == 7:
                    pos = m.end()
                    append(("o", "\n", pos - 1, pos))
                    want = None
                    if heredocs:
                        pos = self._heredoc_bodies(text, pos, lim, heredocs)
                        heredocs = []
                    continue
                if g == 8:
                    pos = m.end()
                    continue
                if g == 1:
                    s, pos = m.span(1)
                    op = m.group(3) or m.group(1)
                    heredoc = [None, op == "<<-", None] if op == "<<" or op == "<<-" else None
                    append(("r", op, m.group(2), s, pos, heredoc))
                    want = heredoc
                    continue
                pos = m.end()
                if pos >= lim:
                    break
            c = text[pos]
            if c in " \t\r\f\v":
                pos = ws(text, pos, lim).end()
                continue
            if c == "\n":
                append(("o", "\n", pos, pos + 1))
                pos += 1
                want = None
                if heredocs:
                    pos = self._heredoc_bodies(text, pos, lim, heredocs)
                    heredocs = []
                continue
            if c == "#":
                nl = text.find("\n", pos, lim)
                pos = lim if nl < 0 else nl
                continue
            nxt = text[pos + 1] if pos + 1 < lim else ""
            if c in "&|;()":
                want = None
                if c == "&" and nxt == ">":
                    op = "&>>" if text.startswith(">>", pos + 1) and pos + 2 < lim else "&>"
                    end = pos + len(op)
                    append(("r", op, None, pos, end, None))
                    pos = end
                    continue
                if c == "(" and nxt == "(":
                    close = self._arith_command(ctx, pos, lim)
                    if close >= 0:
                        append(("a", pos, close + 1))
                        pos = close + 1
                        continue
                m = _OP.match(text, pos, lim)
                op = m.group()
                append(("o", op, pos, m.end()))
                pos = m.end()
                continue
            if c in "<>0123456789{" and not ((c == "<" or c == ">") and nxt == "("):
                m = _REDIR.match(text, pos, lim)
                if m is not None:
                    op = m.group(2)
                    want = [None, op == "<<-", None] if op in ("<<", "<<-") else None
                    append(("r", op, m.group(1), pos, m.end(), want))
                    pos = m.end()
                    continue
            if c == esc and nxt == "\n":
                pos += 2
                continue
            tok = self.word(ctx, pos, lim)
            if tok[2] <= pos:  # cannot happen; guarantees progress on any input
                tok = ("w", pos, pos + 1, c, False, [(0, pos)], None)
            pos = tok[2]
            if pos < lim and text[pos] == "(" and ASSIGNMENT.fullmatch(text, tok[1], pos):
                tok, pos = self._array(ctx, tok, lim)
            append(tok)
            if want is not None:
                want[0] = tok[3]
                heredocs.append(want)
                want = None
        return toks

    def _array(self, ctx: Ctx, tok: tuple, lim: int) -> tuple[tuple, int]:
        """Extend an `name=` word over the `( ... )` of an array assignment."""
        o = tok[2]
        close = ctx.close.get(o)
        found = None
        if close is None:
            close, found = scan(ctx, o, lim, ")", self.rx)
        if close < 0:
            self.incomplete = True
            close = lim - 1
        end = close + 1
        _, s, _, value, quoted, runs, subs = tok
        if runs is not None:
            runs = runs + [(len(value), o)]
        if found:
            subs = (subs or []) + found
        return ("w", s, end, value + ctx.text[o:end], quoted, runs, subs), end

    def _heredoc_bodies(self, text: str, pos: int, lim: int, heredocs: list[list]) -> int:
        for heredoc in heredocs:
            delimiter, strip_tabs = heredoc[0], heredoc[1]
            body_start = pos
            while True:
                if pos >= lim:
                    heredoc[2] = text[body_start:lim]
                    self.incomplete = True
                    return lim
                nl = text.find("\n", pos, lim)
                line_end = lim if nl < 0 else nl
                line = text[pos:line_end]
                if strip_tabs:
                    line = line.lstrip("\t")
                if line == delimiter or line.rstrip("\r") == delimiter:
                    heredoc[2] = text[body_start:pos]
                    pos = min(line_end + 1, lim)
                    break
                pos = line_end + 1
        return pos

    def word(self, ctx: Ctx, pos: int, lim: int) -> tuple:
        """The word token starting at pos: its value unquoted, its runs and the scripts nested in it."""
        text = ctx.text
        rx = self.rx
        plain = rx.plain.match
        dq = rx.dq.match
        esc = self.esc
        backticks = esc == "\\"
        escapable = rx.dq_escapable
        start = pos
        parts: list[str] = []
        runs: list[tuple[int, int]] = []
        vlen = 0
        quoted = False
        in_dq = False
        subs: list | None = None
        while pos < lim:
            if in_dq:
                m = dq(text, pos, lim)
                if m is not None:
                    e = m.end()
                    runs.append((vlen, pos))
                    parts.append(text[pos:e])
                    vlen += e - pos
                    pos = e
                    if pos >= lim:
                        break
                c = text[pos]
                if c == '"':
                    in_dq = False
                    pos += 1
                    continue
                if c == esc:
                    n = text[pos + 1] if pos + 1 < lim else ""
                    if n == "\n":
                        pos += 2
                    elif n and (escapable is None or n in escapable):
                        runs.append((vlen, pos + 1))
                        parts.append(n)
                        vlen += 1
                        pos += 2
                    else:
                        runs.append((vlen, pos))
                        parts.append(c)
                        vlen += 1
                        pos += 1
                    continue
                if c == "$":
                    e, found = self._dollar(ctx, pos, lim)
                elif c == "`":
                    e, found = self._backtick(ctx, pos, lim)
                else:
                    e, found = pos + 1, None
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if found:
                    if subs is None:
                        subs = found
                    else:
                        subs.extend(found)
                continue
            m = plain(text, pos, lim)
            if m is not None:
                e = m.end()
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if pos >= lim:
                    break
            c = text[pos]
            if c == "'":
                q = text.find("'", pos + 1, lim)
                if q < 0:
                    self.incomplete = True
                    q = lim
                runs.append((vlen, pos + 1))
                parts.append(text[pos + 1 : q])
                vlen += q - pos - 1
                pos = min(q + 1, lim)
                quoted = True
            elif c == '"':
                in_dq = True
                quoted = True
                pos += 1
            elif c == esc:
                n = text[pos + 1] if pos + 1 < lim else ""
                if n == "\n":
                    pos += 2
                    continue
                if n == "":
                    runs.append((vlen, pos))
                    parts.append(c)
                    vlen += 1
                    pos += 1
                    continue
                runs.append((vlen, pos + 1))
                parts.append(n)
                vlen += 1
                pos += 2
                quoted = True
            elif c == "$":
                n = text[pos + 1] if pos + 1 < lim else ""
                if n == "'":
                    m = ANSI_BODY.match(text, pos + 2, lim)
                    e = m.end()
                    if e >= lim:
                        self.incomplete = True
                    value = _ansi_decode(text[pos + 2 : e])
                    runs.append((vlen, pos + 2))
                    parts.append(value)
                    vlen += len(value)
                    pos = min(e + 1, lim)
                    quoted = True
                elif n == '"':
                    in_dq = True
                    quoted = True
                    pos += 2
                else:
                    e, found = self._dollar(ctx, pos, lim)
                    runs.append((vlen, pos))
                    parts.append(text[pos:e])
                    vlen += e - pos
                    pos = e
                    if found:
                        if subs is None:
                            subs = found
                        else:
                            subs.extend(found)
            elif c == "`" and backticks:
                e, found = self._backtick(ctx, pos, lim)
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if found:
                    if subs is None:
                        subs = found
                    else:
                        subs.extend(found)
            elif (c == "<" or c == ">") and pos == start and pos + 1 < lim and text[pos + 1] == "(":
                # Process substitution <(cmd) / >(cmd): a word whose inside is a script.
                close = ctx.close.get(pos + 1)
                if close is None:
                    close, _ = scan(ctx, pos + 1, lim, ")", self.rx)
                if close < 0:
                    self.incomplete = True
                    found, e = [(ctx, pos + 2, lim)], lim
                else:
                    found, e = [(ctx, pos + 2, close)], close + 1
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if subs is None:
                    subs = found
                else:
                    subs.extend(found)
            else:
                break
        if in_dq:
            self.incomplete = True
        value = parts[0] if len(parts) == 1 else "".join(parts)
        return ("w", start, pos, value, quoted, runs, subs)

    def _dollar(self, ctx: Ctx, pos: int, lim: int) -> tuple[int, list | None]:
        """End of the `$...` construct at pos, and the scripts inside it."""
        text = ctx.text
        n = text[pos + 1] if pos + 1 < lim else ""
        if n == "(":
            o = pos + 1
            close = ctx.close.get(o)
            if close is None:
                close, _ = scan(ctx, o, lim, ")", self.rx)
            if close < 0:
                self.incomplete = True
                if o + 1 < lim and text[o + 1] == "(":
                    return lim, None
                return lim, [(ctx, o + 1, lim)]
            if o + 1 < close and text[o + 1] == "(" and ctx.close.get(o + 1) == close - 1:
                return close + 1, None  # $(( arithmetic ))
            return close + 1, [(ctx, o + 1, close)]
        if n == "{":
            close, found = scan(ctx, pos + 1, lim, "}", self.rx)
            if close < 0:
                self.incomplete = True
                return lim, found or None
            return close + 1, found or None
        return pos + 1, None

    def _backtick(self, ctx: Ctx, pos: int, lim: int) -> tuple[int, list | None]:
        text = ctx.text
        e = self.rx.bt_body.match(text, pos + 1, lim).end()
        if e >= lim or text[e] != "`":
            self.incomplete = True
            close, end = lim, lim
        else:
            close, end = e, e + 1
        body = text[pos + 1 : close]
        if "\\" not in body:
            return end, [(ctx, pos + 1, close)]
        # Inside backticks, \\ \` and \$ stand for the character itself.
        pieces: list[str] = []
        runs: list[tuple[int, int]] = []
        vlen = 0
        i = pos + 1
        while i < close:
            j = text.find("\\", i, close)
            if j < 0:
                j = close
            if j > i:
                runs.append((vlen, i))
                pieces.append(text[i:j])
                vlen += j - i
            if j >= close:
                break
            n = text[j + 1] if j + 1 < close else ""
            if n in ("\\", "`", "$"):
                runs.append((vlen, j + 1))
                pieces.append(n)
                vlen += 1
                i = j + 2
            else:
                runs.append((vlen, j))
                pieces.append("\\")
                vlen += 1
                i = j + 1
        inner = "".join(pieces)
        self.budget -= len(inner)
        if self.budget < 0:
            self.incomplete = True
            return end, None
        sub = Ctx(inner, runs_mapper(runs, ctx.map))
        return end, [(sub, 0, len(inner))]

    def _arith_command(self, ctx: Ctx, pos: int, lim: int) -> int:
        """Close offset of a `(( ... ))` command starting at pos, or -1 if it is `( (` subshells."""
        close = ctx.close.get(pos)
        if close is None:
            close, _ = scan(ctx, pos, lim, ")", self.rx)
        if close > 0 and ctx.close.get(pos + 1) == close - 1:
            return close
        return -1


def _ansi_decode(body: str) -> str:
    if "\\" not in body:
        return body

    def replace(m: re.Match[str]) -> str:
        s = m.group(1)
        c = s[0]
        if c in _ANSI_SIMPLE and len(s) == 1:
            return _ANSI_SIMPLE[c]
        try:
            if c == "x" and len(s) > 1:
                return chr(int(s[1:], 16))
            if c in "uU" and len(s) > 1:
                return chr(int(s[1:], 16))
            if c in "01234567":
                return chr(int(s, 8) & 0xFF)
        except (ValueError, OverflowError):
            pass
        return m.group(0)

    return _ANSI_ESC.sub(replace, body)
