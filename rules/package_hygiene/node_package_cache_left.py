"""IL6008 node-package-cache-left."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.knowledge.package_managers import NODE_PACKAGE_MANAGERS, NPM, YARN, PackageManager, manager
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command


def _fills_cache(tool: PackageManager, command: Command, verb: str | None) -> bool:
    if verb in tool.cache_filling:
        return True
    if tool.global_subcommand is not None and verb == tool.global_subcommand:
        return command.positionals()[1:2] == ["add"]  # `yarn global add`
    # bare `yarn` installs, but `yarn --version` does not
    return verb is None and tool.bare_installs and not command.has_option("-v", "--version", "-h", "--help")


def _node_installs(run: Run) -> dict[str, tuple[RunScript, Command]]:
    """First installing command per tool (npm, yarn, pnpm) in a RUN."""
    found: dict[str, tuple[RunScript, Command]] = {}
    for script, command in run.commands(*NODE_PACKAGE_MANAGERS):
        if command.name not in found and _fills_cache(manager(command.name), command, subcommand(command)):
            found[command.name] = (script, command)
    return found


def _node_cache_kept_out(run: Run, name: str, command: Command) -> bool:
    tool = manager(name)
    cleanup = tool.cache_clean.split()[1:3]  # `npm cache clean --force` -> cache clean
    for _, other in run.commands(name):
        args = [a.lower() for a in other.positionals()]
        if args[:2] == cleanup:
            return True
    # A cache mount for the tool: any target that names it (/root/.npm, /usr/local/share/.cache/yarn).
    if any(name in target for target in run.mount_targets):
        return True
    # `rm -rf "$(yarn cache dir)"`, `rm -rf "$(npm config get cache)"`
    if any(f"{name} cache dir" in path or f"{name} config get cache" in path for path in run.removed_paths):
        return True
    if tool is NPM:
        directory = command.option_value("--cache") or run.env("npm_config_cache", command) or run.env("NPM_CONFIG_CACHE", command)
        return run.keeps_out(directory or tool.cache_dirs[0])
    if tool is YARN:
        directory = command.option_value("--cache-folder") or run.env("YARN_CACHE_FOLDER", command)
        if directory:
            return run.keeps_out(directory)
        return run.keeps_out(*tool.cache_dirs, "~/.yarn/berry/cache")
    home = run.env("PNPM_HOME", command)
    directory = command.option_value("--store-dir") or run.env("npm_config_store_dir", command)
    return run.keeps_out(directory or (f"{home}/store" if home else tool.cache_dirs[0]))


@rule(
    code="IL6008",
    name="node-package-cache-left",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3060",),
)
def node_package_cache_left(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
            cache = manager(tool)
            verb = " ".join(command.positionals()[:2]) if subcommand(command) == "global" else subcommand(command) or "install"
            yield script.violation(
                f"{tool} {verb} leaves its package cache in this layer; add "
                f"'&& {cache.cache_clean}' (or RUN --mount=type=cache,target={cache.cache_dirs[0]})",
                command,
            )
