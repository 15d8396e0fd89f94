"""IL6016 unpinned-rpm-package."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import RPM_INSTALLERS, ZYPPER, manager
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import is_local_or_variable, pin_violation

# name-version[-release][.arch], e.g. nodejs-18.16.0-1.module_el8.x86_64; epoch allowed (pkg-2:1.0).
_RPM_NEVRA = re.compile(r"-(?:\d+:)?\d[\w.+~^]*(?:-[\w.+~^]*\d[\w.+~^]*)?(?:\.(?:noarch|x86_64|aarch64|i686|ppc64le|s390x))?$")


@rule(
    code="IL6016",
    name="unpinned-rpm-package",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3033", "DL3041", "DL3037"),
    instructions=("RUN",),
    mentions=tuple(sorted(RPM_INSTALLERS)),
)
def unpinned_rpm_package(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`yum`/`dnf`/`microdnf`/`zypper install` of packages without a version.

    ## Why
    As with apt and apk, an unpinned package is whatever the repositories serve today. Name the
    version: `httpd-2.4.57` for yum/dnf (name-version[-release]), `curl=8.6.0` or `curl>=8` for
    zypper. Local `.rpm` files, paths, URLs, groups (`@development`) and capabilities such as
    `perl(JSON)` are not reported, nor names the build computes (`$(...)`, backticks, or a
    variable holding one); only `install` is checked (`update pkg` is meant to move).

    ## Bad
    ```dockerfile
    FROM rockylinux:9
    RUN yum -y install httpd && yum clean all
    ```

    ## Good
    ```dockerfile
    FROM rockylinux:9
    RUN yum -y install httpd-2.4.57 && yum clean all
    ```
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper -n install curl=8.6.0 && zypper clean -a
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf -y install @development-tools /tmp/vendor.rpm "perl(JSON)" && dnf clean all
    ```

    ## Fix
    Add the version: `pkg-<version>` for yum/dnf/microdnf, `pkg=<version>` for zypper.
    """
    for run in runs(ctx):
        for script, command in run.commands(*RPM_INSTALLERS):
            verb = subcommand(command)
            zypper = command.name in ZYPPER.commands
            if verb != "install" and not (zypper and verb == "in"):
                continue
            if zypper and any(t not in ("package",) for t in command.option_values("-t", "--type")):
                continue
            unpinned = []
            for package in run.package_words(command, command.positionals()[1:]):
                if is_local_or_variable(package) or package.endswith(".rpm") or package.startswith("@") or "(" in package:
                    continue
                if re.search(r"[=<>]", package) or (not zypper and _RPM_NEVRA.search(package)):
                    continue
                unpinned.append(package)
            if unpinned:
                separator = manager(command.name).pin_separator
                yield pin_violation(script, command, f"{command.name} {verb}", unpinned, f"{unpinned[0]}{separator}<version>")
