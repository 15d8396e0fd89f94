"""IL9102 wasted-percent-over-budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9102", name="wasted-percent-over-budget", family="image", severity="error", target="image")
def wasted_percent_over_budget(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """Hidden bytes are a larger share of the image than `--max-wasted-percent` allows.

    ## Why
    A CI budget relative to the image: hidden bytes as a percentage of all the file bytes the layers
    ship (`wasted_bytes / size`).

    ## Fix
    See IL9001 for the layers that ship the hidden bytes.
    """
    limit = ctx.budgets.max_wasted_percent
    percent = ctx.analysis.wasted_percent
    if limit is not None and percent > limit:
        yield ctx.violation(
            f"wasted bytes are {percent:.2f}% of the image, over --max-wasted-percent {limit:g}% by {percent - limit:.2f} points"
        )
