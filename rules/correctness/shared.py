"""Helpers that two or more correctness rules share.

Rules about Dockerfiles that do not do what their author meant, or do not parse.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Dockerfile, Instruction, arg_declarations
from imagelint.rule import Violation

if TYPE_CHECKING:
    from imagelint.fixes import Fix


def lines_between_are_code(dockerfile: Dockerfile, first: int, last: int) -> bool:
    """Whether no comment or blank line sits strictly between physical lines ``first`` and
    ``last``: an edit spanning them (inside a continued instruction) would remove it."""
    return not any(
        not line.strip() or line.lstrip().startswith("#") for line in dockerfile.lines[first : max(first, last - 1)]
    )


def keyword_cased(instruction: Instruction, keyword: str) -> str:
    """``keyword`` (upper case) written in lower case when the instruction's keyword is."""
    return keyword.lower() if instruction.written_keyword.islower() else keyword


def offset_of(instruction: Instruction, word: str) -> int | None:
    """Offset of the last occurrence of ``word`` in the value (the destination of a COPY)."""
    found = instruction.value.rfind(word)
    return found if found >= 0 else None


def at_script_offset(run: RunScript, offset: int, message: str, fix: Fix | str | None = None) -> Violation:
    """A violation at one character of a RUN's script (its line and column; no end)."""
    line, column = run.position(offset)
    return Violation(message, run.instruction, line=line, column=column, fix=fix)


def is_absolute(path: str) -> bool:
    # C:\dir, and C:dir as the word splitter leaves it when the escape character is a backtick
    return path.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", path))


def variable_definitions(ctx: LintContext) -> dict[str, list[tuple[Instruction, int]]]:
    """Every ARG/ENV name defined in the file: name -> [(instruction, stage index)]."""
    found: dict[str, list[tuple[Instruction, int]]] = {}
    for instruction in ctx.instructions:
        for name, _ in pairs_defined(instruction):
            found.setdefault(name, []).append((instruction, instruction.stage))
    return found


def pairs_defined(instruction: Instruction) -> list[tuple[str, str | None]]:
    """The (name, value) pairs an ARG or ENV defines; [] for other instructions."""
    if instruction.keyword == "ARG":
        return arg_declarations(instruction)
    if instruction.keyword == "ENV":
        return [(k, v) for k, v in instruction.key_values()]
    return []
