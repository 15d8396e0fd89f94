"""IL9006 layers-not-matched-to-dockerfile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9006", name="layers-not-matched-to-dockerfile", family="image", severity="info", target="image")
def layers_not_matched_to_dockerfile(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """`--dockerfile` was given, but the image's build steps do not match its instructions.

    ## Why
    Findings can only point at Dockerfile lines when every build step of the image lines up with an
    instruction. When they do not (another Dockerfile, another version of it, a squashed or
    committed image), imagelint says so and reports by layer instead of guessing.

    ## Fix
    Analyze the image built from this Dockerfile, or leave out `--dockerfile`.
    """
    if ctx.join is not None and ctx.join.problem:
        yield ctx.violation(f"layers are not matched to Dockerfile lines: {ctx.join.problem}")
