"""IL6009 rpm-install-without-yes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import RPM_INSTALLERS, ZYPPER, manager
from imagelint.knowledge.runs import runs, subcommand, written_config, yes_piped_into
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import TRUE, option_fix
from imagelint.shell import Command

# The yum family and zypper, where they prompt (microdnf never does).
_PROMPTING_TOOLS = frozenset(c for c in RPM_INSTALLERS if manager(c).prompting)


def _global_args(command: Command) -> list[str]:
    """Arguments before the subcommand: ``zypper -n install`` -> ['-n']."""
    verb = command.subcommand()
    args = command.args
    return args[: args.index(verb)] if verb in args else args


@rule(
    code="IL6009",
    name="rpm-install-without-yes",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3030", "DL3038", "DL3034"),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=tuple(sorted(_PROMPTING_TOOLS)),
)
def rpm_install_without_yes(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`yum`/`dnf`/`tdnf install` without `-y`, or `zypper install` without `-n`: the build stops at a prompt.

    ## Why
    `yum`, `dnf` and `tdnf` ask "Is this ok [y/N]" before changing anything; with no terminal
    they read the end of their input, take the default No, and the build fails. `zypper` asks
    too, and takes its default answers without asking only with `--non-interactive` (`-n`).
    `microdnf` never asks, so it is not reported.

    ## Bad
    ```dockerfile
    FROM rockylinux:9
    RUN yum install httpd && yum clean all
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf install python3 && dnf clean all
    ```
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper install curl && zypper clean -a
    ```

    ## Good
    ```dockerfile
    FROM rockylinux:9
    RUN yum -y install httpd && yum clean all
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf install --assumeyes python3 && dnf clean all
    ```
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl && zypper clean -a
    ```
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper install -y curl && zypper clean -a
    ```
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal
    RUN microdnf install shadow-utils && microdnf clean all
    ```

    ## Fix
    Add `-y` (zypper: `zypper --non-interactive install` or `zypper install -y`).
    `imagelint fix` writes it right after the program's name, where every subcommand accepts it
    (`yum -y install`, `dnf -y group install`, `zypper --non-interactive install`): the tool
    then answers the prompt that would have failed the build. Where the name cannot be placed
    exactly (escapes inside a `sh -c "..."` string) it only shows the advice.
    """
    for run in runs(ctx):
        for script, command in run.commands(*_PROMPTING_TOOLS):
            verb = subcommand(command)
            tool = manager(command.name)
            zypper = command.name in ZYPPER.commands
            if verb not in tool.prompting:
                continue
            if zypper:
                globals_ = _global_args(command)
                # -n only counts before the subcommand, also bundled (`zypper -qn install`)
                if any(a in tool.non_interactive_options or re.fullmatch(r"-[a-zA-Z]*n[a-zA-Z]*", a) for a in globals_):
                    continue
                if command.has_option(*tool.assume_yes_options):
                    continue
                option = next(o for o in tool.non_interactive_options if o.startswith("--"))
                fix = option_fix(script, command, 0, option, f"{command.name} {option} ...")
            else:
                if command.has_option(*tool.assume_yes_options):
                    continue
                setopts = [v.lower().replace(" ", "") for v in command.option_values("--setopt")]
                if any(v.startswith("assumeyes=") and v.split("=", 1)[1] in TRUE for v in setopts):
                    continue
                if written_config(ctx, run.instruction, "assumeyes=1", "assumeyes=true", "assumeyes=yes"):
                    continue
                option = tool.assume_yes_options[0]
                fix = option_fix(script, command, 0, option, f"{command.name} {option} {verb} ...")
            if yes_piped_into(script, command):
                continue
            if zypper:
                what = "stops at its confirmation prompt, which a build has no terminal to answer"
            else:
                what = (
                    "fails at its 'Is this ok [y/N]' prompt: with no terminal it reads the end of its input, "
                    "takes the default No and stops"
                )
            yield script.violation(
                f"{command.name} {verb} without {option} {what}; add {option}",
                command,
                fix=fix,
            )
