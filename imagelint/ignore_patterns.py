"""``.dockerignore`` patterns: which build-context paths a list of them keeps out of a build.

The meaning is the Docker SDK's (docker-py's ``PatternMatcher``, what its ``build`` leaves out of
the context it sends). It is implemented here rather than imported because importing the SDK pulls
in requests, urllib3 and ssl (about 0.25 s), which every lint of a project with a ``.dockerignore``
would pay; tests/test_ignore_patterns.py checks that both give the same answers.

- A pattern is split on ``/``; empty and ``.`` parts are dropped and ``..`` drops the part before it
  (the Docker docs' "Go filepath.Clean" step). A pattern left with no part (``.``, ``/``) is ignored.
- ``!`` before a pattern lets back in what it matches; of the patterns that match, the last wins.
- A pattern also matches everything below a folder it matches (``build`` keeps out ``build/x/y``).
- ``*`` and ``?`` stay within one folder name; ``**`` spans any number of folders, none included;
  ``[abc]``, ``[a-z]`` and ``[!abc]`` are character classes. Case is ignored.
- ``.dockerignore`` itself is always sent.

Each pattern is compiled once. One with two or more ``*``/``**`` is matched by a non-backtracking
automaton (:mod:`imagelint.pattern_automaton`) rather than ``re``, which takes exponential time on
``**/**/**/...`` or ``a***...***b`` against a path that nearly matches; and a line that cannot change
the answer so far (a ``!`` line while the path is sent, an exclusion while it is already out) is
not tried, as Docker's own matcher skips it. Lines whose first folder name is plain text are filed
under it: a path is only tried against the lines for its own first name and those starting with a
wildcard, so 100,000 lines for other folders cost a path nothing.
"""

from __future__ import annotations

import re

from imagelint.pattern_automaton import ANY, CLASS, DIRS, LITERAL, ONE, STAR, Automaton, Token, variable_tokens

_ALWAYS_SENT = "!.dockerignore"


class IgnorePatterns:
    """Compiled ``.dockerignore`` lines (as written, comments already left out)."""

    def __init__(self, lines: list[str] | tuple[str, ...]) -> None:
        # the always-sent line has index len(lines)
        self._patterns: list[_Line] = []
        self._lines = len(lines)
        self._by_first: dict[str, list[int]] = {}  # first folder name (plain text) -> positions in _patterns
        self._wild_first: list[int] = []  # positions of the patterns whose first name has a wildcard
        for index, line in enumerate([*lines, _ALWAYS_SENT]):
            lets_back_in = line.startswith("!")
            parts = _clean_parts(line[1:] if lets_back_in else line)
            if not parts:
                continue
            first = parts[0].lower()
            if any(char in first for char in "*?["):
                self._wild_first.append(len(self._patterns))
            else:
                self._by_first.setdefault(first, []).append(len(self._patterns))
            self._patterns.append(_Line(index, lets_back_in, len(parts), "/".join(parts)))

    def _candidates(self, name: str, parent_parts: list[str]) -> list[int]:
        """Positions of the patterns that may match (the others' first name differs), in order."""
        firsts = {name.split("/", 1)[0], *parent_parts[:1]}
        found = [*self._wild_first]
        for first in firsts:
            found.extend(self._by_first.get(first, ()))
        if len(firsts) > 1 or self._wild_first:
            found.sort()
        return found

    def matches(self, relative: str) -> bool:
        """Whether the patterns keep this context path (``dir/file``, no leading ``/``) out."""
        name, parent_parts = _split(relative)
        excluded = False
        for position in self._candidates(name, parent_parts):
            line = self._patterns[position]
            if line.lets_back_in != excluded:
                continue  # it could only say what is already so
            if _hit(line.matcher, line.depth, name, parent_parts):
                excluded = not line.lets_back_in
        return excluded

    def always_sent(self, relative: str) -> bool:
        """Whether the path is ``.dockerignore`` (or below a folder of that name): sent whatever the lines say."""
        name, parent_parts = _split(relative)
        line = self._patterns[-1]
        return _hit(line.matcher, line.depth, name, parent_parts)

    def hits(self, relative: str) -> list[bool]:
        """For each line given (in order; the always-sent ``.dockerignore`` left out), whether it
        matches the path or a folder above it, whatever the lines before it say."""
        name, parent_parts = _split(relative)
        found = [False] * self._lines
        for position in self._candidates(name, parent_parts):
            line = self._patterns[position]
            if line.index < self._lines:
                found[line.index] = _hit(line.matcher, line.depth, name, parent_parts)
        return found


