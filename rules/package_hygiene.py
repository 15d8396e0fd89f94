"""Rules about how package managers are called: prompts, recommends, caches, upgrades and pinning.

Cache rules only look at RUNs whose layers end up in the final image (the final stage and the
stages it is built FROM, plus ONBUILD triggers): what a builder stage leaves behind never ships.
Each accepts the three ways to keep a cache out of a layer: the tool's own switch or setting, a
BuildKit ``RUN --mount=type=cache`` (or ``tmpfs``) on the cache directory, or removing it in the
same RUN.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.rule import Violation, rule
from imagelint.rules._installs import OS_PACKAGE_MANAGERS, os_package_family
from imagelint.rules._packages import Run, runs, shorten, subcommand, written_config, yes_piped_into
from imagelint.shell import KNOWN_VALUE_OPTIONS, Command

_APT_INSTALLING = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall"})
_FALSE = frozenset({"0", "false", "no", "off"})
_TRUE = frozenset({"1", "true", "yes", "on"})


def _apt_option(command: Command, key: str) -> str | None:
    """Value given with ``-o Key=value`` (keys are case-insensitive in apt)."""
    for value in command.option_values("-o", "--option"):
        name, _, setting = value.partition("=")
        if name.strip().lower() == key.lower():
            return setting.strip().strip("\"'").lower()
    return None


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


@rule(
    code="IL6001",
    name="apt-get-install-without-yes",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3014",),
)
def apt_get_install_without_yes(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get install` (or `upgrade`, `build-dep`) without `-y`: the build stops at the prompt.

    ## Why
    There is no terminal in a build. Without `-y` apt-get asks "Do you want to continue?", reads
    end-of-file, and aborts the build. `DEBIAN_FRONTEND=noninteractive` does not answer this
    question; it only silences debconf.

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
    """
    for run in runs(ctx):
        for script, command in run.commands("apt-get"):
            verb = subcommand(command)
            if verb not in _APT_INSTALLING:
                continue
            if (
                command.has_option("-y", "--yes", "--assume-yes")
                or _quiet_level(command) >= 2
                or _apt_option(command, "APT::Get::Assume-Yes") in _TRUE
                or yes_piped_into(script, command)
                or written_config(ctx, run.instruction, "assume-yes")
            ):
                continue
            yield script.violation(
                f"apt-get {verb} without -y aborts at the confirmation prompt; add -y",
                command,
                fix=f"apt-get {verb} -y ...",
            )


