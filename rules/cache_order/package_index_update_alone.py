"""IL1002 package-index-update-alone."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import index_use
from imagelint.knowledge.steps import Located, run_commands, sequences
from imagelint.rule import Rule, Violation, rule


@rule(code="IL1002", name="package-index-update-alone", family="cache-order", severity="warning", checkov=("CKV_DOCKER_5",))
def package_index_update_alone(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get update` (or `apk update`, `yum makecache`) in a RUN without the install.

    ## Why
    The layer holding the package index is cached on its own. Later, when you add a package to the
    install line, Docker reuses the weeks-old index and the install fails with 404s or installs
    stale versions: the classic "stale apt cache" bug. Only reported when a later RUN installs
    from that index without updating it again.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update
    RUN apk add curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add --no-cache curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Run the index update and the install in the same RUN, joined with `&&`.
    """
    reported: set[int] = set()
    for sequence in sequences(ctx):
        lone_updates: dict[str, Located] = {}  # index -> its update in a RUN that installs nothing
        for index, step in enumerate(sequence.steps):
            if step.keyword != "RUN":
                continue
            verbs = [(v, located) for located in run_commands(ctx, step) if (v := index_use(located.name, located.sub))]
            for (tool, verb), located in verbs:
                if verb == "install" and tool in lone_updates:
                    update = lone_updates.pop(tool)
                    updated_here = any(v == (tool, "update") and o.command.start < located.command.start for v, o in verbs)
                    if index >= sequence.own and not updated_here and id(update.command) not in reported:
                        reported.add(id(update.command))
                        yield update.script.violation(
                            f"'{update.command.name} {update.command.subcommand()}' runs in its own layer but the "
                            f"install is in the RUN at line {step.instruction.line}: the cached index goes stale; "
                            f"update and install in one RUN",
                            update.command,
                        )
            tools_installing = {tool for (tool, verb), _ in verbs if verb == "install"}
            for (tool, verb), located in verbs:
                if verb == "update" and tool not in tools_installing:
                    lone_updates[tool] = located
