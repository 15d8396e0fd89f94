"""IL6010 rpm-cache-left."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.fixes import Fix
from imagelint.knowledge.package_managers import RPM_FRONTENDS, RPM_INSTALLERS, PackageManager, family_commands, manager
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import append_to_run
from imagelint.shell import Command


def _rpm_cleaned(run: Run, tool: PackageManager) -> bool:
    yum_like = tool.name in RPM_FRONTENDS  # `yum clean all`; zypper has `zypper clean` / `zypper cc`
    for _, command in run.commands(*family_commands(tool.family)):
        args = [a.lower() for a in command.positionals()]
        if not yum_like and args[:1] in (["clean"], ["cc"]):
            return True
        if yum_like and args[:1] == ["clean"] and ("all" in args or "metadata" in args):
            return True
    return run.keeps_out(*tool.cache_dirs)


# Options that move the cache elsewhere: a plain `clean all` would not empty it.
_OTHER_ROOT = ("--installroot", "--root", "--cache-dir", "-C")


def _clean_fix(ctx: LintContext, run: Run, script: RunScript, command: Command, tool: PackageManager) -> Fix | None:
    """`` && yum clean all`` (the tool's own cleanup) at the end of the RUN: safe, the image only
    loses the metadata cache, which every later install downloads again when it needs it."""
    if tool.cache_clean is None or command.has_option(*_OTHER_ROOT):
        return None
    if any(v.replace(" ", "").lower().startswith(("cachedir=", "persistdir=")) for v in command.option_values("--setopt")):
        return None
    edit = append_to_run(ctx, run, script, command, tool.cache_clean)
    return Fix(f"end the RUN with {tool.cache_clean}", "safe", (edit,)) if edit is not None else None


@rule(
    code="IL6010",
    name="rpm-cache-left",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3032", "DL3040", "DL3036"),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=tuple(sorted(RPM_INSTALLERS)),
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
    `imagelint fix` appends the tool's cleanup (`&& dnf clean all`, `&& zypper clean -a`) to the
    RUN, in the RUN's own continuation style, or as the last line of a heredoc script (after
    `set -e`, else joined to its last line with `&&`). It only shows the advice when the
    cleanup would not run last or not as the same user: an ONBUILD trigger, `sudo`, a trailing
    `;`, `&` or comment, `--installroot`, a RUN of several scripts.
    """
    for run in runs(ctx, shipped_only=True):
        reported: set[str] = set()
        for script, command in run.commands(*RPM_INSTALLERS):
            verb = subcommand(command)
            tool = manager(command.name)
            if verb not in tool.cache_filling or command.name in reported:
                continue
            if _rpm_cleaned(run, tool):
                continue
            reported.add(command.name)
            yield script.violation(
                f"{command.name} {verb} leaves its metadata cache in this layer; end the RUN with "
                f"'{tool.cache_clean}' (or RUN --mount=type=cache,target={tool.cache_dirs[0]})",
                command,
                fix=_clean_fix(ctx, run, script, command, tool),
            )
