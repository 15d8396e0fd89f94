"""Helpers that two or more base-image rules share.

Rules about the image a stage starts FROM: tags, digests, registries, size, support and platform.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef, Stage
from imagelint.rule import Violation

if TYPE_CHECKING:
    from imagelint.fixes import Fix

VARIABLE = re.compile(r"\$(?:\{(\w+)([^}]*)\}|(\w+))")


def has_unresolved_arg(ctx: LintContext, base: ImageRef) -> bool:
    """Whether the reference depends on a build arg with no (or an empty) default.

    ``ImageRef.unresolved`` covers variables never declared and ``ARG V`` without a default; an
    ``ARG V=`` with an empty default (or one whose default expands to nothing) leaves the
    reference just as unknown: ``golang:${V}`` must not be judged as the untagged ``golang:``.
    """
    if base.unresolved:
        return True
    scope = ctx.dockerfile.global_args
    for match in VARIABLE.finditer(base.raw):
        name, modifier = match.group(1) or match.group(3), match.group(2) or ""
        if modifier.startswith((":-", "-", ":+", "+")):
            continue  # a fallback or an optional part: the expansion is what BuildKit uses
        if name in scope.args and not scope.args[name]:
            return True
    return False


def external_stages(ctx: LintContext) -> list[Stage]:
    """Stages whose base is a real image (not scratch, not an earlier stage) that the ARG defaults
    resolve. Worked out once per file: five base-image rules ask."""
    return ctx.fact(_external_stages)


def _external_stages(ctx: LintContext) -> list[Stage]:
    return [
        stage
        for stage in ctx.stages
        if stage.parent is None and not stage.base.is_scratch and stage.base.resolved and not has_unresolved_arg(ctx, stage.base)
    ]


def at_image(stage: Stage, message: str, fix: Fix | str | None = None) -> Violation:
    """A violation on the image reference of a FROM line."""
    return Violation(message, stage.from_instruction, offset=0, end_offset=len(stage.base.raw), fix=fix)
