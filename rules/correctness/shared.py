"""Helpers that two or more correctness rules share.

Rules about Dockerfiles that do not do what their author meant, or do not parse.
"""

from __future__ import annotations

import re

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, arg_declarations


def offset_of(instruction: Instruction, word: str) -> int | None:
    """Offset of the last occurrence of ``word`` in the value (the destination of a COPY)."""
    found = instruction.value.rfind(word)
    return found if found >= 0 else None


def is_absolute(path: str) -> bool:
    # C:\dir, and C:dir as the word splitter leaves it when the escape character is a backtick
    return path.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", path))


def variable_definitions(ctx: LintContext) -> dict[str, list[tuple[Instruction, int]]]:
    """Every ARG/ENV name defined in the file: name -> [(instruction, stage index)]."""
    found: dict[str, list[tuple[Instruction, int]]] = {}
    for instruction in ctx.instructions:
        if instruction.keyword == "ARG":
            names = [name for name, _ in arg_declarations(instruction)]
        elif instruction.keyword == "ENV":
            names = [name for name, _ in instruction.key_values()]
        else:
            continue
        for name in names:
            found.setdefault(name, []).append((instruction, instruction.stage))
    return found


def pairs_defined(instruction: Instruction) -> list[tuple[str, str | None]]:
    if instruction.keyword == "ARG":
        return arg_declarations(instruction)
    if instruction.keyword == "ENV":
        return [(k, v) for k, v in instruction.key_values()]
    return []
