"""Rules about instruction order and the build cache: what invalidates which layers."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Violation, rule


@rule(code="IL1002", name="package-index-update-alone", family="cache-order", severity="warning", checkov=("CKV_DOCKER_5",))
def package_index_update_alone(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get update` (or `apk update`, `yum makecache`) in a RUN without the install.

    ## Why
    The layer holding the package index is cached on its own. Later, when you add a package to the
    install line, Docker reuses the weeks-old index and the install fails with 404s or installs
    stale versions: the classic "stale apt cache" bug.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add --no-cache curl
    ```

    ## Fix
    Run the index update and the install in the same RUN, joined with `&&`.
    """
    installs = {
        "apt-get": ({"update"}, {"install", "upgrade", "dist-upgrade", "build-dep", "source", "full-upgrade"}),
        "apt": ({"update"}, {"install", "upgrade", "full-upgrade", "dist-upgrade"}),
        "apk": ({"update"}, {"add", "upgrade", "fix"}),
        "yum": ({"makecache"}, {"install", "update", "upgrade", "groupinstall", "reinstall"}),
        "dnf": ({"makecache"}, {"install", "update", "upgrade", "groupinstall", "reinstall"}),
        "zypper": ({"refresh", "ref"}, {"install", "in", "update", "up", "dist-upgrade", "dup"}),
    }
    def tool(name: str) -> str:
        return "apt-get" if name == "apt" else name

    runs = ctx.run_scripts
    for position, run in enumerate(runs):
        commands = list(run.commands())
        for command in commands:
            spec = installs.get(command.name)
            if spec is None or not set(command.args) & spec[0]:
                continue
            if any(tool(c.name) == tool(command.name) and set(c.args) & spec[1] for c in commands):
                continue
            # Only the real bug: a later RUN of the same stage installs with the stale index.
            later = next(
                (
                    (other, c)
                    for other in runs[position + 1 :]
                    if other.instruction.stage == run.instruction.stage
                    for c in other.commands()
                    if tool(c.name) == tool(command.name) and set(c.args) & installs[c.name][1]
                ),
                None,
            )
            if later is None:
                continue
            verb = next(a for a in command.args if a in spec[0])
            yield run.violation(
                f"'{command.name} {verb}' runs in its own layer but the install is in the RUN at line "
                f"{later[0].instruction.line}: the cached index goes stale; update and install in one RUN",
                command,
            )
