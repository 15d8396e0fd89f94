"""Rules about how work is split into layers, where bytes get shipped twice.

Every RUN, COPY and ADD adds a layer, and a layer can only add to what lies below: deleting,
``chmod``-ing or uninstalling in a later layer hides files, it never gives their bytes back. These
rules find work that creates files in one layer and touches them again in another. They look at
the stages that make up the final image (its FROM chain); builder stages, whose layers are never
shipped, are exempt unless ``builder-stages = true`` is set for the rule.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from imagelint.context import LintContext
from imagelint.rule import Violation, rule
from imagelint.rules._context_sources import is_whole_tree
from imagelint.rules._installs import URL, download_target, installed_names, package_removal, pip_command
from imagelint.rules._layers import (
    Copy,
    Located,
    Step,
    cache_mount_targets,
    expand_word,
    is_under,
    resolve,
    run_commands,
    sequences,
    size_rule_stages,
    strip_glob,
)

SIZE_OPTIONS = {"builder-stages": False}


def _rm_targets(located: Located, step: Step) -> list[str]:
    """Absolute paths (globs kept) an ``rm`` command removes."""
    targets = []
    for argument in located.command.positionals(()):
        expanded = expand_word(argument, step.scope)
        if expanded is not None and expanded not in ("", "/"):
            targets.append(resolve(expanded, located.cwd))
    return targets


def _covers(removed: str, path: str) -> bool:
    """Whether removing ``removed`` (maybe a glob) removes ``path`` or what is inside it."""
    if any(ch in removed for ch in "*?["):
        # ``rm -rf /tmp/*`` empties /tmp: everything under it counts, the directory key included
        return fnmatch.fnmatchcase(path, removed) or (removed.endswith("*") and is_under(path, strip_glob(removed)))
    return is_under(path, removed)


# --- IL2001 ---------------------------------------------------------------------------------------


def _mode_targets(located: Located) -> list[str]:
    """The files a chmod/chown/chgrp changes (its mode or owner argument left out)."""
    command = located.command
    positionals = command.positionals(())
    if any(a.startswith("--reference") for a in command.args):
        return positionals
    return positionals[1:]


@rule(code="IL2001", name="chmod-after-copy", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def chmod_after_copy(ctx: LintContext) -> Iterator[Violation]:
    """`chmod`/`chown` in a RUN after the COPY that brought the files: the image holds them twice.

    ## Why
    Changing a file's mode or owner in a later layer copies the whole file into that layer. A
    200 MB application copied and then `chown -R`'d ships 400 MB. `COPY --chown` and
    `COPY --chmod` set them in the same layer for free.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY app/ /srv/app/
    RUN chown -R node:node /srv/app
    ```
    ```dockerfile
    FROM alpine:3.20
    WORKDIR /usr/local/bin
    COPY entrypoint.sh .
    RUN chmod +x entrypoint.sh
    ```
    ```dockerfile
    FROM eclipse-temurin:21-jre
    COPY --from=build /out/app.jar /opt/app/
    RUN chown -R 1001:0 /opt
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY --chown=node:node app/ /srv/app/
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --chmod=755 entrypoint.sh /usr/local/bin/
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY app/ /srv/app/
    RUN chown -R nobody /var/cache/app
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY config/ /etc/app/
    RUN chown app /etc/app
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    COPY . /src
    RUN chmod +x /src/build.sh && /src/build.sh

    FROM alpine:3.20
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## Fix
    Use `COPY --chown=user:group` or `COPY --chmod=755` (the latter needs BuildKit) and drop the RUN.
    """
    for sequence in sequences(ctx, size_rule_stages(ctx, "IL2001")):
        copies: list[Copy] = []
        for index, step in enumerate(sequence.steps):
            copy = step.copy
            if copy is not None and copy.destination is not None:
                copies.append(copy)
                continue
            if step.keyword != "RUN" or not copies or index < sequence.own:
                continue
            hits = []  # one finding per RUN: the first command, naming how many more there are
            for located in run_commands(ctx, step):
                if located.name in ("chmod", "chown", "chgrp"):
                    origin = _copied_origin(located, step, copies)
                    if origin is not None:
                        hits.append((located, *origin))
            if hits:
                located, copy, target = hits[0]
                more = f" (and {len(hits) - 1} more in this RUN)" if len(hits) > 1 else ""
                yield located.script.violation(
                    _chmod_message(located, copy, target, more), located.command, fix=_chmod_fix(located, copy)
                )


def _copied_origin(located: Located, step: Step, copies: list[Copy]) -> tuple[Copy, str] | None:
    """The latest COPY whose files this chmod/chown rewrites, with the path as written."""
    recursive = located.command.has_option("-R", "--recursive")
    for target in _mode_targets(located):
        expanded = expand_word(target, step.scope)
        if expanded is None:
            continue
        path = resolve(expanded, located.cwd)
        for copy in reversed(copies):
            for source in copy.sources:
                directory = is_whole_tree(source) or source.endswith("/")
                for landed, sure in copy.landing_paths(source):
                    if path == landed:
                        # a directory's own mode or owner costs nothing (setgid/sticky modes are for directories)
                        hit = recursive or not (directory or _directory_mode(located))
                    else:
                        hit = (sure and is_under(path, landed)) or (recursive and path != "/" and is_under(landed, path))
                    if hit:
                        return copy, target
    return None


def _directory_mode(located: Located) -> bool:
    if located.name != "chmod":
        return False
    mode = next(iter(located.command.positionals(())), "")
    return bool(re.fullmatch(r"=?[1-7][0-7]{3}", mode)) or bool(re.search(r"[+=][rwx]*[st]", mode))


def _chmod_message(located: Located, copy: Copy, target: str, more: str) -> str:
    command = located.command
    keyword = copy.instruction.keyword
    flag = "--chmod" if command.name == "chmod" else "--chown"
    return (
        f"{command.name} on {target}, which the {keyword} at line {copy.instruction.line} brought in, "
        f"copies the files into a new layer{more}; use {keyword} {flag}=... instead"
    )


def _chmod_fix(located: Located, copy: Copy) -> str | None:
    command = located.command
    positionals = command.positionals(())
    if not positionals or any(a.startswith("--reference") for a in command.args):
        return None
    value = positionals[0]
    if command.name == "chmod" and not re.fullmatch(r"[0-7]{3,4}", value):
        return None
    flag = {"chmod": "--chmod", "chown": "--chown", "chgrp": "--chown"}[command.name]
    if command.name == "chgrp":
        value = f":{value}"
    return f"{copy.instruction.keyword} {flag}={value} ..."


# --- IL2002 ---------------------------------------------------------------------------------------

MERGE_OPTIONS = {"builder-stages": False, "max-commands": 2, "mode": "package-steps"}
_MANAGERS = {
    "apt-get": "apt", "apt": "apt", "aptitude": "apt", "apk": "apk", "yum": "rpm", "dnf": "rpm",
    "microdnf": "rpm", "tdnf": "rpm", "zypper": "zypper", "npm": "npm", "yarn": "yarn", "pnpm": "pnpm",
    "gem": "gem", "composer": "composer", "conda": "conda", "mamba": "conda",
}  # fmt: skip
_PLUMBING = frozenset({"set", "rm", "echo", "true", ":"})


def _option(ctx: LintContext, code: str, key: str, defaults: dict):
    return ctx.options.rule_options.get(code, {}).get(key, defaults[key])


def _package_manager(located: Located) -> str | None:
    if pip_command(located.command, located.name) is not None:
        return "pip"
    return _MANAGERS.get(located.name)


def _run_profile(ctx: LintContext, step: Step) -> tuple[int, set[str], bool]:
    """(number of commands, package managers used, whether it is only package-manager work)."""
    if step.instruction.is_exec_form:
        return 1, set(), False  # ``RUN ["prog", ...]``: one command, never a package step here
    commands = list(run_commands(ctx, step))
    managers = {m for located in commands if (m := _package_manager(located))}
    only_packages = bool(managers) and all(
        _package_manager(located) or located.name in _PLUMBING for located in commands
    )
    return len(commands), managers, only_packages


def _updates_alone(ctx: LintContext, step: Step) -> bool:
    """``RUN apt-get update`` on its own: IL1002's finding, not a merge suggestion."""
    subs = [located.sub for located in run_commands(ctx, step) if _package_manager(located)]
    return bool(subs) and all(sub in ("update", "makecache", "refresh") for sub in subs)


