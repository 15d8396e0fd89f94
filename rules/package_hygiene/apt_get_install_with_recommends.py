"""IL6002 apt-get-install-with-recommends."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import APT_GET
from imagelint.edits import word_index
from imagelint.knowledge.runs import runs, subcommand, written_config
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import apt_option, option_fix

_FALSE = frozenset({"0", "false", "no", "off"})


@rule(
    code="IL6002",
    name="apt-get-install-with-recommends",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3015",),
    fixes=("unsafe",),
    instructions=("RUN",),
    mentions=APT_GET.commands,
)
def apt_get_install_with_recommends(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get install` without `--no-install-recommends` installs packages nobody asked for.

    ## Why
    Debian and Ubuntu install "recommended" packages by default, not only dependencies: on
    Debian 12, `apt-get install -y git` adds openssh-client, patch, less and more. In a
    container they are dead weight and extra CVEs. Only stages whose layers ship are checked
    (builder stages are free to take recommends).

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y -o APT::Install-Recommends=false curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/no-recommends
    RUN apt-get update && apt-get install -y curl
    ```
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y build-essential
    FROM debian:12-slim
    COPY --from=build /usr/local/bin/tool /usr/local/bin/tool
    ```

    ## Fix
    Add `--no-install-recommends` and name any recommended package you really need.
    `imagelint fix --unsafe` adds `--no-install-recommends` right after `install`; where that
    word cannot be placed exactly (escapes inside a `sh -c "..."` string) it only shows the advice.

    ## Fix safety
    Packages that were installed only because they are recommended are no longer installed, and
    the image may have relied on them (`ca-certificates`, which `curl https://...` needs, or
    `openssh-client` for `git clone git@...`, both only recommended): add the ones it needs by name.
    """
    for run in runs(ctx, shipped_only=True):
        for script, command in run.commands(*APT_GET.commands):
            if subcommand(command) != "install":
                continue
            if command.has_option("--no-install-recommends") or apt_option(command, "APT::Install-Recommends") in _FALSE:
                continue
            if written_config(ctx, run.instruction, "install-recommends"):
                continue
            yield script.violation(
                "apt-get install also installs recommended packages; add --no-install-recommends",
                command,
                fix=option_fix(
                    script,
                    command,
                    word_index(command, "install"),
                    "--no-install-recommends",
                    "apt-get install -y --no-install-recommends ...",
                    applicability="unsafe",
                ),
            )
