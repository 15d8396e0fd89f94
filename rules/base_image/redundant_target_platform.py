"""IL5009 redundant-target-platform."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL5009",
    name="redundant-target-platform",
    family="base-image",
    severity="info",
    hadolint=("DL3065",),
    buildkit=("RedundantTargetPlatform",),
    instructions=("FROM",),
    mentions=("targetplatform",),
)
def redundant_target_platform(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`FROM --platform=$TARGETPLATFORM` says what FROM does anyway.

    ## Why
    Every stage is built for the target platform unless told otherwise, so the flag adds noise and
    suggests to readers that something special happens. It is often a mistake for
    `$BUILDPLATFORM`, which is what a cross-compiling build stage wants.

    ## Bad
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.22
    ```
    ```dockerfile
    FROM --platform=${TARGETPLATFORM} alpine:3.22
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    ```
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    ```
    ```dockerfile
    FROM --platform=linux/$TARGETARCH alpine:3.22
    ```

    ## Fix
    Remove `--platform=$TARGETPLATFORM` (or use `$BUILDPLATFORM` if the stage only builds).
    """
    redundant = {"$TARGETPLATFORM", "${TARGETPLATFORM}"}
    for stage in ctx.stages:
        platform = stage.from_instruction.flag("platform")
        if platform is None:
            continue
        if platform.strip() in redundant or platform.strip().startswith("${TARGETPLATFORM:-"):
            yield Violation(
                f"FROM --platform={platform} is the default; remove it (or use $BUILDPLATFORM for a build stage)",
                stage.from_instruction,
                fix="FROM <image> without --platform",
            )