@rule(
    code="IL2002",
    name="consecutive-run-instructions",
    family="layer-merging",
    severity="info",
    hadolint=("DL3059",),
    options=MERGE_OPTIONS,
)
def consecutive_run_instructions(ctx: LintContext) -> Iterator[Violation]:
    """Two RUNs in a row that install packages with the same manager: one layer would do.

    ## Why
    Each RUN is a layer, with its own copy of the package manager's database and of every file
    both steps touch. Two small consecutive installs with the same package manager cost an extra
    layer and gain nothing: they change together anyway. Unlike hadolint's DL3059 this is not
    reported for every pair of short RUNs (merging unrelated steps hurts caching, hadolint #715),
    nor in builder stages (hadolint #1056). Set `mode = "any"` in
    `[tool.imagelint.rules.IL2002]` for DL3059's behaviour, `max-commands` for the size of a
    "small" RUN (default 2) and `builder-stages = true` to include builder stages.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask
    RUN pip install --no-cache-dir gunicorn
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    # and git
    RUN apk add --no-cache git
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask gunicorn
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    RUN adduser -D app
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    COPY app /app
    RUN apk add --no-cache git
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go install golang.org/x/tools/cmd/goimports@v0.24.0
    RUN go install honnef.co/go/tools/cmd/staticcheck@2024.1

    FROM alpine:3.20
    COPY --from=build /go/bin/ /usr/local/bin/
    ```

    ## Fix
    Join the two commands with `&&` (or list all packages in one install) in a single RUN.
    """
    limit = int(_option(ctx, "IL2002", "max-commands", MERGE_OPTIONS))
    any_runs = _option(ctx, "IL2002", "mode", MERGE_OPTIONS) == "any"
    for sequence in sequences(ctx, size_rule_stages(ctx, "IL2002")):
        steps = sequence.steps
        for index in range(max(sequence.own, 1), len(steps)):
            previous, step = steps[index - 1], steps[index]
            if previous.keyword != "RUN" or step.keyword != "RUN" or previous.stage is not step.stage:
                continue
            if sorted(previous.instruction.flags) != sorted(step.instruction.flags):
                continue  # different mounts or network settings cannot share a RUN
            count, managers, only_packages = _run_profile(ctx, step)
            before_count, before_managers, before_only = _run_profile(ctx, previous)
            if count > limit or before_count > limit or count == 0 or before_count == 0:
                continue
            if not any_runs:
                shared = managers & before_managers
                if not (shared and only_packages and before_only) or _updates_alone(ctx, previous):
                    continue
                what = f"both {sorted(shared)[0]} installs"
            else:
                what = "both short"
            yield Violation(
                f"this RUN and the RUN at line {previous.instruction.line} ({what}) can be one RUN: "
                f"join them with && to save a layer",
                step.instruction,
            )


