"""IL6008 node-package-cache-left."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.fixes import Fix
from imagelint.knowledge.base_images import hub_name
from imagelint.knowledge.package_managers import NODE_PACKAGE_MANAGERS, NPM, YARN, PackageManager, manager
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.knowledge.stages import root_image
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import LaterRuns, append_to_run
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


# --- the fix ----------------------------------------------------------------------------------

# Settings that move a tool's cache for one command only: the cleanup appended after it would
# empty the default cache instead (an ENV or an earlier `export` applies to the cleanup too).
_CACHE_SETTINGS = {
    NPM.name: (("--cache",), ("npm_config_cache", "NPM_CONFIG_CACHE", "HOME")),
    YARN.name: (("--cache-folder",), ("YARN_CACHE_FOLDER", "HOME", "XDG_CACHE_HOME")),
}
# What says a project may use Yarn 2 or later, where `yarn cache clean` can delete the packages
# Plug'n'Play loads at run time. Searched in the Dockerfile, lower-cased.
_BERRY_SIGNS = ("corepack", "yarnrc", "yarnpath", "yarn set version", "berry", "--immutable", "node_linker", "nodelinker")
_YARN_FILES = (".yarnrc.yml", ".yarnrc", ".yarn", ".pnp.cjs")


def _brings_yarn_settings(source: str) -> bool:
    """Whether a COPY/ADD source may bring a project's Yarn settings: a directory, a glob that
    matches them, or one of them by name."""
    path = source.strip().rstrip("/") or "/"
    name = posixpath.basename(path)
    if path in (".", "..", "/") or source.endswith("/") or name in ("", ".", "..") or source.startswith("<<"):
        return True
    if any(fnmatch.fnmatchcase(f, name) for f in _YARN_FILES):
        return True
    return "." not in name.lstrip(".")  # no extension: likely a directory (`COPY app /srv/app`)


def _yarn_may_be_berry(ctx: LintContext, run: Run) -> bool:
    """Unless the image is the official node image (whose `yarn` is Yarn 1), the Dockerfile shows no
    sign of Yarn 2+ and nothing copied before the RUN may bring a `.yarnrc.yml`, Yarn 2+ may run."""
    stage = ctx.stage_of(run.instruction)
    chain = ctx.lineage(stage) if stage is not None else []
    base = root_image(chain)
    if base is None or hub_name(base) != "node":
        return True
    if any(sign in ctx.dockerfile.text.lower() for sign in _BERRY_SIGNS):
        return True
    for link in chain:
        for instruction in link.instructions:
            if instruction.keyword not in ("COPY", "ADD") or instruction.index >= run.instruction.index:
                continue
            if instruction.heredocs or any(_brings_yarn_settings(s) for s in instruction.words()[:-1]):
                return True
    return False


def _offline_later(ctx: LintContext, run: Run, tool: str) -> bool:
    """Whether a later RUN of this stage (or one built FROM it) installs with ``--offline``, from
    the cache the fix empties."""
    by_tool = ctx.fact(_offline_installs)
    if tool not in by_tool:
        by_tool[tool] = LaterRuns(ctx, lambda other: any(c.has_option("--offline") for _, c in other.commands(tool)))
    return by_tool[tool].after(run)


def _offline_installs(ctx: LintContext) -> dict[str, LaterRuns]:
    """Package manager -> the RUNs where it installs with ``--offline`` (filled as tools are asked about)."""
    return {}


def _clean_fix(ctx: LintContext, run: Run, script: RunScript, command: Command, tool: PackageManager) -> Fix | None:
    """`` && npm cache clean --force`` (``yarn cache clean``) at the end of the RUN. pnpm's
    ``store prune`` keeps what the project uses, so it gets no fix."""
    if tool.name not in _CACHE_SETTINGS or tool.cache_clean is None:
        return None
    options, variables = _CACHE_SETTINGS[tool.name]
    # The cleanup runs `npm` from PATH in the RUN's own shell: not a path, not a child shell's PATH.
    if command.words[0].value != tool.name or command.subshell or command.has_option(*options):
        return None
    if any(key in variables for key, _ in command.assignments):
        return None
    edit = append_to_run(ctx, run, script, command, tool.cache_clean)
    if edit is None:
        return None
    unsafe = _offline_later(ctx, run, tool.name) or (tool is YARN and _yarn_may_be_berry(ctx, run))
    return Fix(f"end the RUN with {tool.cache_clean}", "unsafe" if unsafe else "safe", (edit,))


@rule(
    code="IL6008",
    name="node-package-cache-left",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3060",),
    fixes=("safe", "unsafe"),
    instructions=("RUN",),
    mentions=tuple(sorted(NODE_PACKAGE_MANAGERS)),
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
    `imagelint fix` appends `&& npm cache clean --force` or `&& yarn cache clean` to the RUN, in
    its own continuation style, or as the last line of a heredoc script. It only shows the
    advice for pnpm, and when the cleanup would not clean that cache: the install moves it
    (`--cache`, `YARN_CACHE_FOLDER=... yarn`), runs as another user (`su node -c`, `gosu`), in a
    child shell (`(cd app && npm ci)`) or by path, or the cleanup would not run last (an ONBUILD
    trigger, a trailing `;`, `&` or comment).

    ## Fix safety
    Unsafe for yarn unless the image is the official node image (whose `yarn` is Yarn 1) and
    nothing in the Dockerfile points to Yarn 2 or later (corepack, `.yarnrc.yml`, `--immutable`,
    or a COPY of a whole directory, which may bring a `.yarnrc.yml`): with Yarn 2+ and
    Plug'n'Play the cache holds the packages the application loads at run time. Unsafe for
    both when a later RUN installs `--offline` from the cache. Otherwise safe: the installed
    `node_modules` do not need the cache.
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
                fix=_clean_fix(ctx, run, script, command, cache),
            )
