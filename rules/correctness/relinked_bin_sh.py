"""IL8022 relinked-bin-sh."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.runs import runs
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command

# /bin/sh, and where merged-/usr distributions (Debian 12, Ubuntu, Fedora) keep the same file.
SH_PATHS = frozenset({"/bin/sh", "/usr/bin/sh"})
_LN_VALUE_OPTIONS = frozenset({"-t", "--target-directory", "-S", "--suffix", "--backup"})


@rule(
    code="IL8022",
    name="relinked-bin-sh",
    family="correctness",
    severity="warning",
    hadolint=("DL4005",),
    instructions=("RUN",),
    mentions=("ln",),
)
def relinked_bin_sh(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`ln` replaces `/bin/sh` with another shell: use SHELL to change the shell of RUN.

    ## Why
    `ln -sf /bin/bash /bin/sh` changes the shell of the whole image, not just of the Dockerfile:
    every program that runs `/bin/sh` (package maintainer scripts, `system()` calls, shell-form
    CMD) gets bash with its different behaviour, and an upgrade of the package that owns
    `/bin/sh` can quietly put it back. `SHELL ["/bin/bash", "-c"]` gives the RUN steps bash and
    leaves `/bin/sh` alone. Only the stages of the shipped image are checked: a builder stage that
    relinks `/bin/sh` changes nothing the image runs (kind's images do it to stage bash as `sh`).
    Both `/bin/sh` and `/usr/bin/sh` (the same file on merged-/usr systems) count.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN ln -sf /bin/bash /bin/sh
    RUN source /etc/profile && make
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN rm /bin/sh && ln -s bash /usr/bin/sh
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN source /etc/profile && make
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN ln -s /bin/sh /usr/local/bin/sh-compat
    ```

    ## Fix
    Remove the `ln` and put `SHELL ["/bin/bash", "-c"]` (with `-o pipefail` if you like) before the
    RUN steps that need bash. If the image's own programs need `/bin/sh` to be bash at run time,
    keep the link and silence the rule for that line: imagelint cannot tell, so it does not rewrite
    it for you.
    """
    for run in runs(ctx, shipped_only=True):
        for script, command in run.commands("ln"):
            replaced = _replaced_sh(command)
            if replaced is None:
                continue
            link, target = replaced
            shell = posixpath.basename(target) or target
            yield script.violation(
                f"ln makes {link} a link to {target}, which changes the shell of every program in the image; "
                f'use SHELL ["{target if target.startswith("/") else "/bin/" + shell}", "-c"] for the RUN steps instead',
                command,
            )


def _replaced_sh(command: Command) -> tuple[str, str] | None:
    """(the /bin/sh path, the new target) when this ``ln`` creates /bin/sh; None otherwise."""
    positionals = command.positionals(_LN_VALUE_OPTIONS)
    directory = command.option_value("-t", "--target-directory", value_options=_LN_VALUE_OPTIONS)
    if directory is not None:  # ln -t DIR TARGET...: links named after each target
        for target in positionals:
            if posixpath.join(directory, posixpath.basename(target)) in SH_PATHS and posixpath.basename(target) == "sh":
                return posixpath.join(directory, "sh"), target
        return None
    if len(positionals) != 2:
        return None
    target, link = positionals
    if link.endswith("/") or link in ("/bin", "/usr/bin"):
        link = posixpath.join(link, posixpath.basename(target))  # into a directory: named like the target
    if posixpath.normpath(link) not in SH_PATHS or posixpath.basename(target) == "sh":
        return None
    return posixpath.normpath(link), target