# --- IL2003 ---------------------------------------------------------------------------------------

_APT_LISTS = "/var/lib/apt/lists"
_RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/tdnf")
_YARN_CACHES = ("/usr/local/share/.cache/yarn", "/root/.cache/yarn")
_GO_CACHES = ("/root/.cache/go-build",)


@dataclass(frozen=True, slots=True)
class Created:
    path: str
    what: str  # "the apt-get update", "the curl download"
    step: Step
    located: Located


def _cache_disabled(located: Located, step: Step, variable: str) -> bool:
    value = dict(located.command.assignments).get(variable)
    if value is None and step.scope is not None:
        value = step.scope.lookup(variable)
    return value is not None and value.lower() not in ("", "0", "false", "no", "off")


_CREATORS = frozenset(
    {"apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper", "npm", "yarn", "go", "curl", "wget", "git"}
)


def _created_paths(located: Located, step: Step) -> list[tuple[str, str]]:
    """(path, what) for caches and files this command leaves in its layer."""
    command, name = located.command, located.name
    if name not in _CREATORS and not name.startswith(("pip", "python")):
        return []
    sub = located.sub
    what = f"{name} {sub}" if sub else name
    pip = pip_command(command, name)
    if pip is not None:
        if pip.subcommand() in ("install", "download", "wheel") and not pip.has_option("--no-cache-dir") and not _cache_disabled(
            located, step, "PIP_NO_CACHE_DIR"
        ):
            return [("/root/.cache/pip", f"{command.name} install")]
        return []
    if name in ("apt-get", "apt", "aptitude") and sub == "update":
        return [(_APT_LISTS, what)]
    if name == "apk" and (sub == "update" or (sub == "add" and not command.has_option("--no-cache"))):
        return [("/var/cache/apk", what)]
    if name in ("yum", "dnf", "microdnf", "tdnf") and sub in ("install", "update", "upgrade", "makecache", "groupinstall"):
        return [(path, what) for path in _RPM_CACHES]
    if name == "zypper" and sub in ("install", "in", "refresh", "ref", "update", "up"):
        return [("/var/cache/zypp", what)]
    if name == "npm" and sub in ("install", "i", "ci", "add"):
        return [("/root/.npm", what)]
    if name == "yarn" and sub in (None, "install", "add", "global"):
        return [(path, f"yarn {sub or 'install'}") for path in _YARN_CACHES]
    if name == "go" and sub in ("build", "install", "test", "get", "mod"):
        return [(path, what) for path in _GO_CACHES]
    if name in ("curl", "wget"):
        target = download_target(command, located.cwd)
        return [(target, f"{name} download")] if target else []
    if name == "git" and sub == "clone":
        return _clone_target(located)
    return []


