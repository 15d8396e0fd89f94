"""IL6004 apt-instead-of-apt-get."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import APT, APT_CACHE, APT_GET
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule

_APT_CACHE_VERBS = frozenset({"search", "show", "policy", "showsrc", "depends", "rdepends"})


@rule(
    code="IL6004",
    name="apt-instead-of-apt-get",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3027",),
    checkov=("CKV_DOCKER_9",),
)
def apt_instead_of_apt_get(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt` in a RUN: its command line is for people, not scripts.

    ## Why
    `apt` warns "apt does not have a stable CLI interface. Use with caution in scripts": its
    output, prompts and defaults may change between releases (it also shows progress bars that
    clutter build logs). `apt-get` and `apt-cache` are the stable interfaces for scripts.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt update && apt install -y curl
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-cache policy curl
    ```

    ## Fix
    Use `apt-get` (or `apt-cache` for search/show/policy) with the same arguments.
    """
    for run in runs(ctx):
        for script, command in run.commands(*APT.commands):
            if not command.args:
                continue
            verb = subcommand(command) or ""
            tool = APT_CACHE.name if verb in _APT_CACHE_VERBS else APT_GET.name
            yield script.violation(
                f"'apt {verb}' uses apt's interactive interface, which is not stable in scripts; use {tool} {verb}".rstrip(),
                command,
                fix=f"{tool} {verb}".rstrip(),
            )
