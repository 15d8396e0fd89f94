"""IL2003 cleanup-in-later-layer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from imagelint.context import LintContext
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import pip_command
from imagelint.knowledge.steps import Located, Step, cache_mount_targets, is_under, run_commands, sequences, size_rule_stages
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import GO_CACHES, SIZE_OPTIONS, covers, created_paths, rm_targets


@dataclass(frozen=True, slots=True)
class Created:
    path: str
    what: str  # "the apt-get update", "the curl download"
    step: Step
    located: Located


def _cleaning(manager: pm.PackageManager, subcommands: tuple[str, ...], caches: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(command, sub): caches for command in manager.commands for sub in subcommands}


# (program, subcommand) -> the caches it empties. ``apt-get clean`` is not one: it empties
# /var/cache/apt, which the base images' docker-clean hook keeps empty anyway.
_CLEAN_COMMANDS = {
    **_cleaning(pm.APK, ("cache",), pm.APK.cache_dirs[:1]),
    **{(command, "clean"): pm.RPM_CACHES for command in sorted(pm.RPM_FRONTENDS)},
    **_cleaning(pm.ZYPPER, ("clean", "cc"), pm.ZYPPER.cache_dirs),
    **_cleaning(pm.NPM, ("cache",), pm.NPM.cache_dirs),
    **_cleaning(pm.YARN, ("cache",), pm.YARN.cache_dirs),
    ("go", "clean"): GO_CACHES,
}


_CLEANERS = frozenset(name for name, _ in _CLEAN_COMMANDS)


def _cleaned_paths(located: Located, step: Step) -> list[str]:
    """Paths (globs kept) a cleanup command empties."""
    name = located.name
    if name == "rm":
        return rm_targets(located, step)
    if pm.may_run_pip(name):
        pip = pip_command(located.command)
        return list(pm.PIP.cache_dirs) if pip is not None and pip.subcommand() == "cache" else []
    if name not in _CLEANERS:
        return []
    return list(_CLEAN_COMMANDS.get((name, located.sub), ()))


def _home(path: str) -> str:
    """Caches under any home directory compare equal: ``/home/app/.npm`` is ``/root/.npm``."""
    return re.sub(r"^/home/[^/]+(?=/|$)", "/root", path)


@rule(code="IL2003", name="cleanup-in-later-layer", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def cleanup_in_later_layer(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN deletes caches or downloads that an earlier RUN created: the bytes stay in that layer.

    ## Why
    A layer stores what its RUN wrote. `rm -rf /var/lib/apt/lists/*`, `yum clean all`,
    `npm cache clean` or `rm /tmp/app.tar.gz` in a *later* RUN only hides the files: the earlier
    layer still holds them and the image is just as big (plus a layer of whiteouts). Cleanup only
    saves space in the RUN that created the files.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    RUN rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v22.9.0/node-v22.9.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
    RUN rm /tmp/node.tar.xz
    ```
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask
    RUN pip cache purge
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update \\
        && apt-get install -y --no-install-recommends curl
    RUN rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM python:3.12-slim
    ENV PIP_NO_CACHE_DIR=1
    RUN pip install flask
    RUN rm -rf /root/.cache
    ```
    ```dockerfile
    FROM debian:12-slim AS build
    RUN apt-get update && apt-get install -y --no-install-recommends build-essential
    RUN rm -rf /var/lib/apt/lists/*

    FROM debian:12-slim
    COPY --from=build /usr/bin/make /usr/bin/make
    ```

    ## Fix
    Delete the files at the end of the RUN that created them (`&& rm -rf ...`), or keep them out of
    the layer with `RUN --mount=type=cache,target=...`.
    """
    for sequence in sequences(ctx, size_rule_stages(ctx, rule)):
        created: dict[str, Created] = {}
        for index, step in enumerate(sequence.steps):
            if step.keyword != "RUN":
                continue
            kept_out = cache_mount_targets(step)
            located_commands = list(run_commands(ctx, step))
            lone_updates = _lone_index_updates(located_commands)
            for located in located_commands:
                removed = [
                    created.pop(path)
                    for cleaned in map(_home, _cleaned_paths(located, step))
                    for path in [p for p in created if covers(cleaned, p)]
                ]
                earlier = [origin for origin in removed if origin.step is not step]
                if earlier and index >= sequence.own:
                    origin = earlier[0]
                    yield located.script.violation(
                        f"{_describe_cleanup(located)} removes {origin.path}, which the {origin.what} in the RUN at line "
                        f"{origin.step.instruction.line} created: the files stay in that layer; clean up in that RUN",
                        located.command,
                    )
                for path, what in created_paths(located, step):
                    path = _home(path)
                    if any(is_under(path, _home(target)) for target in kept_out):
                        continue
                    if located.name in lone_updates:
                        continue  # ``RUN apt-get update`` alone is IL1002's finding
                    created[path] = Created(path, what, step, located)


def _describe_cleanup(located: Located) -> str:
    return located.name if located.name == "rm" else f"{located.name} {located.sub or ''}".strip()


# The index updates taken to be IL1002's: fewer tools and other verbs than IL1002's own
# definition (package_managers.index_use), which leaves out aptitude, microdnf and tdnf.
_INDEX_TOOLS = frozenset(pm.APT_GET.commands + pm.APT.commands + pm.APK.commands + pm.YUM.commands + pm.DNF.commands + pm.ZYPPER.commands)


def _lone_index_updates(commands: list[Located]) -> set[str]:
    """Package managers this RUN only updates (no install): IL1002 reports those."""
    managers = [c for c in commands if c.name in _INDEX_TOOLS]
    updated = {c.name for c in managers if c.sub in ("update", "makecache", "refresh")}
    installing = {c.name for c in managers if c.sub in ("install", "add", "upgrade", "dist-upgrade")}
    return updated - installing