class _Line:
    """One pattern line, compiled the first time a path is tried against it."""

    __slots__ = ("index", "lets_back_in", "depth", "text", "_matcher")

    def __init__(self, index: int, lets_back_in: bool, depth: int, text: str) -> None:
        self.index, self.lets_back_in, self.depth, self.text = index, lets_back_in, depth, text
        self._matcher: re.Pattern[str] | Automaton | _Exact | None | bool = False

    @property
    def matcher(self) -> re.Pattern[str] | Automaton | _Exact | None:
        if self._matcher is False:
            self._matcher = _compile(self.text)
        return self._matcher  # type: ignore[return-value]


class _Exact:
    """A pattern without wildcards: the regex ``^text$`` matches the text, or the text and a newline."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def match(self, name: str) -> bool:
        return name == self.text or name == self.text + "\n"


def _split(relative: str) -> tuple[str, list[str]]:
    name = relative.lower()
    parent, _, _ = name.rpartition("/")
    return name, [part for part in parent.split("/") if part and part != "."]


def _hit(matcher: re.Pattern[str] | Automaton | _Exact | None, depth: int, name: str, parent_parts: list[str]) -> bool:
    if matcher is None:
        return False
    if matcher.match(name):
        return True
    return bool(parent_parts) and depth <= len(parent_parts) and bool(matcher.match("/".join(parent_parts[:depth])))


def _clean_parts(pattern: str) -> list[str]:
    parts: list[str] = []
    for part in pattern.strip().split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return parts


def _compile(pattern: str) -> re.Pattern[str] | Automaton | _Exact | None:
    """The matcher for one cleaned pattern; None for one that is not a valid pattern (a class like
    ``[z-a]``): it matches nothing, where the SDK would raise."""
    tokens = _tokens(pattern.lower())
    if all(token.kind == LITERAL for token in tokens):
        return _Exact("".join(token.text for token in tokens))
    try:
        regex = re.compile("^" + "".join(token.regex for token in tokens) + "$")
    except re.error:
        return None
    # One wildcard cannot make re backtrack more than the path's length times the pattern's.
    return Automaton(tokens) if variable_tokens(tokens) > 1 else regex


def _tokens(pattern: str) -> list[Token]:
    out: list[Token] = []
    i, end = 0, len(pattern)
    while i < end:
        char = pattern[i]
        i += 1
        if char == "*" and pattern.startswith("*", i):
            i += 1
            if pattern.startswith("/", i):
                i += 1  # "**/" is "**"
            out.append(Token(ANY, ".*") if i >= end else Token(DIRS, "(.*/)?"))
        elif char == "*":
            out.append(Token(STAR, "[^/]*"))
        elif char == "?":
            out.append(Token(ONE, "[^/]"))
        elif char == "[":
            close = _class_end(pattern, i)
            if close is None:
                out.append(Token(LITERAL, r"\[", "["))  # no closing bracket: a literal "["
                continue
            members = pattern[i:close].replace("\\", "\\\\")
            i = close + 1
            if members.startswith("!"):
                members = "^" + members[1:]
            elif members.startswith("^"):
                members = "\\" + members
            out.append(Token(CLASS, f"[{members}]"))
        else:
            out.append(Token(LITERAL, re.escape(char), char))
    return out


def _class_end(pattern: str, start: int) -> int | None:
    """Where the ``]`` closing a class that opens before ``start`` is: a ``]`` right after the
    ``[`` (or ``[!``) is a member, not the end."""
    position = start
    if pattern.startswith("!", position):
        position += 1
    if pattern.startswith("]", position):
        position += 1
    close = pattern.find("]", position)
    return None if close < 0 else close
