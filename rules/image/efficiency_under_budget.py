"""IL9103 efficiency-under-budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9103", name="efficiency-under-budget", family="image", severity="error", target="image")
def efficiency_under_budget(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image's efficiency (visible bytes / shipped bytes) is below `--min-efficiency`.

    ## Why
    A CI budget: an efficiency of 0.9 means a tenth of what is pulled is never seen.

    ## Fix
    See IL9001 for the layers that ship the hidden bytes.
    """
    limit = ctx.budgets.min_efficiency
    efficiency = ctx.analysis.efficiency
    if limit is not None and efficiency < limit:
        yield ctx.violation(
            f"efficiency {efficiency:.4f} is below --min-efficiency {limit:g} by {limit - efficiency:.4f}"
        )
