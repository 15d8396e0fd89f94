"""Helpers that two or more security rules share.

Rules about what an attacker (or an accident) could do with the image.
"""

from __future__ import annotations

from imagelint.context import RunScript
from imagelint.dockerfile import Instruction
from imagelint.rule import Violation
from imagelint.shell import Command


def value_offset(instruction: Instruction, text: str) -> int | None:
    """Offset of ``text`` in the instruction's value (for pointing at a word)."""
    found = instruction.value.find(text)
    return found if found >= 0 else None


def at_command_start(run: RunScript, command: Command, message: str, fix: str | None = None) -> Violation:
    """A violation at the first character of a command, wrappers and env prefixes included."""
    line, column = run.position(command.start)
    end_line, _ = run.position(max(command.start, command.end - 1))
    return Violation(message, run.instruction, line=line, column=column, end_line=end_line, fix=fix)


FALSE = frozenset({"false", "0", "no", "off"})
