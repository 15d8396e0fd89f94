"""Heredocs: which ``<<NAME`` words an instruction line holds (found with BuildKit's shell lexer,
as its heredocsFromLine does) and reading their bodies from the lines that follow.
"""

from __future__ import annotations

import re

from imagelint.dockerfile.model import Heredoc, Instruction, ParseProblem
from imagelint.dockerfile.syntax import GO_SPACE
from imagelint.lazy_pattern import LazyPattern
from imagelint.limits import NESTING

# A heredoc word: optional fd, <<, optional -, then the name. Current BuildKit (>= 0.22) allows
# blanks between << and the name (``<< EOF``); earlier releases did not.
_HEREDOC_WORD = LazyPattern(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\Z")


class _LexError(ValueError):
    pass


class _ShellWords:
    """BuildKit's shell lexer (shell.Lex) as its heredoc detection uses it: words of a line with an
    empty environment and SkipUnsetEnv, so ``$X`` and ``${X:-y}`` stay as written. The escape is
    always a backslash. Lexing errors (an unclosed quote, a bad ``${}``) raise ``_LexError``.
    """

    # Runs of characters with no meaning to the lexer, consumed in one step (big RUN lines).
    _PLAIN = re.compile("[^$<'\"\\\\" + re.escape(GO_SPACE) + "]+")

    def __init__(self, text: str, *, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.pos = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.depth = 0  # ``${A:-${B:-...}}`` levels open; past limits.NESTING the line is a lexing error

    def words(self) -> list[str]:
        return self._process(None, self.raw_escapes)[1]

    def _peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def _next(self) -> str | None:
        ch = self._peek()
        if ch is not None:
            self.pos += 1
        return ch

    def _process(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[str]]:
        """processStopOn: read up to ``stop`` (or the end) and return (text, words)."""
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        self.depth += 1
        if self.depth > NESTING.value() + 1:
            raise _LexError("variables nested too deeply")
        try:
            result: list[str] = []
            words = _Words()
            while (ch := self._peek()) is not None:
                if stop is not None and ch == stop:
                    self.pos += 1
                    return "".join(result), words.get()
                if ch == "$":
                    text = self._dollar()
                    result.append(text)
                    words.add_string(text)  # variable values are word-split
                    continue
                if ch in ("<", "'", '"'):
                    text = self._heredoc_marker() if ch == "<" else self._quoted(ch)
                    result.append(text)
                    words.add_raw(text)
                    continue
                if stop is None:
                    plain = self._PLAIN.match(self.text, self.pos)
                    if plain:
                        result.append(plain.group())
                        words.add_raw(plain.group())
                        self.pos = plain.end()
                        continue
                self.pos += 1
                if ch == "\\":
                    if self.raw_escapes:
                        words.add_raw(ch)
                        result.append(ch)
                    ch = self._next()
                    if ch is None:
                        break
                    words.add_raw(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
            if stop is not None:
                raise _LexError(f"no matching {stop}")
            return "".join(result), words.get()
        finally:
            self.raw_escapes = saved
            self.depth -= 1

    def _quoted(self, quote: str) -> str:
        self.pos += 1
        out = [quote] if self.raw_quotes else []
        while True:
            ch = self._peek()
            if ch is None:
                raise _LexError(f"no matching {quote}")
            if ch == quote:
                self.pos += 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if quote == '"' and ch == "$":
                out.append(self._dollar())
                continue
            self.pos += 1
            if quote == '"' and ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                following = self._peek()
                if following is None:
                    continue  # the loop then fails on the missing closing quote
                if following in ('"', "$", "\\"):
                    ch = self._next()
            out.append(ch)

    def _dollar(self) -> str:
        self.pos += 1
        if self._peek() != "{":
            return "$" + self._name()
        self.pos += 1
        first = self._peek()
        if first is None:
            raise _LexError("missing '}'")
        if first in "{}:":
            raise _LexError("bad substitution")
        name = self._name()
        ch = self._next()
        if ch == "}":
            return "${" + name + "}"
        if ch is not None and ch in ":+-?#%":
            modifier = ch
            if ch == ":":
                ch = self._next()
                modifier += ch or ""
            word, _ = self._process("}", ch in ("#", "%"))
            return "${" + name + modifier + word + "}"
        if ch == "/":
            if self._peek() == "/":
                self.pos += 1
            pattern, _ = self._process("/", True)
            replacement, _ = self._process("}", True)
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        raise _LexError("unsupported modifier")

    def _name(self) -> str:
        start = self.pos
        ch = self._peek()
        if ch is not None and ch.isdecimal():
            while (ch := self._peek()) is not None and ch.isdecimal():
                self.pos += 1
            return self.text[start : self.pos]
        if ch is not None and ch in "@*#?-$!0":
            self.pos += 1
            return ch
        while (ch := self._peek()) is not None and (ch.isalpha() or ch.isdecimal() or ch == "_"):
            self.pos += 1
        return self.text[start : self.pos]

    def _heredoc_marker(self) -> str:
        """``<<`` keeps the blanks after it in its word, so ``<< EOF`` is one word (BuildKit >= 0.22)."""
        self.pos += 1
        if self._peek() != "<":
            return "<"
        self.pos += 1
        start = self.pos
        while self._peek() in (" ", "\t", "\r"):
            self.pos += 1
        return "<<" + self.text[start : self.pos]


class _Words:
    """The lexer's word collector: unquoted Unicode space separates words, empty words vanish.

    A word is kept as a list of its pieces, joined when it ends: adding to a string would copy
    the word so far each time (a 1 MB word of ``$a$a...`` took 25 s)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.words: list[str] = []

    def _end_word(self) -> None:
        word = "".join(self.pieces)
        if word:
            self.words.append(word)
        self.pieces = []

    def add_char(self, ch: str) -> None:
        if ch in GO_SPACE:
            self._end_word()
        else:
            self.pieces.append(ch)

    def add_raw(self, text: str) -> None:
        self.pieces.append(text)

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def get(self) -> list[str]:
        self._end_word()
        return self.words


def _heredoc_specs(line: str) -> list[tuple[str, bool, bool, int | None]]:
    """(name, chomp, expand, fd) of each heredoc BuildKit finds on the (joined) instruction line."""
    try:
        words = _ShellWords(line, raw_quotes=True, raw_escapes=True).words()
    except _LexError:
        return []  # BuildKit ignores the error: such a line just has no heredocs
    specs = []
    for word in words:
        match = _HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        # The name is the single word ``rest`` lexes to; it is quoted (no expansion of the body)
        # when lexing with quotes kept gives more quote characters than lexing without.
        names = _ShellWords(rest, raw_quotes=False, raw_escapes=False).words()
        if len(names) != 1:
            continue
        raw_names = _ShellWords(rest, raw_quotes=True, raw_escapes=False).words()
        if len(raw_names) != 1:
            raise _LexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
        quotes = names[0].count("'") + names[0].count('"')
        raw_quotes = raw_names[0].count("'") + raw_names[0].count('"')
        fd = int(match.group(1)) if match.group(1) else None
        specs.append((names[0], match.group(2) == "-", quotes == raw_quotes, fd))
    return specs


def read_heredocs(
    instruction: Instruction,
    logical: str,
    lines: list[str],
    raw_lines: list[str],
    i: int,
    problems: list[ParseProblem],
    unterminated: dict[tuple[str, bool], int] | None = None,
) -> int:
    """Consume each heredoc body after the instruction; returns the index of the next line to read.

    BuildKit rejects a file with an unterminated heredoc. Here the problem is recorded at the
    instruction, that heredoc and any later one are dropped, and parsing goes on right after the
    last complete heredoc, so the rest of the file is still linted.

    ``unterminated`` (one per file) remembers, for each (name, chomp), the first line from which no
    line ends such a heredoc: a file of thousands of unterminated ``RUN <<EOF`` lines is then read
    once, not once per heredoc.
    """
    try:
        specs = _heredoc_specs(logical)
    except _LexError as err:
        problems.append(ParseProblem(instruction.line, instruction.end_line, str(err)))
        return i
    if unterminated is None:
        unterminated = {}
    for name, chomp, expand_vars, fd in specs:
        first = i + 1
        end = i
        known_missing = unterminated.get((name, chomp), len(lines) + 1) <= i
        while end < len(lines) and not known_missing:
            candidate = lines[end].lstrip("\t") if chomp else lines[end]
            end += 1
            if candidate == name:
                break
        else:
            unterminated[(name, chomp)] = min(i, unterminated.get((name, chomp), i))
            problems.append(
                ParseProblem(
                    instruction.line,
                    instruction.end_line,
                    f"unterminated heredoc '{name}': no line '{name}' ends it",
                )
            )
            return i
        content = "".join(raw_lines[first - 1 : end - 1])
        instruction.heredocs.append(Heredoc(name, content, chomp, expand_vars, fd, first, end))
        instruction.end_line = end
        i = end
    return i
