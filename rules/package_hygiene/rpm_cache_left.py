"""IL6010 rpm-cache-left."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.knowledge.runs import Run, runs, subcommand


_RPM_POPULATING = frozenset(
    {"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "makecache", "distro-sync",
     "downgrade", "builddep", "group", "module", "swap", "upgrade-minimal", "update-minimal"}
)  # fmt: skip


_ZYPPER_POPULATING = frozenset(
    {"install", "in", "update", "up", "dist-upgrade", "dup", "patch", "refresh", "ref", "source-install", "si",
     "install-new-recommends", "inr"}
)  # fmt: skip


_RPM_CACHE_DIRS = {
    "yum": ("/var/cache/yum", "/var/cache/dnf"),  # yum is dnf on EL8 and later
    "dnf": ("/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"),
    "microdnf": ("/var/cache/yum", "/var/cache/dnf"),
    "tdnf": ("/var/cache/tdnf",),
    "zypper": ("/var/cache/zypp",),
}


_RPM_CLEAN = {
    "yum": "yum clean all", "dnf": "dnf clean all", "microdnf": "microdnf clean all", "tdnf": "tdnf clean all",
    "zypper": "zypper clean -a",
}  # fmt: skip


def _rpm_cleaned(run: Run, tool: str) -> bool:
    family = ("zypper",) if tool == "zypper" else ("yum", "dnf", "microdnf", "tdnf")
    for _, command in run.commands(*family):
        args = [a.lower() for a in command.positionals()]
        if tool == "zypper" and args[:1] in (["clean"], ["cc"]):
            return True
        if tool != "zypper" and args[:1] == ["clean"] and ("all" in args or "metadata" in args):
            return True
    return run.keeps_out(*_RPM_CACHE_DIRS[tool])


@rule(
    code="IL6010",
    name="rpm-cache-left",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3032", "DL3040", "DL3036"),
)
def rpm_cache_left(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`yum`/`dnf`/`microdnf`/`tdnf`/`zypper install` without a clean: repository metadata ships.

    ## Why
    These tools keep repository metadata (often 100+ MB for dnf) and sometimes packages under
    `/var/cache`. Unless the same RUN ends with `yum clean all` (`dnf`, `microdnf`, `tdnf`
    likewise; `zypper clean -a`), removes the cache directory, or mounts a BuildKit cache there,
    it stays in the image. Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM rockylinux:9
    RUN yum -y install httpd
    ```
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal
    RUN microdnf install -y shadow-utils
    ```

    ## Good
    ```dockerfile
    FROM rockylinux:9
    RUN yum -y install httpd && yum clean all
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf -y install python3 && dnf clean all && rm -rf /var/cache/dnf
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM fedora:43
    RUN --mount=type=cache,target=/var/cache/dnf dnf -y install python3
    ```
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper -n install curl && zypper clean -a
    ```

    ## Fix
    End the RUN with `&& yum clean all` (or the tool's equivalent), or use
    `RUN --mount=type=cache,target=/var/cache/dnf`.
    """
    for run in runs(ctx, shipped_only=True):
        reported: set[str] = set()
        for script, command in run.commands(*_RPM_CACHE_DIRS):
            verb = subcommand(command)
            populating = _ZYPPER_POPULATING if command.name == "zypper" else _RPM_POPULATING
            if verb not in populating or command.name in reported:
                continue
            if _rpm_cleaned(run, command.name):
                continue
            reported.add(command.name)
            yield script.violation(
                f"{command.name} {verb} leaves its metadata cache in this layer; end the RUN with "
                f"'{_RPM_CLEAN[command.name]}' (or RUN --mount=type=cache,target={_RPM_CACHE_DIRS[command.name][0]})",
                command,
            )
