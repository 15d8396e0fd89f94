"""IL4002 duplicate-stage-name."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Stage
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.multi_stage.shared import at_stage_name


@rule(
    code="IL4002",
    name="duplicate-stage-name",
    family="multi-stage",
    severity="error",
    hadolint=("DL3024",),
    buildkit=("DuplicateStageName",),
    checkov=("CKV_DOCKER_11",),
    instructions=("FROM",),
)
def duplicate_stage_name(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Two stages have the same name.

    ## Why
    `--from=build` and `--target build` must pick one stage, and which one depends on the
    builder: BuildKit resolves `COPY --from` to the last stage of that name but `FROM build` to
    the closest earlier one. Stage names are case-insensitive, so `Build` and `build` clash too.

    ## Bad
    ```dockerfile
    FROM node:22 AS build
    RUN npm ci && npm run build
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM node:22 AS web-build
    RUN npm ci && npm run build
    FROM golang:1.22 AS go-build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=go-build /out/app /app
    ```

    ## Fix
    Give each stage a unique name and update the `--from` references.
    """
    first: dict[str, Stage] = {}
    for stage in ctx.stages:
        if not stage.name or "$" in stage.name:
            continue
        earlier = first.setdefault(stage.name, stage)
        if earlier is stage:
            continue
        yield at_stage_name(
            stage,
            f"stage name '{stage.written_name}' is already used by the stage at line {earlier.line}; "
            "give each stage a unique name",
        )