def _clone_target(located: Located) -> list[tuple[str, str]]:
    positionals = located.command.positionals()
    if len(positionals) < 2:
        return []
    directory = positionals[2] if len(positionals) > 2 else posixpath.basename(positionals[1].rstrip("/")).removesuffix(".git")
    if not directory or "$" in directory:
        return []
    return [(resolve(directory, located.cwd), "git clone")]


_CLEAN_COMMANDS = {
    ("apt-get", "clean"): (),  # /var/cache/apt is emptied by the base images' docker-clean hook
    ("apk", "cache"): ("/var/cache/apk",),
    ("yum", "clean"): _RPM_CACHES,
    ("dnf", "clean"): _RPM_CACHES,
    ("microdnf", "clean"): _RPM_CACHES,
    ("tdnf", "clean"): _RPM_CACHES,
    ("zypper", "clean"): ("/var/cache/zypp",),
    ("zypper", "cc"): ("/var/cache/zypp",),
    ("npm", "cache"): ("/root/.npm",),
    ("yarn", "cache"): _YARN_CACHES,
    ("go", "clean"): _GO_CACHES,
}


_CLEANERS = frozenset(name for name, _ in _CLEAN_COMMANDS)


def _cleaned_paths(located: Located, step: Step) -> list[str]:
    """Paths (globs kept) a cleanup command empties."""
    name = located.name
    if name == "rm":
        return _rm_targets(located, step)
    if name.startswith(("pip", "python")):
        pip = pip_command(located.command)
        return ["/root/.cache/pip"] if pip is not None and pip.subcommand() == "cache" else []
    if name not in _CLEANERS:
        return []
    return list(_CLEAN_COMMANDS.get((name, located.sub), ()))


def _home(path: str) -> str:
    """Caches under any home directory compare equal: ``/home/app/.npm`` is ``/root/.npm``."""
    return re.sub(r"^/home/[^/]+(?=/|$)", "/root", path)


@rule(code="IL2003", name="cleanup-in-later-layer", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def cleanup_in_later_layer(ctx: LintContext) -> Iterator[Violation]:
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
    for sequence in sequences(ctx, size_rule_stages(ctx, "IL2003")):
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
                    for path in [p for p in created if _covers(cleaned, p)]
                ]
                earlier = [origin for origin in removed if origin.step is not step]
                if earlier and index >= sequence.own:
                    origin = earlier[0]
                    yield located.script.violation(
                        f"{_describe_cleanup(located)} removes {origin.path}, which the {origin.what} in the RUN at line "
                        f"{origin.step.instruction.line} created: the files stay in that layer; clean up in that RUN",
                        located.command,
                    )
                for path, what in _created_paths(located, step):
                    path = _home(path)
                    if any(is_under(path, _home(target)) for target in kept_out):
                        continue
                    if located.name in lone_updates:
                        continue  # ``RUN apt-get update`` alone is IL1002's finding
                    created[path] = Created(path, what, step, located)


