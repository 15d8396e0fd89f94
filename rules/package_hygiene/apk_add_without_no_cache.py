"""IL6006 apk-add-without-no-cache."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import word_index
from imagelint.knowledge.package_managers import APK
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import option_fix


@rule(
    code="IL6006",
    name="apk-add-without-no-cache",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3019",),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=APK.commands,
)
def apk_add_without_no_cache(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apk add` without `--no-cache` (or `apk update`) leaves the package index in the layer.

    ## Why
    apk stores the downloaded APKINDEX files in `/var/cache/apk`. `apk add --no-cache` fetches a
    fresh index and keeps nothing, so neither `apk update` nor a cleanup is needed. A BuildKit
    cache mount on `/var/cache/apk` (or `/etc/apk/cache`) or removing `/var/cache/apk/*` in the
    same RUN also keeps the layer clean. Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    RUN apk add curl
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk update && apk add --no-cache curl
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache curl
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk update && apk add curl && rm -rf /var/cache/apk/*
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.22
    RUN --mount=type=cache,target=/var/cache/apk apk add curl
    ```
    ```dockerfile
    FROM alpine:3.22 AS build
    RUN apk add build-base
    FROM alpine:3.22
    COPY --from=build /usr/local/bin/app /usr/local/bin/app
    ```

    ## Fix
    Use `apk add --no-cache` and drop `apk update`; or mount a cache:
    `RUN --mount=type=cache,target=/var/cache/apk apk add ...`.
    `imagelint fix` adds `--no-cache` right after `add` (or `upgrade`): apk then fetches the index
    it needs and keeps nothing of it. An `apk update` is left for you to drop, and so is a command
    whose words have escapes inside a `sh -c "..."` string.
    """
    for run in runs(ctx, shipped_only=True):
        for script, command in run.commands(*APK.commands):
            verb = subcommand(command)
            if verb not in APK.cache_filling or command.has_option(*APK.no_cache_options, "--no-network"):
                continue
            # Asked only of a RUN that fills the cache: its mounts and removals cost more to find.
            if run.keeps_out(*APK.cache_dirs):
                break
            if verb == "update":
                message = "apk update stores the package index in /var/cache/apk in this layer; drop it and use apk add --no-cache"
            else:
                message = (
                    f"apk {verb} without --no-cache leaves the package index in /var/cache/apk; add --no-cache "
                    "(or RUN --mount=type=cache,target=/var/cache/apk)"
                )
            fix = None
            if verb != "update":
                option = APK.no_cache_options[0]
                fix = option_fix(script, command, word_index(command, verb), option, f"apk {verb} {option} ...")
            yield script.violation(message, command, fix=fix)
            break
