"""IL6005 upgrade-all-packages."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import MANAGERS, manager
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule

# Programs with subcommands that upgrade every installed package (PackageManager.upgrades_all).
_UPGRADERS = frozenset(command for m in MANAGERS if m.upgrades_all for command in m.commands)


@rule(
    code="IL6005",
    name="upgrade-all-packages",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3035",),
    instructions=("RUN",),
    mentions=tuple(sorted(_UPGRADERS)),
)
def upgrade_all_packages(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get upgrade`, `apk upgrade`, `yum update`: upgrading the whole base image in a layer.

    ## Why
    Every upgraded package is written again into a new layer while the old files stay in the base
    layers, so the image grows by the size of everything upgraded, and the result depends on the
    day of the build. The usual reason, security fixes, is better served by a fresh base image:
    official images are rebuilt when their distribution publishes fixes, so bump the tag (or the
    digest) and rebuild with `--pull`. hadolint dropped its rule for this (DL3005) because the
    security argument is real; this is therefore informational. Upgrading named packages is not
    reported, and neither is a builder stage.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf -y upgrade && dnf clean all
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --only-upgrade openssl && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache --upgrade busybox
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf -y update openssl && dnf clean all
    ```

    ## Fix
    Rebuild on an up-to-date base image (`docker build --pull`, a newer tag or digest) instead;
    if one package needs a fix now, upgrade only that package.
    """
    for run in runs(ctx, shipped_only=True):
        for script, command in run.commands(*_UPGRADERS):
            verb = subcommand(command)
            if verb not in manager(command.name).upgrades_all:
                continue
            if len(command.positionals()) > 1:
                continue  # `dnf update openssl`, `apt-get upgrade libssl3`: named packages
            yield script.violation(
                f"'{command.name} {verb}' rewrites every upgraded package of the base image into this layer; "
                "rebuild on a fresh base image (--pull, newer tag) instead",
                command,
            )
