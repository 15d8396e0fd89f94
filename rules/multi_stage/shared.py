"""Helpers that two or more multi-stage rules share.

Rules about how the stages of a Dockerfile fit together: names, references between them, and what
the final stage keeps of the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imagelint.dockerfile import Stage
from imagelint.knowledge.stages import stage_name_offset
from imagelint.rule import Violation

if TYPE_CHECKING:
    from imagelint.fixes import Fix


def at_stage_name(stage: Stage, message: str, fix: Fix | str | None = None) -> Violation:
    """A violation pointing at the ``AS name`` word of the stage's FROM line."""
    start, end = stage_name_offset(stage)
    return Violation(message, stage.from_instruction, offset=start, end_offset=end, fix=fix)
