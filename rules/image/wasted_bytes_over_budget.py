"""IL9101 wasted-bytes-over-budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9101", name="wasted-bytes-over-budget", family="image", severity="error", target="image")
def wasted_bytes_over_budget(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image hides more bytes than `--max-wasted-bytes` allows.

    ## Why
    A CI budget: hidden bytes (deleted or replaced in a later layer, the true waste) are downloaded
    with every pull for nothing. Sizes accept `20MB` (powers of 1000) or `5MiB` (powers of 1024).

    ## Fix
    See IL9001 for the layers that ship the hidden bytes.
    """
    limit = ctx.budgets.max_wasted_bytes
    wasted = ctx.analysis.wasted_bytes
    if limit is not None and wasted > limit:
        yield ctx.violation(
            f"wasted bytes {wasted} ({format_size(wasted)}) exceed --max-wasted-bytes {limit} "
            f"({format_size(limit)}) by {wasted - limit} bytes"
        )