def _describe_cleanup(located: Located) -> str:
    return located.name if located.name == "rm" else f"{located.name} {located.sub or ''}".strip()


def _lone_index_updates(commands: list[Located]) -> set[str]:
    """Package managers this RUN only updates (no install): IL1002 reports those."""
    managers = [c for c in commands if c.name in ("apt-get", "apt", "apk", "yum", "dnf", "zypper")]
    updated = {c.name for c in managers if c.sub in ("update", "makecache", "refresh")}
    installing = {c.name for c in managers if c.sub in ("install", "add", "upgrade", "dist-upgrade")}
    return updated - installing


# --- IL2004 / IL2005 ------------------------------------------------------------------------------

_ARCHIVE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|zip|gz|bz2|xz|zst|7z|jar\.gz)$", re.I)
_TAR_ARCHIVE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$", re.I)
_EXTRACTORS = {"unzip", "gunzip", "bunzip2", "unxz", "unlzma", "uncompress", "zcat", "gzcat", "7z", "7za", "bsdtar", "zstd", "unzstd"}


@dataclass(frozen=True, slots=True)
class Brought:
    """A file or tree a COPY/ADD brought in and a later RUN extracted or removed."""

    copy: Copy
    source: str
    path: str  # where it landed
    located: Located
    step: Step
    action: str  # "extract" or "remove"


def _extracts(located: Located, step: Step) -> list[str]:
    """Files an extraction command reads (absolute)."""
    command, name = located.command, located.name
    if name not in _EXTRACTORS and name not in ("tar", "bsdtar", "xz", "gzip", "bzip2", "zstd"):
        return []
    if name == "tar" or name == "bsdtar":
        if not (command.has_option("-x", "--extract", "--get")):
            return []
        files = command.option_values("-f", "--file")
    elif name in _EXTRACTORS or command.has_option("-d", "--decompress"):
        files = command.positionals(("-d", "-x", "-P", "-o"))[:1] if name == "unzip" else command.positionals(())
        if name in ("7z", "7za"):
            files = files[1:]
    else:
        return []
    paths = []
    for name in files:
        expanded = expand_word(name, step.scope)
        if expanded is not None and expanded != "-":
            paths.append(resolve(expanded, located.cwd))
    return paths


def _written_paths(located: Located, step: Step) -> list[str]:
    """Paths a command fills: extraction and clone directories, downloads, new directories."""
    command, name = located.command, located.name
    paths = [path for path, _ in _created_paths(located, step) if path.startswith("/") and not path.startswith("/var/")]
    directories: list[str] = []
    if name in ("tar", "bsdtar") and command.has_option("-x", "--extract", "--get"):
        directories = command.option_values("-C", "--directory") or ["."]
    elif name == "unzip":
        directories = command.option_values("-d", value_options=("-d", "-x", "-P")) or ["."]
    elif name in ("mkdir", "cp", "mv", "ln"):
        directories = command.positionals(())[-1:]
    for directory in directories:
        expanded = expand_word(directory, step.scope)
        if expanded is not None:
            paths.append(resolve(expanded, located.cwd))
    return paths


