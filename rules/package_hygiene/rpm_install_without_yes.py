"""IL6009 rpm-install-without-yes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.knowledge.runs import runs, subcommand, written_config, yes_piped_into
from imagelint.rules.package_hygiene.shared import TRUE
from imagelint.shell import Command


_RPM_PROMPTING = frozenset(
    {"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "remove", "erase", "downgrade",
     "distro-sync", "autoremove", "swap", "group", "module", "builddep", "upgrade-minimal", "update-minimal"}
)  # fmt: skip


_ZYPPER_PROMPTING = frozenset(
    {"install", "in", "remove", "rm", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si",
     "install-new-recommends", "inr"}
)  # fmt: skip


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
)
def rpm_install_without_yes(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`yum`/`dnf`/`tdnf install` without `-y`, or `zypper install` without `-n`: the build stops at a prompt.

    ## Why
    These tools ask "Is this ok [y/N]" before changing anything. With no terminal the answer is
    end-of-file and the build fails. `microdnf` never asks, so it is not reported.

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
    """
    for run in runs(ctx):
        for script, command in run.commands("yum", "dnf", "tdnf", "zypper"):
            verb = subcommand(command)
            if command.name == "zypper":
                if verb not in _ZYPPER_PROMPTING:
                    continue
                globals_ = _global_args(command)
                if any(a in ("-n", "--non-interactive") or re.fullmatch(r"-[a-zA-Z]*n[a-zA-Z]*", a) for a in globals_):
                    continue
                if command.has_option("-y", "--no-confirm"):
                    continue
                fix = "zypper --non-interactive ..."
            else:
                if verb not in _RPM_PROMPTING:
                    continue
                if command.has_option("-y", "--assumeyes"):
                    continue
                setopts = [v.lower().replace(" ", "") for v in command.option_values("--setopt")]
                if any(v.startswith("assumeyes=") and v.split("=", 1)[1] in TRUE for v in setopts):
                    continue
                if written_config(ctx, run.instruction, "assumeyes=1", "assumeyes=true", "assumeyes=yes"):
                    continue
                fix = f"{command.name} -y {verb} ..."
            if yes_piped_into(script, command):
                continue
            option = "--non-interactive" if command.name == "zypper" else "-y"
            yield script.violation(
                f"{command.name} {verb} without {option} aborts at the confirmation prompt; add {option}",
                command,
                fix=fix,
            )
