"""IL4004 stage-name-not-lowercase."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.multi_stage.shared import at_stage_name


@rule(
    code="IL4004",
    name="stage-name-not-lowercase",
    family="multi-stage",
    severity="style",
    buildkit=("StageNameCasing",),
)
def stage_name_not_lowercase(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A stage name has capital letters.

    ## Why
    Stage names are case-insensitive: BuildKit lower-cases them, so `--target Builder`,
    `--from=BUILDER` and `--from=builder` are the same stage. Mixed case suggests a difference
    that does not exist, and BuildKit's own check (StageNameCasing) warns about it.

    ## Bad
    ```dockerfile
    FROM golang:1.22 AS goBuilder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=goBuilder /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS go-builder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=go-builder /out/app /app
    ```

    ## Fix
    Use lower case (kebab-case for several words) and update the `--from` references.
    """
    for stage in ctx.stages:
        written = stage.written_name
        if not written or "$" in written or written == written.lower():
            continue
        suggestion = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", written).lower()
        yield at_stage_name(
            stage,
            f"stage name '{written}' is not lowercase; stage names are case-insensitive, so write '{suggestion}'",
            fix=f"AS {suggestion}",
        )
