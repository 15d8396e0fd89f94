"""A matcher for one translated ``.dockerignore`` pattern that never backtracks.

``re`` tries the ways a pattern's wildcards can split a path one after another: ``**/`` thirty
times in a row, or ``a`` then forty ``*`` then ``b``, takes longer than the age of the universe on a
path that almost matches. This automaton follows every way at once (a set of positions in the
pattern, advanced one character at a time), so a match costs the path's length times the
pattern's, and the sets met are remembered as states of a DFA (RE2's approach), so repeated
paths cost one dictionary lookup per character.

It implements exactly the regular expressions :mod:`imagelint.ignore_patterns` builds (``^`` ...
``$`` with ``[^/]*``, ``[^/]``, ``.*``, ``(.*/)?``, classes and literals) with ``re``'s meaning:
``.`` does not match a newline, and ``$`` also matches before a final newline.
"""

from __future__ import annotations

import re

from imagelint.records import Record

# Token kinds: one character that is ``text`` / any but "/" / any in a class; runs of "not /"
# (``*``), of "anything but a newline" (``**`` at the end), and "nothing, or anything ending in /"
# (``**/`` elsewhere).
LITERAL, ONE, CLASS, STAR, ANY, DIRS = range(6)
VARIABLE = (STAR, ANY, DIRS)
_MOST_DFA_STATES = 2_000  # remembered state sets per pattern; past it sets are worked out again


class Token(Record):
    __slots__ = ("kind", "regex", "text")

    def __init__(
        self,
        kind: int,
        regex: str,  # the token as regular-expression text
        text: str = "",  # LITERAL: the character
    ) -> None:
        self.kind = kind
        self.regex = regex
        self.text = text

    @property
    def members(self) -> re.Pattern[str] | None:
        """CLASS: the one-character expression (None if it does not compile: it matches nothing)."""
        return _class(self.regex)


_CLASSES: dict[str, re.Pattern[str] | None] = {}


def _class(regex: str) -> re.Pattern[str] | None:
    if regex not in _CLASSES:
        try:
            _CLASSES[regex] = re.compile(regex)
        except re.error:
            _CLASSES[regex] = None
    return _CLASSES[regex]


class Automaton:
    """``match(name)`` is truthy when the whole ``name`` matches, as ``re.match`` of the regex is."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self._start = self._closure({(0, False)})
        self._steps: dict[tuple[frozenset, str], frozenset] = {}

    def match(self, name: str) -> bool | None:
        states = self._start
        ends_at = len(name) - 1 if name.endswith("\n") else None  # ``$`` matches before a final newline
        for index, char in enumerate(name):
            if index == ends_at and self._accepts(states):
                return True
            key = (states, char)
            following = self._steps.get(key)
            if following is None:
                following = self._step(states, char)
                if len(self._steps) < _MOST_DFA_STATES:
                    self._steps[key] = following
            states = following
            if not states:
                return None
        return True if self._accepts(states) else None

    def _accepts(self, states: frozenset) -> bool:
        return (len(self.tokens), False) in states

    def _closure(self, states: set[tuple[int, bool]]) -> frozenset:
        """Add the positions reached without reading: past ``*``, ``**`` and ``**/``, which may match nothing."""
        todo = list(states)
        done = set(states)
        while todo:
            position, inside = todo.pop()
            if not inside and position < len(self.tokens) and self.tokens[position].kind in VARIABLE:
                after = (position + 1, False)
                if after not in done:
                    done.add(after)
                    todo.append(after)
        return frozenset(done)

    def _step(self, states: frozenset, char: str) -> frozenset:
        following: set[tuple[int, bool]] = set()
        for position, inside in states:
            if position == len(self.tokens):
                continue
            token = self.tokens[position]
            kind = token.kind
            if kind == LITERAL:
                if char == token.text:
                    following.add((position + 1, False))
            elif kind == ONE:
                if char != "/":
                    following.add((position + 1, False))
            elif kind == CLASS:
                members = token.members
                if members is not None and members.fullmatch(char):
                    following.add((position + 1, False))
            elif kind == STAR:
                if char != "/":
                    following.add((position, False))
            elif kind == ANY:
                if char != "\n":
                    following.add((position, False))
            else:  # DIRS: ``(.*/)?``; ``inside`` once the ``.*`` has read something
                if char != "\n":
                    following.add((position, True))
                if char == "/":
                    following.add((position + 1, False))
        return self._closure(following)


def variable_tokens(tokens: list[Token]) -> int:
    return sum(1 for token in tokens if token.kind in VARIABLE)
