"""IL9104 image-size-over-budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9104", name="image-size-over-budget", family="image", severity="error", target="image")
def image_size_over_budget(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image's layers ship more file bytes than `--max-size` allows.

    ## Why
    A CI budget on the total size: the sum of the file bytes of every layer (what a pull unpacks).

    ## Fix
    Use a smaller base image, a multi-stage build, and remove what the application does not need.
    """
    limit = ctx.budgets.max_size
    size = ctx.analysis.size
    if limit is not None and size > limit:
        yield ctx.violation(
            f"image size {size} ({format_size(size)}) exceeds --max-size {limit} ({format_size(limit)}) by {size - limit} bytes"
        )
