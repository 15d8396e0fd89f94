"""IL4005 unused-unnamed-stage."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.stages import possibly_used_stages
from imagelint.rule import Rule, Violation, rule


@rule(code="IL4005", name="unused-unnamed-stage", family="multi-stage", severity="warning", instructions=("FROM",))
def unused_unnamed_stage(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A stage without a name that the final stage never uses: BuildKit never builds it.

    ## Why
    BuildKit builds only the stages the target needs. A stage with no `AS name` cannot be a
    `--target` either, so when nothing copies from it (by index) or builds on it, its
    instructions never run: often two Dockerfiles pasted together, or a leftover `FROM` line.
    The legacy builder did run every stage, so such a file may silently have changed meaning.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    FROM python:3.12-slim
    CMD ["python3"]
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=0 /out/app /app
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go test ./...
    FROM alpine:3.20
    ```

    ## Fix
    Delete the stage, or name it and copy what you need from it with `COPY --from=<name>`.
    """
    if ctx.options.target or len(ctx.stages) < 2:
        return
    used = possibly_used_stages(ctx)
    for stage in ctx.stages[:-1]:
        if stage.name is None and stage.index not in used:
            yield Violation(
                f"the stage at line {stage.line} has no name and the final stage never uses it, so it is never "
                "built; delete it or name it and COPY --from it",
                stage.from_instruction,
            )
