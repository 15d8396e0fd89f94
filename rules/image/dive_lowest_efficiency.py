"""IL9111 dive-lowest-efficiency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9111", name="dive-lowest-efficiency", family="image", severity="error", target="image")
def dive_lowest_efficiency(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """dive's `lowestEfficiency` rule fails (from `--dive-ci FILE`): dive's efficiency is below it.

    ## Why
    Lets a team keep its `.dive-ci` file: dive's efficiency is computed exactly as dive 0.13.1 computes
    it, and the rule fails when `lowestEfficiency > efficiency`, as in dive.

    ## Fix
    See IL9001; dive counts a file's every copy, so also avoid rewriting big files in later layers.
    """
    rules = ctx.budgets.dive_ci
    if rules is None or rules.lowest_efficiency is None:
        return
    efficiency = ctx.analysis.dive.efficiency
    if rules.lowest_efficiency > efficiency:
        yield ctx.violation(
            f"dive lowestEfficiency: dive's efficiency {efficiency:.4f} is below {rules.lowest_efficiency:g} "
            f"by {rules.lowest_efficiency - efficiency:.4f} ({rules.source})"
        )