def _brought_then_used(ctx: LintContext, code: str) -> Iterator[Brought]:
    """Files from a COPY/ADD that a later RUN of the same image extracts or removes."""
    for sequence in sequences(ctx, size_rule_stages(ctx, code)):
        landed: list[tuple[Copy, str, str, bool]] = []  # (copy, source, where it landed, surely)
        for index, step in enumerate(sequence.steps):
            copy = step.copy
            if copy is not None and copy.destination is not None:
                for source in copy.sources:
                    if not source.startswith("<<"):
                        landed.extend((copy, source, path, sure) for path, sure in copy.landing_paths(source))
                continue
            if step.keyword != "RUN" or not landed or index < sequence.own:
                continue
            written: list[str] = []  # directories this RUN fills itself (tar -C, git clone, curl -o...)
            for located in run_commands(ctx, step):
                for path in _extracts(located, step):
                    match = next((c for c in reversed(landed) if fnmatch.fnmatchcase(path, c[2])), None)
                    if match is not None:
                        yield Brought(match[0], match[1], path, located, step, "extract")
                if located.name == "rm":
                    for removed in _rm_targets(located, step):
                        if any(is_under(w, removed) for w in written):
                            continue  # mostly this RUN's own files (a build tree holding a copied patch)
                        match = next((c for c in reversed(landed) if _covers(removed, c[2])), None)
                        if match is not None:
                            yield Brought(match[0], match[1], removed, located, step, "remove")
                written.extend(_written_paths(located, step))


@rule(
    code="IL2004",
    name="copied-archive-extracted-later",
    family="layer-merging",
    severity="warning",
    hadolint=("DL3010",),
    options=SIZE_OPTIONS,
)
def copied_archive_extracted_later(ctx: LintContext) -> Iterator[Violation]:
    """An archive is copied into the image and extracted by a later RUN: the archive ships too.

    ## Why
    The COPY layer keeps the archive; the RUN layer adds its extracted content. Deleting the archive
    afterwards changes nothing: the image carries the compressed and the extracted bytes. `ADD`
    extracts a local tar archive in its own layer, and a bind mount lets the RUN read the archive
    without storing it.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    COPY app.tar.gz /tmp/
    RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    ```
    ```dockerfile
    FROM debian:12-slim
    WORKDIR /tmp
    COPY dist.zip .
    RUN unzip dist.zip -d /opt/dist
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    ADD app.tar.gz /opt/
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=bind,source=dist.zip,target=/tmp/dist.zip \\
        unzip /tmp/dist.zip -d /opt/dist
    ```
    ```dockerfile
    FROM debian:12-slim AS fetch
    COPY app.tar.gz /tmp/
    RUN tar -xzf /tmp/app.tar.gz -C /opt

    FROM debian:12-slim
    COPY --from=fetch /opt /opt
    ```

    ## Fix
    Use `ADD archive.tar.gz /dest/` for local tar archives, or extract from a bind mount:
    `RUN --mount=type=bind,source=archive.zip,target=/tmp/archive.zip unzip /tmp/archive.zip ...`.
    """
    seen: set[tuple[int, str]] = set()
    for brought in _brought_then_used(ctx, "IL2004"):
        if brought.action != "extract" or (id(brought.copy.instruction), brought.source) in seen:
            continue
        seen.add((id(brought.copy.instruction), brought.source))
        instruction = brought.copy.instruction
        source = expand_word(brought.source, brought.copy.step.scope) or brought.source
        if URL.match(source):
            name = posixpath.basename(source.split("?", 1)[0]) or source
            advice = "download and extract it in one RUN (curl ... | tar -x), or use ADD --unpack=true"
        elif _TAR_ARCHIVE.search(source) and not brought.copy.from_stage:
            name, advice = source, f"ADD {source} <dir>/ extracts it in one layer"
        else:
            origin = f"from={brought.copy.from_stage}," if brought.copy.from_stage else ""
            name, advice = source, f"extract it from RUN --mount=type=bind,{origin}source={source},target=... instead"
        offset = instruction.value.find(brought.source)
        yield Violation(
            f"{name} is extracted by the RUN at line {brought.step.instruction.line}, but this "
            f"{instruction.keyword} keeps the archive in the image too; {advice}",
            instruction,
            offset=offset if offset >= 0 else None,
            end_offset=offset + len(brought.source) if offset >= 0 else None,
        )


