"""IL9112 dive-highest-wasted-bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9112", name="dive-highest-wasted-bytes", family="image", severity="error", target="image")
def dive_highest_wasted_bytes(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """dive's `highestWastedBytes` rule fails (from `--dive-ci FILE`): dive's wastedBytes is above it.

    ## Why
    Keeps a `.dive-ci` budget working unchanged. dive's wastedBytes counts every copy of a file that
    appears in more than one layer (the surviving copy too); imagelint's own `wasted_bytes` counts
    only hidden bytes.

    ## Fix
    See IL9001.
    """
    rules = ctx.budgets.dive_ci
    if rules is None or rules.highest_wasted_bytes is None:
        return
    wasted = ctx.analysis.dive.wasted_bytes
    if wasted > rules.highest_wasted_bytes:
        yield ctx.violation(
            f"dive highestWastedBytes: wasted-bytes={wasted} > threshold={rules.highest_wasted_bytes} "
            f"(by {wasted - rules.highest_wasted_bytes} bytes, {rules.source})"
        )
