"""IL6001 apt-get-install-without-yes."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import insert_after_word, word_index
from imagelint.fixes import Fix
from imagelint.knowledge.package_managers import APT_GET
from imagelint.knowledge.runs import runs, subcommand, written_config, yes_piped_into
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import TRUE, apt_option
from imagelint.shell import Command


def _quiet_level(command: Command) -> int:
    """``-q -q``, ``-qq`` and ``--quiet=2`` mean --assume-yes for apt-get."""
    level = 0
    for arg in command.args:
        if arg.startswith(("--quiet=", "-q=")):
            setting = arg.split("=", 1)[1]
            level += int(setting) if setting.isdigit() else 0
        elif arg == "--quiet":
            level += 1
        elif arg.startswith("-") and not arg.startswith("--"):
            level += arg.count("q") if set(arg[1:]) <= set("qy") else 0
    return level


# When apt-get asks: an install of exactly the packages named goes ahead, more (their
# dependencies) or a removal needs confirming; the other verbs ask whenever they change anything.
_WHEN_IT_ASKS = {
    "install": "as soon as it must install more than the named packages or remove any",
    "reinstall": "as soon as it must install more than the named packages or remove any",
}


@rule(
    code="IL6001",
    name="apt-get-install-without-yes",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3014",),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=APT_GET.commands,
)
def apt_get_install_without_yes(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get install` (or `upgrade`, `build-dep`) without `-y`: the build fails at the prompt.

    ## Why
    There is no terminal in a build. Without `-y` apt-get asks "Do you want to continue? [Y/n]",
    reads the end of its input, prints "Abort." and exits with an error, which fails the build.
    `install` asks as soon as it must install more than the packages named (their dependencies)
    or remove a package, so a line that works today breaks when a dependency appears; `upgrade`,
    `dist-upgrade` and `build-dep` ask whenever they have anything to do.
    `DEBIAN_FRONTEND=noninteractive` does not answer this question; it only silences debconf.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update \\
     && DEBIAN_FRONTEND=noninteractive apt-get -q install curl
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
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get -o APT::Get::Assume-Yes=true install curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes
    RUN apt-get update && apt-get install curl
    ```

    ## Fix
    Add `-y` (or `--yes`, `--assume-yes`, `-qq`, which implies it).
    `imagelint fix` adds `-y` right after the subcommand: apt-get then answers the prompt that
    would have failed the build. Where that word cannot be placed exactly (escapes inside a
    `sh -c "..."` string) it only shows the advice.
    """
    for run in runs(ctx):
        for script, command in run.commands(*APT_GET.commands):
            verb = subcommand(command)
            if verb not in APT_GET.prompting:
                continue
            if (
                command.has_option(*APT_GET.assume_yes_options)
                or _quiet_level(command) >= 2
                or apt_option(command, "APT::Get::Assume-Yes") in TRUE
                or yes_piped_into(script, command)
                or written_config(ctx, run.instruction, "assume-yes")
            ):
                continue
            when = _WHEN_IT_ASKS.get(verb, "whenever it has anything to do")
            yield script.violation(
                f"apt-get {verb} without -y fails {when}: with no terminal to answer 'Do you want to continue? "
                "[Y/n]' it prints 'Abort.' and exits; add -y",
                command,
                fix=_add_yes(script, command, verb),
            )


def _add_yes(script, command: Command, verb: str) -> Fix | str:
    """`` -y`` after the subcommand: safe, apt-get then answers yes to the prompt that would have
    failed the build."""
    index = word_index(command, verb)
    edit = insert_after_word(script, command, index, " -y") if index is not None else None
    if edit is None:
        return f"apt-get {verb} -y ..."
    return Fix(f"add -y to apt-get {verb}", "safe", (edit,))