@rule(
    code="IL6002",
    name="apt-get-install-with-recommends",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3015",),
)
def apt_get_install_with_recommends(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get install` without `--no-install-recommends` installs packages nobody asked for.

    ## Why
    Debian and Ubuntu install "recommended" packages by default, not only dependencies: on
    Debian 12, `apt-get install -y git` adds openssh-client, patch, less and more. In a
    container they are dead weight and extra CVEs. Only stages whose layers ship are checked
    (builder stages are free to take recommends).

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y -o APT::Install-Recommends=false curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/no-recommends
    RUN apt-get update && apt-get install -y curl
    ```
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y build-essential
    FROM debian:12-slim
    COPY --from=build /usr/local/bin/tool /usr/local/bin/tool
    ```

    ## Fix
    Add `--no-install-recommends` and name any recommended package you really need.
    """
    for run in runs(ctx, shipped_only=True):
        for script, command in run.commands("apt-get"):
            if subcommand(command) != "install":
                continue
            if command.has_option("--no-install-recommends") or _apt_option(command, "APT::Install-Recommends") in _FALSE:
                continue
            if written_config(ctx, run.instruction, "install-recommends"):
                continue
            yield script.violation(
                "apt-get install also installs recommended packages; add --no-install-recommends",
                command,
                fix="apt-get install -y --no-install-recommends ...",
            )


@rule(
    code="IL6003",
    name="apt-lists-left-in-layer",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3009",),
)
def apt_lists_left_in_layer(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get update` in a RUN that does not remove `/var/lib/apt/lists`: the index ships.

    ## Why
    `apt-get update` downloads the package index (tens of MB) into `/var/lib/apt/lists`. Removing it
    in a later RUN does not help: the layer that wrote it is already in the image. Remove it at the
    end of the same RUN, or, with BuildKit, mount a cache on `/var/lib/apt` (which also makes
    rebuilds faster). Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \\
        --mount=type=cache,target=/var/cache/apt,sharing=locked \\
        apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc
    FROM gcr.io/distroless/base-debian12
    COPY --from=build /out /out
    ```

    ## Fix
    End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use
    `RUN --mount=type=cache,target=/var/lib/apt,sharing=locked`.
    """
    for run in runs(ctx, shipped_only=True):
        apt = [(s, c) for s, c in run.commands("apt-get", "apt") if subcommand(c) in ("update", "dist-clean", "distclean")]
        updates = [(s, c) for s, c in apt if subcommand(c) == "update"]
        if not updates or len(updates) != len(apt):  # `apt-get dist-clean` (apt >= 2.7) removes the lists
            continue
        if run.keeps_out("/var/lib/apt/lists"):
            continue
        script, command = updates[0]
        yield script.violation(
            f"{command.name} update leaves the package lists in this layer; end the RUN with "
            "'rm -rf /var/lib/apt/lists/*' or use RUN --mount=type=cache,target=/var/lib/apt",
            command,
        )


_APT_CACHE_VERBS = frozenset({"search", "show", "policy", "showsrc", "depends", "rdepends"})


@rule(
    code="IL6004",
    name="apt-instead-of-apt-get",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3027",),
    checkov=("CKV_DOCKER_9",),
)
def apt_instead_of_apt_get(ctx: LintContext) -> Iterator[Violation]:
    """`apt` in a RUN: its command line is for people, not scripts.

    ## Why
    `apt` warns "apt does not have a stable CLI interface. Use with caution in scripts": its
    output, prompts and defaults may change between releases (it also shows progress bars that
    clutter build logs). `apt-get` and `apt-cache` are the stable interfaces for scripts.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt update && apt install -y curl
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-cache policy curl
    ```

    ## Fix
    Use `apt-get` (or `apt-cache` for search/show/policy) with the same arguments.
    """
    for run in runs(ctx):
        for script, command in run.commands("apt"):
            if not command.args:
                continue
            verb = subcommand(command) or ""
            tool = "apt-cache" if verb in _APT_CACHE_VERBS else "apt-get"
            yield script.violation(
                f"'apt {verb}' uses apt's interactive interface, which is not stable in scripts; use {tool} {verb}".rstrip(),
                command,
                fix=f"{tool} {verb}".rstrip(),
            )


# Subcommands that upgrade every installed package (with no package named).
_FULL_UPGRADES = {
    "apt-get": {"upgrade", "dist-upgrade", "full-upgrade"},
    "apt": {"upgrade", "dist-upgrade", "full-upgrade"},
    "apk": {"upgrade"},
    "yum": {"update", "upgrade", "distro-sync", "upgrade-minimal", "update-minimal"},
    "dnf": {"update", "upgrade", "distro-sync", "upgrade-minimal", "update-minimal"},
    "microdnf": {"update", "upgrade", "distro-sync"},
    "tdnf": {"update", "upgrade", "distro-sync"},
    "zypper": {"update", "up", "dist-upgrade", "dup", "patch"},
}


@rule(
    code="IL6005",
    name="upgrade-all-packages",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3035",),
)
def upgrade_all_packages(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get upgrade`, `apk upgrade`, `yum update`: upgrading the whole base image in a layer.

    ## Why
    Every upgraded package is written again into a new layer while the old files stay in the base
    layers, so the image grows by the size of everything upgraded, and the result depends on the
    day of the build. The usual reason, security fixes, is better served by a fresh base image:
    official images are rebuilt when their distribution publishes fixes, so bump the tag (or the
    digest) and rebuild with `--pull`. hadolint dropped its rule for this (DL3005) because the
    security argument is real; this is therefore informational. Upgrading named packages is not
    reported, and neither is a builder stage.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf -y upgrade && dnf clean all
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --only-upgrade openssl && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache --upgrade busybox
    ```
    ```dockerfile
    FROM fedora:43
    RUN dnf -y update openssl && dnf clean all
    ```

    ## Fix
    Rebuild on an up-to-date base image (`docker build --pull`, a newer tag or digest) instead;
    if one package needs a fix now, upgrade only that package.
    """
    for run in runs(ctx, shipped_only=True):
        for script, command in run.commands(*_FULL_UPGRADES):
            verb = subcommand(command)
            if verb not in _FULL_UPGRADES[command.name]:
                continue
            if len(command.positionals()) > 1:
                continue  # `dnf update openssl`, `apt-get upgrade libssl3`: named packages
            yield script.violation(
                f"'{command.name} {verb}' rewrites every upgraded package of the base image into this layer; "
                "rebuild on a fresh base image (--pull, newer tag) instead",
                command,
            )


@rule(
    code="IL6006",
    name="apk-add-without-no-cache",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3019",),
)
def apk_add_without_no_cache(ctx: LintContext) -> Iterator[Violation]:
    """`apk add` without `--no-cache` (or `apk update`) leaves the package index in the layer.

    ## Why
    apk stores the downloaded APKINDEX files in `/var/cache/apk`. `apk add --no-cache` fetches a
    fresh index and keeps nothing, so neither `apk update` nor a cleanup is needed. A BuildKit
    cache mount on `/var/cache/apk` (or `/etc/apk/cache`) or removing `/var/cache/apk/*` in the
    same RUN also keeps the layer clean. Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    RUN apk add curl
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk update && apk add --no-cache curl
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache curl
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk update && apk add curl && rm -rf /var/cache/apk/*
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.22
    RUN --mount=type=cache,target=/var/cache/apk apk add curl
    ```
    ```dockerfile
    FROM alpine:3.22 AS build
    RUN apk add build-base
    FROM alpine:3.22
    COPY --from=build /usr/local/bin/app /usr/local/bin/app
    ```

    ## Fix
    Use `apk add --no-cache` and drop `apk update`; or mount a cache:
    `RUN --mount=type=cache,target=/var/cache/apk apk add ...`.
    """
    for run in runs(ctx, shipped_only=True):
        if run.keeps_out("/var/cache/apk") or run.keeps_out("/etc/apk/cache"):
            continue
        for script, command in run.commands("apk"):
            verb = subcommand(command)
            if verb not in ("add", "update", "upgrade") or command.has_option("--no-cache", "--no-network"):
                continue
            if verb == "update":
                message = "apk update stores the package index in /var/cache/apk in this layer; drop it and use apk add --no-cache"
            else:
                message = (
                    f"apk {verb} without --no-cache leaves the package index in /var/cache/apk; add --no-cache "
                    "(or RUN --mount=type=cache,target=/var/cache/apk)"
                )
            yield script.violation(message, command, fix=f"apk {verb} --no-cache ..." if verb != "update" else None)
            break


_PIP_VALUE_OPTIONS = KNOWN_VALUE_OPTIONS["pip"] | frozenset(
    "--global-option --install-option --build-option --log-file --exists-action --python --use-feature "
    "--use-deprecated --keyring-provider --group --root-user-action -b --build --config-setting".split()
)


def _pip_cache_dir(run: Run, pip: Command, command: Command) -> str:
    given = pip.option_value("--cache-dir", value_options=_PIP_VALUE_OPTIONS)
    if given:
        return given
    configured = run.env("PIP_CACHE_DIR", command)
    if configured:
        return configured
    xdg = run.env("XDG_CACHE_HOME", command)
    return f"{xdg}/pip" if xdg else "~/.cache/pip"


def _pip_cache_disabled(ctx: LintContext, run: Run, command: Command) -> bool:
    """``PIP_NO_CACHE_DIR`` set to any value pip accepts, or ``no-cache-dir`` in pip's config.

    pip reads the variable through the ``--no-cache-dir`` option's callback, which disables the
    cache for every valid boolean, false ones included (``PIP_NO_CACHE_DIR=0`` or ``=false`` turn
    the cache *off*, kept for backwards compatibility), and errors out on anything else.
    """
    value = run.env("PIP_NO_CACHE_DIR", command)
    if value is not None and value.strip():
        return True
    return written_config(ctx, run.instruction, "no-cache-dir")


@rule(
    code="IL6007",
    name="pip-install-without-no-cache-dir",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3042",),
)
def pip_install_without_no_cache_dir(ctx: LintContext) -> Iterator[Violation]:
    """`pip install` without `--no-cache-dir`: downloaded wheels stay in `~/.cache/pip`.

    ## Why
    pip keeps every wheel it downloads or builds in its cache. In an image that is pure waste,
    often hundreds of MB for scientific packages. Any of these keeps it out: `--no-cache-dir`,
    `ENV PIP_NO_CACHE_DIR=1` (pip treats *any* valid boolean there as "no cache", even `0`), a
    BuildKit cache mount on `/root/.cache/pip` (which also speeds up rebuilds), or removing the
    cache in the same RUN. Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13-slim
    COPY requirements.txt .
    RUN python -m pip install -r requirements.txt
    ```

    ## Good
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13-slim
    ENV PIP_NO_CACHE_DIR=1
    RUN pip install flask==3.0.3
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM python:3.13-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install flask==3.0.3 && rm -rf /root/.cache/pip
    ```
    ```dockerfile
    FROM python:3.13 AS build
    RUN pip wheel --wheel-dir /wheels flask==3.0.3 && pip install flask==3.0.3
    FROM python:3.13-slim
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir --no-index /wheels/*
    ```

    ## Fix
    Add `--no-cache-dir`, or with BuildKit use
    `RUN --mount=type=cache,target=/root/.cache/pip pip install ...`.
    """
    for run in runs(ctx, shipped_only=True):
        if not run.pip_commands:
            continue
        purged = any(subcommand(pip, _PIP_VALUE_OPTIONS) == "cache" for _, _, pip in run.pip_commands)
        for script, command, pip in run.pip_commands:
            if subcommand(pip, _PIP_VALUE_OPTIONS) != "install":
                continue
            if pip.has_option("--no-cache-dir", value_options=_PIP_VALUE_OPTIONS) or purged:
                continue
            if _pip_cache_disabled(ctx, run, command) or run.keeps_out(_pip_cache_dir(run, pip, command)):
                continue
            yield script.violation(
                "pip install keeps downloaded packages in ~/.cache/pip in this layer; add --no-cache-dir "
                "(or RUN --mount=type=cache,target=/root/.cache/pip)",
                command,
                fix="pip install --no-cache-dir ...",
            )


# --- Node.js package managers ---------------------------------------------------------------------

# npm accepts abbreviations and misspellings of install (`npm isntall` works).
_NPM_INSTALLS = frozenset(
    "install i in ins inst insta instal isnt isnta isntal isntall add ci clean-install ic install-clean "
    "isntall-clean update up upgrade install-ci-test cit it install-test".split()
)
_YARN_INSTALLS = frozenset({"install", "add"})
_PNPM_INSTALLS = frozenset({"install", "i", "add", "update", "up", "upgrade", "fetch"})


def _node_installs(run: Run) -> dict[str, tuple[RunScript, Command]]:
    """First installing command per tool (npm, yarn, pnpm) in a RUN."""
    found: dict[str, tuple[RunScript, Command]] = {}
    for script, command in run.commands("npm", "yarn", "pnpm"):
        verb = subcommand(command)
        installs = (
            (command.name == "npm" and verb in _NPM_INSTALLS)
            or (command.name == "yarn" and verb in _YARN_INSTALLS)
            or (command.name == "yarn" and verb == "global" and command.positionals()[1:2] == ["add"])
            # bare `yarn` installs, but `yarn --version` does not
            or (command.name == "yarn" and verb is None and not command.has_option("-v", "--version", "-h", "--help"))
            or (command.name == "pnpm" and verb in _PNPM_INSTALLS)
        )
        if installs and command.name not in found:
            found[command.name] = (script, command)
    return found


def _node_cache_kept_out(run: Run, tool: str, command: Command) -> bool:
    for _, other in run.commands(tool):
        args = [a.lower() for a in other.positionals()]
        if tool in ("npm", "yarn") and args[:2] == ["cache", "clean"]:
            return True
        if tool == "pnpm" and args[:2] == ["store", "prune"]:
            return True
    # A cache mount for the tool: any target that names it (/root/.npm, /usr/local/share/.cache/yarn).
    if any(tool in target for target in run.mount_targets):
        return True
    # `rm -rf "$(yarn cache dir)"`, `rm -rf "$(npm config get cache)"`
    if any(f"{tool} cache dir" in path or f"{tool} config get cache" in path for path in run.removed_paths):
        return True
    if tool == "npm":
        directory = command.option_value("--cache") or run.env("npm_config_cache", command) or run.env("NPM_CONFIG_CACHE", command)
        return run.keeps_out(directory or "~/.npm")
    if tool == "yarn":
        directory = command.option_value("--cache-folder") or run.env("YARN_CACHE_FOLDER", command)
        if directory:
            return run.keeps_out(directory)
        return run.keeps_out("~/.cache/yarn", "/usr/local/share/.cache/yarn", "~/.yarn/berry/cache")
    home = run.env("PNPM_HOME", command)
    directory = command.option_value("--store-dir") or run.env("npm_config_store_dir", command)
    return run.keeps_out(directory or (f"{home}/store" if home else "~/.local/share/pnpm/store"))


_NODE_CLEANUP = {"npm": "npm cache clean --force", "yarn": "yarn cache clean", "pnpm": "pnpm store prune"}
_NODE_CACHE = {"npm": "/root/.npm", "yarn": "/usr/local/share/.cache/yarn", "pnpm": "/root/.local/share/pnpm/store"}


@rule(
    code="IL6008",
    name="node-package-cache-left",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3060",),
)
def node_package_cache_left(ctx: LintContext) -> Iterator[Violation]:
    """`npm install`, `yarn install` or `pnpm install` leaves its download cache in the layer.

    ## Why
    npm keeps a copy of every tarball in `~/.npm`, yarn in `/usr/local/share/.cache/yarn` (as
    root), pnpm in its store. The installed `node_modules` does not need them, so they double the
    size of the dependencies in the image. Clean the cache in the same RUN, or with BuildKit mount
    a cache there, which also makes rebuilds fast. Only stages whose layers ship are checked: the
    usual build stage that runs `npm ci && npm run build` is fine.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY package.json yarn.lock ./
    RUN yarn install --frozen-lockfile --production
    ```
    ```dockerfile
    FROM node:22-slim
    COPY package*.json ./
    RUN npm ci --omit=dev
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY package.json yarn.lock ./
    RUN yarn install --frozen-lockfile --production && yarn cache clean
    ```
    ```dockerfile
    FROM node:22-slim
    COPY package*.json ./
    RUN npm ci --omit=dev && npm cache clean --force
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM node:22-slim
    COPY package*.json ./
    RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
    ```
    ```dockerfile
    FROM node:22 AS build
    COPY . .
    RUN npm ci && npm run build
    FROM nginx:1.27-alpine
    COPY --from=build /dist /usr/share/nginx/html
    ```

    ## Fix
    Append `&& npm cache clean --force` (`yarn cache clean`, `pnpm store prune`), or use
    `RUN --mount=type=cache,target=/root/.npm` (yarn: `/usr/local/share/.cache/yarn`).
    """
    for run in runs(ctx, shipped_only=True):
        for tool, (script, command) in _node_installs(run).items():
            if _node_cache_kept_out(run, tool, command):
                continue
            verb = " ".join(command.positionals()[:2]) if subcommand(command) == "global" else subcommand(command) or "install"
            yield script.violation(
                f"{tool} {verb} leaves its package cache in this layer; add "
                f"'&& {_NODE_CLEANUP[tool]}' (or RUN --mount=type=cache,target={_NODE_CACHE[tool]})",
                command,
            )


# --- RPM-family package managers ------------------------------------------------------------------

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
def rpm_install_without_yes(ctx: LintContext) -> Iterator[Violation]:
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
                if any(v.startswith("assumeyes=") and v.split("=", 1)[1] in _TRUE for v in setopts):
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
def rpm_cache_left(ctx: LintContext) -> Iterator[Violation]:
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


# --- version pinning ----------------------------------------------------------------------------


def _first_word(command: Command, value: str) -> int:
    """Index of the word holding ``value`` (for the finding's column); 0 when not found."""
    return next((i for i, w in enumerate(command.words) if i > 0 and w.value == value), 0)


def _pin_violation(script: RunScript, command: Command, tool: str, unpinned: list[str], example: str) -> Violation:
    return script.violation(
        f"{tool} installs {shorten(unpinned)} without a version; pin {'it' if len(unpinned) == 1 else 'them'} "
        f"({example}) for reproducible builds",
        command,
        word=_first_word(command, unpinned[0]),
    )


def _is_local_or_variable(package: str) -> bool:
    return "$" in package or "/" in package or package.startswith(".") or "://" in package


@rule(code="IL6011", name="unpinned-apt-package", family="package-hygiene", severity="info", hadolint=("DL3008",))
def unpinned_apt_package(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get install` of packages without `=version`.

    ## Why
    An unpinned package is whatever the archive serves today, so two builds of one commit can
    differ. Pinning (`curl=7.88.1-10+deb12u8`) makes changes visible in review. The trade-off is
    real: Debian removes superseded versions from its archive, so exact pins break builds until
    updated (Renovate can do that); this is informational. Versions given through a variable,
    local `.deb` files and `pkg/release` selections are not reported.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    ARG CURL_VERSION=7.88.1-10+deb12u8
    RUN apt-get update && apt-get install -y --no-install-recommends "curl=${CURL_VERSION}" ./vendor/tool.deb \\
     && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Add `=<version>` to each package (`apt-cache policy <pkg>` shows the candidate version).
    """
    for run in runs(ctx):
        for script, command in run.commands("apt-get", "apt"):
            if subcommand(command) != "install":
                continue
            packages = run.package_words(command, command.positionals()[1:])
            unpinned = [p for p in packages if "=" not in p and not _is_local_or_variable(p) and not p.endswith(".deb")]
            if unpinned:
                yield _pin_violation(script, command, command.name, unpinned, f"{unpinned[0]}=<version>")


@rule(code="IL6012", name="unpinned-apk-package", family="package-hygiene", severity="info", hadolint=("DL3018",))
def unpinned_apk_package(ctx: LintContext) -> Iterator[Violation]:
    """`apk add` of packages without a version constraint.

    ## Why
    Without a version, `apk add` installs whatever the branch has today. `pkg=1.2.3-r0` pins exactly;
    `pkg~1.2` allows patch updates. Alpine keeps only the newest version of each package per
    branch, so exact pins break when it moves on; this is informational. The name given to
    `--virtual`, local `.apk` files and variables are not reported.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache curl
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache curl~8.14
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache --virtual .build-deps gcc=14.2.0-r6 "musl-dev=${MUSL_VERSION}"
    ```

    ## Fix
    Add `=<version>` (exact) or `~<version>` (that release line) to each package.
    """
    for run in runs(ctx):
        for script, command in run.commands("apk"):
            if subcommand(command) != "add":
                continue
            packages = run.package_words(command, command.positionals()[1:])
            unpinned = [
                p for p in packages if not re.search(r"[=~<>]", p) and not _is_local_or_variable(p) and not p.endswith(".apk")
            ]
            if unpinned:
                yield _pin_violation(script, command, "apk add", unpinned, f"{unpinned[0]}=<version>")


_PIP_VERSIONED = re.compile(r"(===?|~=|!=|<=?|>=?|@)")
_PIP_VCS = ("git+", "hg+", "svn+", "bzr+")


def _pip_unpinned(run: Run, pip: Command) -> list[str]:
    if pip.has_option("-c", "--constraint", value_options=_PIP_VALUE_OPTIONS):
        return []
    unpinned = []
    for package in run.package_words(pip, pip.positionals(_PIP_VALUE_OPTIONS)[1:]):
        url = package.split(" @ ", 1)[-1].strip()
        if url.startswith(_PIP_VCS) and "$" not in url:
            # A VCS URL is pinned by a ref after the last path segment: repo.git@v1.2 (git@host is a user).
            if "@" not in url.split("#", 1)[0].rsplit("/", 1)[-1]:
                unpinned.append(package)
            continue
        if _PIP_VERSIONED.search(package) or _is_local_or_variable(package):
            continue
        if package.endswith((".whl", ".tar.gz", ".zip", ".tgz")):
            continue
        unpinned.append(package)
    return unpinned


@rule(code="IL6013", name="unpinned-pip-package", family="package-hygiene", severity="info", hadolint=("DL3013",))
def unpinned_pip_package(ctx: LintContext) -> Iterator[Violation]:
    """`pip install` of packages without a version specifier.

    ## Why
    `pip install flask` installs the newest Flask of the day, and its newest dependencies. A new
    major release can break the image without any change in the repository. Pin in the command
    (`flask==3.0.3`), or better, install from a requirements or lock file (`-r requirements.txt`,
    ideally with hashes) or under a constraints file (`-c`, `PIP_CONSTRAINT`). Local paths
    (`.`, `./pkg`, wheels), `-e .` and `-r` files are not packages from the index and are not
    reported.

    ## Bad
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir flask gunicorn
    ```

    ## Good
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir flask==3.0.3 "gunicorn>=22,<23"
    ```
    ```dockerfile
    FROM python:3.13-slim
    COPY . /src
    RUN pip install --no-cache-dir -r /src/requirements.txt && pip install --no-cache-dir --no-deps -e /src
    ```
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple -c constraints.txt flask
    ```

    ## Fix
    Add `==<version>` to each package, or install from a pinned requirements file.
    """
    for run in runs(ctx):
        if not run.pip_commands or run.env("PIP_CONSTRAINT"):
            continue
        for script, _, pip in run.pip_commands:
            if subcommand(pip, _PIP_VALUE_OPTIONS) != "install":
                continue
            unpinned = _pip_unpinned(run, pip)
            if unpinned:
                yield script.violation(
                    f"pip installs {shorten(unpinned)} without a version; pin {'it' if len(unpinned) == 1 else 'them'} "
                    f"({unpinned[0]}==<version>) or install from a pinned requirements file",
                    pip,
                    word=_first_word(pip, unpinned[0]),
                )


_NPM_MOVING_TAGS = frozenset({"latest", "next", "*", ""})


def _npm_name(spec: str) -> str:
    """``@scope/pkg@latest`` -> ``@scope/pkg``; ``pkg`` -> ``pkg``."""
    scope = "@" if spec.startswith("@") else ""
    return scope + spec[len(scope) :].partition("@")[0]


def _node_spec_unpinned(spec: str) -> bool:
    """``pkg`` and ``pkg@latest`` are unpinned; ``pkg@1.2``, ``@scope/pkg@^1``, paths and URLs are not."""
    name = _npm_name(spec)
    bare = name.split("/", 1)[1] if name.startswith("@") and "/" in name else name
    if _is_local_or_variable(bare) or spec.endswith((".tgz", ".tar.gz")) or ":" in spec:
        return False  # paths, variables, tarballs, file:/github:/npm: specs
    version = spec[len(name) :]
    return not version or version[1:].lower() in _NPM_MOVING_TAGS


@rule(code="IL6014", name="unpinned-npm-package", family="package-hygiene", severity="info", hadolint=("DL3016",))
def unpinned_npm_package(ctx: LintContext) -> Iterator[Violation]:
    """`npm install <pkg>` (or `yarn add`, `pnpm add`) without `@version`.

    ## Why
    A package named without a version, or as `@latest`, is whatever was published last. This
    matters most for global tools (`npm install -g typescript`), which no lock file covers.
    `npm install` / `npm ci` without package names install from the lock file and are fine, as are
    local paths, tarballs and git URLs.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    RUN npm install -g pm2 && npm cache clean --force
    ```
    ```dockerfile
    FROM node:22-slim
    RUN yarn global add typescript@latest && yarn cache clean
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    RUN npm install -g pm2@5.4.2 && npm cache clean --force
    ```
    ```dockerfile
    FROM node:22-slim
    COPY package*.json ./
    RUN npm ci --omit=dev && npm cache clean --force
    ```
    ```dockerfile
    FROM node:22-slim
    RUN npm install -g @angular/cli@18.2.1 ./local-plugin && npm cache clean --force
    ```

    ## Fix
    Add `@<version>` to each package (`npm view <pkg> version` shows the newest).
    """
    for run in runs(ctx):
        for script, command in run.commands("npm", "yarn", "pnpm"):
            positionals = command.positionals()
            verb = subcommand(command)
            if command.name == "npm" and verb in ("install", "i", "add", "in", "isntall"):
                packages = run.package_words(command, positionals[1:])
            elif command.name == "yarn" and verb == "add":
                packages = run.package_words(command, positionals[1:])
            elif command.name == "yarn" and verb == "global" and positionals[1:2] == ["add"]:
                packages = run.package_words(command, positionals[2:])
            elif command.name == "pnpm" and verb == "add":
                packages = run.package_words(command, positionals[1:])
            else:
                continue
            unpinned = [p for p in packages if _node_spec_unpinned(p)]
            if unpinned:
                yield _pin_violation(script, command, f"{command.name} {verb}", unpinned, f"{_npm_name(unpinned[0])}@<version>")


@rule(code="IL6015", name="unpinned-gem", family="package-hygiene", severity="info", hadolint=("DL3028",))
def unpinned_gem(ctx: LintContext) -> Iterator[Violation]:
    """`gem install` without a version.

    ## Why
    `gem install rails` installs the newest release of the day. Give `-v` (one gem) or
    `gem:version` (several); application gems belong in a Gemfile.lock with `bundle install`.

    ## Bad
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install bundler
    ```

    ## Good
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install bundler -v 2.5.22
    ```
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install bundler:2.5.22 rake:13.2.1
    ```
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install --file Gemfile
    ```

    ## Fix
    Add `-v <version>` or write `gem:<version>`.
    """
    for run in runs(ctx):
        for script, command in run.commands("gem"):
            if subcommand(command) != "install" or command.has_option("-v", "--version", "-g", "--file"):
                continue
            packages = run.package_words(command, command.positionals()[1:])
            unpinned = [p for p in packages if ":" not in p and not _is_local_or_variable(p) and not p.endswith(".gem")]
            if unpinned:
                yield _pin_violation(script, command, "gem install", unpinned, f"{unpinned[0]}:<version>")


# name-version[-release][.arch], e.g. nodejs-18.16.0-1.module_el8.x86_64; epoch allowed (pkg-2:1.0).
_RPM_NEVRA = re.compile(r"-(?:\d+:)?\d[\w.+~^]*(?:-[\w.+~^]*\d[\w.+~^]*)?(?:\.(?:noarch|x86_64|aarch64|i686|ppc64le|s390x))?$")


@rule(
    code="IL6016",
    name="unpinned-rpm-package",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3033", "DL3041", "DL3037"),
)
def unpinned_rpm_package(ctx: LintContext) -> Iterator[Violation]:
    """`yum`/`dnf`/`microdnf`/`zypper install` of packages without a version.

    ## Why
    As with apt and apk, an unpinned package is whatever the repositories serve today. Name the
    version: `httpd-2.4.57` for yum/dnf (name-version[-release]), `curl=8.6.0` or `curl>=8` for
    zypper. Local `.rpm` files, paths, URLs, groups (`@development`) and capabilities such as
    `perl(JSON)` are not reported; only `install` is checked (`update pkg` is meant to move).

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
        for script, command in run.commands("yum", "dnf", "microdnf", "tdnf", "zypper"):
            verb = subcommand(command)
            if verb not in ("install", "in") or (verb == "in" and command.name != "zypper"):
                continue
            if command.name == "zypper" and any(t not in ("package",) for t in command.option_values("-t", "--type")):
                continue
            unpinned = []
            for package in run.package_words(command, command.positionals()[1:]):
                if _is_local_or_variable(package) or package.endswith(".rpm") or package.startswith("@") or "(" in package:
                    continue
                if re.search(r"[=<>]", package) or (command.name != "zypper" and _RPM_NEVRA.search(package)):
                    continue
                unpinned.append(package)
            if unpinned:
                separator = "=" if command.name == "zypper" else "-"
                yield _pin_violation(script, command, f"{command.name} {verb}", unpinned, f"{unpinned[0]}{separator}<version>")


_GO_MOVING = frozenset({"latest", "master", "main", "head", "upgrade", "patch"})


@rule(code="IL6017", name="unpinned-go-install", family="package-hygiene", severity="info", hadolint=("DL3062",))
def unpinned_go_install(ctx: LintContext) -> Iterator[Violation]:
    """`go install pkg@latest` (or `@master`): a moving version.

    ## Why
    `@latest` and branch names resolve to whatever was pushed last, bypassing go.sum, and so does
    `go get pkg` without a version (it means `@upgrade`, or the default branch in GOPATH mode).
    Name a release (`@v1.2.3`) or a commit. `go install pkg` without `@` builds the version your
    `go.mod` requires (hadolint reports it anyway) and is fine; so is `go run pkg@v1.2.3`.

    ## Bad
    ```dockerfile
    FROM golang:1.25
    RUN go install golang.org/x/tools/gopls@latest
    ```
    ```dockerfile
    FROM golang:1.25
    RUN go get github.com/spf13/cobra
    ```

    ## Good
    ```dockerfile
    FROM golang:1.25
    RUN go install golang.org/x/tools/gopls@v0.16.1
    ```
    ```dockerfile
    FROM golang:1.25
    COPY . /src
    WORKDIR /src
    RUN go install ./cmd/... && go run github.com/google/wire/cmd/wire@v0.6.0
    ```
    ```dockerfile
    FROM golang:1.25
    COPY go.mod go.sum ./
    # the tool's version comes from go.mod
    RUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2
    ```

    ## Fix
    Replace `@latest` with a version tag such as `@v1.2.3`.
    """
    for run in runs(ctx):
        for script, command in run.commands("go"):
            verb = subcommand(command)
            if verb not in ("install", "run", "get"):
                continue
            for package in command.positionals()[1:]:
                if "$" in package or package.startswith((".", "/")) or package in ("all", "std", "cmd"):
                    continue
                path, at, version = package.rpartition("@")
                if at and version.lower() in _GO_MOVING:
                    message = f"go {verb} {package} uses the moving version '@{version}'; pin a release ({path}@v1.2.3)"
                elif not at and verb == "get" and "." in package.split("/", 1)[0]:
                    # `go get pkg` means pkg@upgrade (module mode) or the default branch (GOPATH mode).
                    message = f"go get {package} fetches whatever is newest; pin a release ({package}@v1.2.3)"
                else:
                    continue
                yield script.violation(message, command, word=_first_word(command, package))
                break


def _temporary_packages(run: Run) -> set[str]:
    """Packages a RUN installs and removes again (``apk add --virtual .deps curl ... apk del .deps``,
    or the docker-library ``apt-mark auto '.*' ... apt-get purge --auto-remove`` idiom)."""
    installed: set[str] = set()
    groups: dict[str, set[str]] = {}
    removed: set[str] = set()
    auto_purge = False
    for _, command in run.commands(*OS_PACKAGE_MANAGERS):
        names = set(run.package_words(command, command.positionals()[1:]))
        if os_package_family(command) is not None:
            installed |= names
            for group in command.option_values("-t", "--virtual"):
                groups.setdefault(group, set()).update(names)
        elif os_package_family(command, removing=True) is not None:
            removed |= names
            for group in names & set(groups):
                removed |= groups[group]
            if command.has_option("--auto-remove", "--autoremove") or subcommand(command) == "autoremove":
                auto_purge = True
    # `apt-mark auto '.*'` then `apt-get purge --auto-remove`: whatever this RUN installed is gone
    marks_all_auto = any(
        subcommand(c) == "auto" and any(a in ("'.*'", ".*") for a in c.args) for _, c in run.commands("apt-mark")
    )
    if auto_purge and marks_all_auto:
        removed |= installed
    return removed


@rule(code="IL6018", name="wget-and-curl", family="package-hygiene", severity="info", hadolint=("DL4001",))
def wget_and_curl(ctx: LintContext) -> Iterator[Violation]:
    """Both `wget` and `curl` are used in the image: one of them is enough.

    ## Why
    Each tool and its libraries add megabytes and their own CVEs. When the final image runs both
    (across the final stage and the stages it is built FROM), pick one. Builder stages are not
    checked: their tools do not ship.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends wget curl \\
     && rm -rf /var/lib/apt/lists/*
    RUN wget -q -O /tmp/a.tgz https://example.com/a.tgz
    RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    ```
    ```dockerfile
    FROM alpine:3.22 AS fetch
    RUN wget -q -O /tmp/a.tgz https://example.com/a.tgz
    FROM alpine:3.22
    COPY --from=fetch /tmp/a.tgz /tmp/
    RUN apk add --no-cache curl && curl -fsS https://example.com/health
    ```

    ## Fix
    Use one tool throughout (curl -fsSLo FILE URL is wget -qO FILE URL).
    """
    first: dict[str, tuple[RunScript, Command]] = {}
    for run in runs(ctx, shipped_only=True):
        if run.onbuild:
            continue
        temporary = None
        for script, command in run.commands("wget", "curl"):
            if command.name in first:
                continue
            if temporary is None:
                temporary = _temporary_packages(run)
            if command.name in temporary:
                continue  # installed for this RUN only: it does not ship
            first[command.name] = (script, command)
            if len(first) == 2:
                other = "curl" if command.name == "wget" else "wget"
                line = first[other][0].instruction.line
                yield script.violation(
                    f"{command.name} is used here and {other} at line {line}; use one of them in the image",
                    command,
                )
                return
