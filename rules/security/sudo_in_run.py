"""IL7008 sudo-in-run."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start
from imagelint.shell import Command


@rule(
    code="IL7008",
    name="sudo-in-run",
    family="security",
    severity="warning",
    hadolint=("DL3004",),
    checkov=("CKV2_DOCKER_1",),
    instructions=("RUN",),
    mentions=("sudo",),
)
def sudo_in_run(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`sudo` in a RUN: switch users with USER instead.

    ## Why
    Builds run without a terminal, so `sudo` behaves unpredictably (password prompts, `requiretty`,
    lost environment), and an image that needs `sudo` during the build usually keeps a sudo-capable
    user at run time, which turns any code execution in the container into root.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    USER ubuntu
    RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl sudo \\
        && echo 'app ALL=(ALL) NOPASSWD: /usr/bin/apt-get' > /etc/sudoers.d/app
    USER ubuntu
    ```

    ## Fix
    Run the root-only steps before `USER <name>` (or switch with `USER root` and back), and drop
    `sudo` from the commands.
    """
    for run in ctx.run_scripts:
        for command in run.commands():
            if ("sudo" in command.wrappers or command.name == "sudo") and not _drops_to_other_user(command):
                yield at_command_start(
                    run,
                    command,
                    f"'sudo{'' if command.name == 'sudo' else ' ' + command.name}' in a RUN; run root-only steps "
                    "as USER root (before switching users) instead of using sudo",
                )


def _drops_to_other_user(command: Command) -> bool:
    """``sudo -u builder makepkg``: sudo used to give up root, like ``runuser``; not an escalation."""
    words = [w.value for w in command.raw_words]
    if "sudo" not in words:
        return False
    options = words[words.index("sudo") + 1 :]
    for i, arg in enumerate(options):
        if not arg.startswith("-"):
            return False
        user = None
        if arg in ("-u", "--user"):
            user = options[i + 1] if i + 1 < len(options) else None
        elif arg.startswith("--user="):
            user = arg.partition("=")[2]
        elif arg.startswith("-u"):
            user = arg[2:]
        if user:
            return user.lstrip("#") not in ("root", "0")
    return False
