"""IL6018 wget-and-curl."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.knowledge.installs import os_package_manager
from imagelint.knowledge.package_managers import OS_PACKAGE_MANAGERS
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command


def _temporary_packages(run: Run) -> set[str]:
    """Packages a RUN installs and removes again (``apk add --virtual .deps curl ... apk del .deps``,
    or the docker-library ``apt-mark auto '.*' ... apt-get purge --auto-remove`` idiom)."""
    installed: set[str] = set()
    groups: dict[str, set[str]] = {}
    removed: set[str] = set()
    auto_purge = False
    for _, command in run.commands(*OS_PACKAGE_MANAGERS):
        names = set(run.package_words(command, command.positionals()[1:]))
        if os_package_manager(command) is not None:
            installed |= names
            for group in command.option_values("-t", "--virtual"):
                groups.setdefault(group, set()).update(names)
        elif os_package_manager(command, removing=True) is not None:
            removed |= names
            for group in names & set(groups):
                removed |= groups[group]
            if command.has_option("--auto-remove", "--autoremove") or subcommand(command) == "autoremove":
                auto_purge = True
    # `apt-mark auto '.*'` then `apt-get purge --auto-remove`: whatever this RUN installed is gone
    marks_all_auto = any(
        subcommand(c) == "auto" and any(a in ("'.*'", ".*") for a in c.args) for _, c in run.commands("apt-mark")
    )
    if auto_purge and marks_all_auto:
        removed |= installed
    return removed


@rule(
    code="IL6018",
    name="wget-and-curl",
    family="package-hygiene",
    severity="info",
    hadolint=("DL4001",),
    instructions=("RUN",),
    mentions=("wget",),  # it fires only where wget and curl both run: either name is a guarantee
)
def wget_and_curl(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Both `wget` and `curl` are used in the image: one of them is enough.

    ## Why
    Each tool and its libraries add megabytes and their own CVEs. When the final image runs both
    (across the final stage and the stages it is built FROM), pick one. Builder stages are not
    checked: their tools do not ship.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends wget curl \\
     && rm -rf /var/lib/apt/lists/*
    RUN wget -q -O /tmp/a.tgz https://example.com/a.tgz
    RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    ```
    ```dockerfile
    FROM alpine:3.22 AS fetch
    RUN wget -q -O /tmp/a.tgz https://example.com/a.tgz
    FROM alpine:3.22
    COPY --from=fetch /tmp/a.tgz /tmp/
    RUN apk add --no-cache curl && curl -fsS https://example.com/health
    ```

    ## Fix
    Use one tool throughout (curl -fsSLo FILE URL is wget -qO FILE URL).
    """
    first: dict[str, tuple[RunScript, Command]] = {}
    for run in runs(ctx, shipped_only=True):
        if run.onbuild:
            continue
        temporary = None
        for script, command in run.commands("wget", "curl"):
            if command.name in first:
                continue
            if temporary is None:
                temporary = _temporary_packages(run)
            if command.name in temporary:
                continue  # installed for this RUN only: it does not ship
            first[command.name] = (script, command)
            if len(first) == 2:
                other = "curl" if command.name == "wget" else "wget"
                line = first[other][0].instruction.line
                yield script.violation(
                    f"{command.name} is used here and {other} at line {line}; use one of them in the image",
                    command,
                )
                return
