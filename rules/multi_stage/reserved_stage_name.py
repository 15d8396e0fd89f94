"""IL4003 reserved-stage-name."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.multi_stage.shared import at_stage_name


@rule(
    code="IL4003",
    name="reserved-stage-name",
    family="multi-stage",
    severity="warning",
    hadolint=("DL3063",),
    buildkit=("ReservedStageName",),
    instructions=("FROM",),
    mentions=("context", "scratch"),
)
def reserved_stage_name(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A stage is named `scratch` or `context`, words BuildKit reserves.

    ## Why
    `scratch` is the empty image and `context` is the build context in `--from` and
    `--mount=from=`: a stage with either name is ambiguous, and `FROM scratch` or
    `COPY --from=context` no longer mean what readers expect.

    ## Bad
    ```dockerfile
    FROM alpine:3.20 AS scratch
    RUN echo hi > /hi
    FROM alpine:3.20
    COPY --from=scratch /hi /hi
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20 AS base
    FROM scratch
    COPY --from=base /etc/passwd /etc/passwd
    ```

    ## Fix
    Rename the stage (and its `--from` references).
    """
    for stage in ctx.stages:
        if stage.name in ("scratch", "context"):
            yield at_stage_name(stage, f"stage name '{stage.written_name}' is reserved by BuildKit; rename the stage")
