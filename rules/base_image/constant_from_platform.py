"""IL5008 constant-from-platform."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule

_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm", "i386": "386", "i686": "386", "x86": "386"}


_OSES = frozenset({"linux", "windows", "darwin", "freebsd", "wasip1", "js"})


def _platform_parts(platform: str) -> tuple[str, str] | None:
    """(os, architecture) of a platform string, as BuildKit's platforms.Parse reads it; None if invalid."""
    parts = platform.strip().lower().split("/")
    if not parts[0] or len(parts) > 3:
        return None
    if len(parts) == 1:
        return (parts[0], "") if parts[0] in _OSES else ("linux", _ARCH_ALIASES.get(parts[0], parts[0]))
    return parts[0], _ARCH_ALIASES.get(parts[1], parts[1])


@rule(
    code="IL5008",
    name="constant-from-platform",
    family="base-image",
    severity="warning",
    hadolint=("DL3029",),
    buildkit=("FromPlatformFlagConstDisallowed",),
    instructions=("FROM",),
    mentions=("--platform",),
)
def constant_from_platform(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`FROM --platform=linux/amd64`: the stage is pinned to one platform whatever you build for.

    ## Why
    A constant platform makes `docker buildx build --platform linux/arm64` produce amd64 binaries
    in an arm64-labelled image, or run the stage under slow QEMU emulation. Use the build
    arguments BuildKit sets: `$BUILDPLATFORM` for stages that cross-compile (the idiom for fast
    multi-arch builds), nothing (the default, `$TARGETPLATFORM`) for the rest. As in BuildKit, a
    stage whose name mentions the OS or architecture (`AS build-amd64`) is an intentional
    per-platform stage and is not reported; hadolint's DL3029 also flags any `--platform` that uses
    another variable.

    ## Bad
    ```dockerfile
    FROM --platform=linux/amd64 node:22-slim
    ```

    ## Good
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    ARG TARGETOS TARGETARCH
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    FROM alpine:3.22
    COPY --from=build /out/app /app
    ```
    ```dockerfile
    FROM --platform=linux/amd64 debian:bookworm-slim AS fetch-amd64
    ```
    ```dockerfile
    ARG PLATFORM=linux/amd64
    FROM --platform=${PLATFORM} node:22-slim
    ```

    ## Fix
    Drop `--platform`, or use `--platform=$BUILDPLATFORM` on stages that only build; if one stage
    really must be one platform, put the platform in the stage name (`AS tools-amd64`).
    """
    for stage in ctx.stages:
        platform = stage.from_instruction.flag("platform")
        if not platform or "$" in platform:
            continue
        parts = _platform_parts(platform)
        if parts is None:
            continue
        name = stage.name or ""
        if name and any(part and part in name for part in parts):
            continue
        yield Violation(
            f"FROM --platform={platform} pins this stage to one platform, so multi-platform builds emulate it or "
            f"ship the wrong architecture; drop it or use $BUILDPLATFORM",
            stage.from_instruction,
        )
