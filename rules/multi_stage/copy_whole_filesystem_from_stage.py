"""IL4007 copy-whole-filesystem-from-stage."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef, Stage
from imagelint.knowledge.stages import from_value
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL4007",
    name="copy-whole-filesystem-from-stage",
    family="multi-stage",
    severity="warning",
    hadolint=("DL3067",),
    instructions=("COPY",),
    mentions=("--from",),
)
def copy_whole_filesystem_from_stage(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`COPY --from=<stage> / /` copies a whole operating system over another one.

    ## Why
    The root of a stage built on an OS image holds that OS, its package caches and every build
    tool the stage installed. Copying it onto another OS image doubles most of the files and
    drags the build tools into the final image, which is what multi-stage builds are there to
    avoid. Two idioms are fine and not reported: squashing into `FROM scratch` (the target is
    empty, so nothing is doubled) and copying from a stage that itself starts from scratch (it
    holds only what was put there), including tool images such as `tonistiigi/xx`.

    ## Bad
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc && gcc -o /usr/local/bin/app app.c
    FROM debian:12-slim
    COPY --from=build / /
    ```

    ## Good
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc && gcc -o /usr/local/bin/app app.c
    FROM debian:12-slim
    COPY --from=build /usr/local/bin/app /usr/local/bin/app
    ```
    ```dockerfile
    FROM debian:12-slim AS rootfs
    RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    FROM scratch
    COPY --from=rootfs / /
    ```
    ```dockerfile
    FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.5.0 AS xx
    FROM --platform=$BUILDPLATFORM golang:1.22-alpine
    COPY --from=xx / /
    ```

    ## Fix
    Copy only the paths the final image needs (the binary, its config, its data).
    """
    for stage in ctx.stages:
        if _base_of(ctx, stage).is_scratch:
            continue  # squashing a filesystem into an empty image
        for instruction in stage.instructions:
            if instruction.keyword != "COPY" or not instruction.flag("from"):
                continue
            words = instruction.words()
            if len(words) != 2 or words[0].rstrip("/.") != "" or words[1].rstrip("/.") != "":
                continue
            source = from_value(instruction)
            origin = ctx.resolve_stage(source) if source else None
            origin_base = _base_of(ctx, origin) if origin is not None else None
            if origin_base is None or origin_base.is_scratch or _is_tool_image(origin_base):
                continue
            yield Violation(
                f"COPY --from={source} / / copies the whole filesystem of stage '{origin.written_name or origin.index}' "
                "(its OS and build tools) over this one; copy only the paths you need",
                instruction,
            )


def _base_of(ctx: LintContext, stage: Stage) -> ImageRef:
    """The external image (or scratch) a stage's lineage starts from."""
    return ctx.root_stage(stage).base


def _is_tool_image(base: ImageRef) -> bool:
    """Images published as a filesystem to copy whole (``tonistiigi/xx`` cross-compile helpers)."""
    return base.repository.endswith("tonistiigi/xx")
