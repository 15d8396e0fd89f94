"""IL6003 apt-lists-left-in-layer."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import APT, APT_GET
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule

# apt-get and apt (aptitude, whose lists are the same, is not followed here).
_APT_TOOLS = APT_GET.commands + APT.commands


@rule(
    code="IL6003",
    name="apt-lists-left-in-layer",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3009",),
)
def apt_lists_left_in_layer(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get update` in a RUN that does not remove `/var/lib/apt/lists`: the index ships.

    ## Why
    `apt-get update` downloads the package index (tens of MB) into `/var/lib/apt/lists`. Removing it
    in a later RUN does not help: the layer that wrote it is already in the image. Remove it at the
    end of the same RUN, or, with BuildKit, mount a cache on `/var/lib/apt` (which also makes
    rebuilds faster). Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \\
        --mount=type=cache,target=/var/cache/apt,sharing=locked \\
        apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc
    FROM gcr.io/distroless/base-debian12
    COPY --from=build /out /out
    ```

    ## Fix
    End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use
    `RUN --mount=type=cache,target=/var/lib/apt,sharing=locked`.
    """
    for run in runs(ctx, shipped_only=True):
        apt = [(s, c) for s, c in run.commands(*_APT_TOOLS) if subcommand(c) in ("update", "dist-clean", "distclean")]
        updates = [(s, c) for s, c in apt if subcommand(c) == "update"]
        if not updates or len(updates) != len(apt):  # `apt-get dist-clean` (apt >= 2.7) removes the lists
            continue
        if run.keeps_out(*APT_GET.cache_dirs):
            continue
        script, command = updates[0]
        yield script.violation(
            f"{command.name} update leaves the package lists in this layer; end the RUN with "
            "'rm -rf /var/lib/apt/lists/*' or use RUN --mount=type=cache,target=/var/lib/apt",
            command,
        )
