"""Helpers that two or more cache-order rules share.

Rules about instruction order and the build cache: what invalidates which layers.
"""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.knowledge.steps import Stateless, Step, walk
from imagelint.rule import Violation


def add_sources(instruction: Instruction) -> list[tuple[str, int | None]]:
    """ADD sources with their offset in the instruction's value."""
    words = instruction.words()
    found = []
    position = 0
    for source in words[:-1]:
        offset = instruction.value.find(source, position)
        if offset >= 0:
            position = offset + len(source)
        found.append((source, offset if offset >= 0 else None))
    return found


def adds(ctx: LintContext) -> Iterator[tuple[Instruction, str, int | None, Step | None]]:
    for sequence, index, step, _ in walk(ctx, Stateless):
        if index >= sequence.own and step.keyword == "ADD":
            for source, offset in add_sources(step.instruction):
                yield step.instruction, source, offset, step


def violation_at(instruction: Instruction, message: str, source: str, offset: int | None, fix: str | None = None) -> Violation:
    if offset is None:
        return Violation(message, instruction, fix=fix)
    return Violation(message, instruction, offset=offset, end_offset=offset + len(source), fix=fix)


# Instructions that change nothing a RUN sees: moving a RUN across them changes nothing.

