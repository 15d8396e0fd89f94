"""Rules about how stages are split and how files move between them."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Violation, rule


@rule(
    code="IL4001",
    name="copy-from-unknown-stage",
    family="multi-stage",
    severity="error",
    hadolint=("DL3022", "DL3023"),
)
def copy_from_unknown_stage(ctx: LintContext) -> Iterator[Violation]:
    """`COPY --from` names its own stage or a stage that comes later.

    ## Why
    A stage can only copy from stages defined before it. `--from` with its own name is an
    error; a later stage's name is not resolved as a stage at all, so BuildKit tries to pull an
    image of that name. (A `--from` that names no stage is an image reference, which is allowed:
    `COPY --from=nginx:1.27 ...`.)

    ## Bad
    ```dockerfile
    FROM golang:1.22 AS build
    COPY --from=build /src /src
    ```
    ```dockerfile
    FROM alpine:3.20 AS app
    COPY --from=build /out/app /app
    FROM golang:1.22 AS build
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
    ```

    ## Fix
    Copy from a stage defined earlier in the file, or move the stage up.
    """
    for stage in ctx.stages:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD"):
                continue
            source = instruction.flag("from")
            if not source or "$" in source:
                continue
            target = ctx.resolve_stage(source)
            if target is None:
                later = next((s for s in ctx.stages if s.name == source.lower()), None)
                if later is None:
                    continue
                target = later
            if target.index == stage.index:
                yield Violation(f"COPY --from={source} copies from its own stage; name an earlier stage", instruction)
            elif target.index > stage.index:
                yield Violation(
                    f"COPY --from={source} names a stage defined later (line {target.line}); "
                    "stages can only copy from earlier ones",
                    instruction,
                )
