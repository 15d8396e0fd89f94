"""IL9113 dive-highest-user-wasted-percent."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9113", name="dive-highest-user-wasted-percent", family="image", severity="error", target="image")
def dive_highest_user_wasted_percent(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """dive's `highestUserWastedPercent` rule fails (from `--dive-ci FILE`).

    ## Why
    Keeps a `.dive-ci` budget working unchanged: dive's userWastedPercent is its wastedBytes divided
    by the size of every layer but the first. When those layers are empty dive computes NaN (never
    fails) or infinity (fails); imagelint does the same.

    ## Fix
    See IL9001.
    """
    rules = ctx.budgets.dive_ci
    if rules is None or rules.highest_user_wasted_percent is None:
        return
    value = ctx.analysis.dive.user_wasted_percent
    if not math.isnan(value) and value > rules.highest_user_wasted_percent:
        shown = "infinite (no bytes after the first layer)" if math.isinf(value) else f"{value:.4f}"
        yield ctx.violation(
            f"dive highestUserWastedPercent: {shown} > threshold {rules.highest_user_wasted_percent:g} "
            f"({rules.source})"
        )
