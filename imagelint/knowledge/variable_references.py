"""Where Dockerfile instructions refer to ``$VARIABLES`` that the builder expands, with offsets.

``imagelint.variables.expand`` answers "what does this expand to"; the correctness rules also need
"where is each reference" (to point at it) and "does it have a fallback" (``${A:-x}`` copes with an
unset ``A``). BuildKit's word lexer is followed: single quotes are literal, the escape character
protects a ``$``, and the word after a ``${A:-word}`` modifier holds references of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.dockerfile import Instruction, Stage
from imagelint.limits import NESTING
from imagelint.records import Record
from imagelint.variables import Scope, closing_brace, end_of_name, expand

# Instructions whose arguments BuildKit expands itself (RUN, CMD and ENTRYPOINT are left to the shell).
EXPANDED = frozenset({"ADD", "ARG", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"})
# Flags whose values BuildKit expands (COPY --chown=$USER, RUN --mount=target=$DIR, ...).
EXPANDED_FLAGS = frozenset({"chown", "chmod", "from", "mount", "checksum", "exclude"})


class Reference(Record):
    __slots__ = ("name", "start", "end", "fallback")

    def __init__(
        self,
        name: str,
        start: int,  # offset of the '$' in the scanned text
        end: int,  # offset after the reference
        fallback: bool,  # ${A:-x}, ${A-x}, ${A:+x}, ${A+x}: an unset A is handled on purpose
    ) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.fallback = fallback


def references(text: str, escape: str = "\\") -> list[Reference]:
    """Every ``$NAME`` / ``${NAME...}`` the builder would expand in ``text``."""
    found: list[Reference] = []
    if "$" in text:
        _scan(text, 0, len(text), escape, 0, found)
    return found


def _scan(text: str, pos: int, end: int, escape: str, nested: int, found: list[Reference]) -> None:
    """References in ``text[pos:end]``, ``nested`` levels deep in ``${A:-...}`` words; the words
    nested deeper than limits.NESTING are not looked into (expansion stops there too)."""
    in_single = in_double = False
    while pos < end:
        ch = text[pos]
        if ch == escape and not in_single:
            pos += 2
            continue
        if ch == "'" and not in_double:
            in_single = not in_single
        elif ch == '"' and not in_single:
            in_double = not in_double
        elif ch == "$" and not in_single and pos + 1 < end:
            pos = _reference(text, pos, end, escape, nested, found)
            continue
        pos += 1


def _reference(text: str, pos: int, end: int, escape: str, nested: int, found: list[Reference]) -> int:
    """Record the reference at ``text[pos] == '$'``; returns the offset after it."""
    nxt = text[pos + 1]
    if nxt == "{":
        close = closing_brace(text, pos + 2, end)
        if close < 0:
            return end
        name_end = end_of_name(text, pos + 2, close)
        name = text[pos + 2 : name_end]
        modifier = text[name_end:close]
        if modifier[:1] == ":" and modifier[1:2] not in ("-", "+", "?"):
            # ``${templateOption:imageVariant}`` (a devcontainer template's placeholder), ``${A:1:2}``:
            # no modifier the builder knows, so not a variable reference (the build rejects it)
            return close + 1
        if name:
            fallback = nested > 0 or modifier[:2] in (":-", ":+") or modifier[:1] in ("-", "+")
            found.append(Reference(name, pos, close + 1, fallback))
            word_start = name_end + (2 if modifier[:1] == ":" else 1)
            if modifier and word_start < close and nested < NESTING.value():
                _scan(text, word_start, close, escape, nested + 1, found)
        return close + 1
    if nxt.isalpha() or nxt == "_":
        name_end = end_of_name(text, pos + 1, end)
        found.append(Reference(text[pos + 1 : name_end], pos, name_end, nested > 0))
        return name_end
    return pos + 1


def expand_defined(text: str, scope: Scope | None) -> str | None:
    """``text`` with ARG/ENV expanded, or None when it names a variable that is not defined (or
    there is no scope to look in). Text without a ``$`` comes back as it is."""
    if "$" not in text:
        return text
    if scope is None:
        return None
    expansion = expand(text, scope)
    return None if expansion.undefined else expansion.text


def with_scope_before(stage: Stage) -> Iterator[tuple[Instruction, Scope]]:
    """Each instruction of a stage (FROM excluded) with the ARG/ENV visible while it runs.

    ``Instruction.scope`` already includes what an ARG or ENV defines itself; BuildKit expands an
    instruction's words with the variables from before it (``ENV A=1 B=$A`` does not see this A).
    """
    previous = stage.from_instruction.scope or Scope()
    for instruction in stage.instructions[1:]:
        yield instruction, previous
        previous = instruction.scope or previous


def expanded_references(instruction: Instruction, escape: str = "\\") -> Iterator[tuple[Reference, int | None]]:
    """References BuildKit expands in an instruction: (reference, offset into ``value``).

    References inside flags have no offset into the value (None); they point at the instruction.
    """
    if instruction.keyword not in EXPANDED:
        if instruction.keyword == "RUN":
            yield from _flag_references(instruction, escape)
        return
    if instruction.keyword in ("COPY", "ADD"):
        yield from _flag_references(instruction, escape)
    value = instruction.value
    for reference in references(value, escape):
        yield reference, reference.start


def _flag_references(instruction: Instruction, escape: str) -> Iterator[tuple[Reference, int | None]]:
    for flag in instruction.flags:
        name = flag[2:].split("=", 1)[0]
        if name in EXPANDED_FLAGS:
            for reference in references(flag, escape):
                yield reference, None
