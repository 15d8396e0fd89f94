"""Rules about how package managers are called: prompts, recommends, caches, pinning."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Violation, rule


@rule(
    code="IL6001",
    name="apt-get-install-without-yes",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3014",),
)
def apt_get_install_without_yes(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get install` without `-y`: the build stops at the confirmation prompt.

    ## Why
    There is no terminal in a build. Without `-y` apt-get asks "Do you want to continue?", reads
    end-of-file, and aborts the build.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -qqy curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get --assume-yes install curl
    ```

    ## Fix
    Add `-y` (or `--yes`, `--assume-yes`, `-qq`, which implies it).
    """
    for run in ctx.run_scripts:
        for command in run.commands("apt-get"):
            if "install" not in command.args:
                continue
            if command.has_option("-y", "--yes", "--assume-yes", "-qq") or _quiet_level(command) >= 2:
                continue
            yield run.violation(
                "apt-get install without -y aborts at the confirmation prompt; add -y",
                command,
                fix="apt-get install -y ...",
            )


def _quiet_level(command) -> int:
    """``-q -q`` or ``-qq`` both mean --assume-yes for apt-get."""
    level = 0
    for arg in command.args:
        if arg.startswith("-") and not arg.startswith("--"):
            level += arg.count("q")
        elif arg.startswith("--quiet="):
            level += int(arg.split("=", 1)[1]) if arg.split("=", 1)[1].isdigit() else 0
    return level