@rule(code="IL2005", name="copied-file-removed-later", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def copied_file_removed_later(ctx: LintContext) -> Iterator[Violation]:
    """A RUN deletes files that a COPY/ADD brought in: they still ship in the COPY's layer.

    ## Why
    `COPY install.sh /tmp/` then `RUN /tmp/install.sh && rm /tmp/install.sh`, or `COPY . /src`
    then `RUN make && rm -rf /src`: the `rm` hides the files but the COPY layer still stores
    them, so the image is as big as if they were kept. A bind mount gives the RUN the files
    without storing them; `.dockerignore` keeps unwanted files out of `COPY .`.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    COPY install-tools.sh /tmp/
    RUN sh /tmp/install-tools.sh && rm /tmp/install-tools.sh
    ```
    ```dockerfile
    FROM python:3.12-slim
    COPY . /src
    RUN pip install --no-cache-dir /src && rm -rf /src
    ```

    ## Good
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=bind,source=install-tools.sh,target=/tmp/install-tools.sh \\
        sh /tmp/install-tools.sh
    ```
    ```dockerfile
    FROM debian:12-slim
    COPY install-tools.sh /tmp/
    RUN rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM python:3.12-slim AS build
    COPY . /src
    RUN pip wheel --no-cache-dir -w /wheels /src && rm -rf /src

    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    ```

    ## Fix
    Mount the files for the one RUN that needs them (`RUN --mount=type=bind,source=...,target=...`),
    or do the work in a builder stage and `COPY --from` only the result.
    """
    extracted = {(id(b.copy.instruction), b.source) for b in _brought_then_used(ctx, "IL2005") if b.action == "extract"}
    reported: set[int] = set()
    for brought in _brought_then_used(ctx, "IL2005"):
        if brought.action != "remove" or (id(brought.copy.instruction), brought.source) in extracted or id(brought.located.command) in reported:
            continue
        reported.add(id(brought.located.command))
        instruction = brought.copy.instruction
        yield brought.located.script.violation(
            f"rm of {brought.path} does not shrink the image: the {instruction.keyword} at line {instruction.line} "
            f"already stored it in its layer; use RUN --mount=type=bind for files needed only while building",
            brought.located.command,
        )


# --- IL2006 ---------------------------------------------------------------------------------------


@rule(code="IL2006", name="package-removed-in-later-layer", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def package_removed_in_later_layer(ctx: LintContext) -> Iterator[Violation]:
    """Packages are purged in a later RUN than the one that installed them: nothing is saved.

    ## Why
    Build dependencies (compilers, `-dev` headers) installed in one RUN and removed in another
    stay in the image: the first layer stores them and the second only hides them. Install,
    use and remove them in a single RUN (as the official images do with `apk add --virtual
    .build-deps ... && apk del .build-deps`), or build in a separate stage.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev
    RUN make -C /src && make -C /src install
    RUN apt-get purge -y gcc libc6-dev && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev
    RUN pip install --no-cache-dir psycopg2
    RUN apk del .build-deps
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\
        && pip install --no-cache-dir psycopg2 \\
        && apk del .build-deps
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    RUN apt-get purge -y --auto-remove wget
    ```

    ## Fix
    Move the removal into the RUN that installs the packages (after the commands that need them),
    or install them in a builder stage and copy only the result.
    """
    for sequence in sequences(ctx, size_rule_stages(ctx, "IL2006")):
        installed: dict[tuple[str, str], Step] = {}  # (manager, package) -> the RUN that installed it
        for index, step in enumerate(sequence.steps):
            if step.keyword != "RUN":
                continue
            here: dict[tuple[str, str], Step] = {}
            for located in run_commands(ctx, step):
                removal = package_removal(located.command, located.name)
                if removal is not None:
                    manager, names = removal
                    earlier = [(n, installed.pop((manager, n))) for n in names if (manager, n) in installed]
                    for name in names:
                        here.pop((manager, name), None)
                    if earlier and index >= sequence.own:
                        shown = ", ".join(n for n, _ in earlier[:3]) + (f" and {len(earlier) - 3} more" if len(earlier) > 3 else "")
                        yield located.script.violation(
                            f"{located.name} {located.sub} of {shown} in a later layer than the RUN at "
                            f"line {earlier[0][1].instruction.line} that installed it saves no space; install, use and "
                            f"remove in one RUN",
                            located.command,
                        )
                    continue
                found = installed_names(located.command, located.name)
                if found is not None:
                    manager, names = found
                    for name in names:
                        here[(manager, name)] = step
            installed.update(here)
