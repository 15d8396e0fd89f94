"""IL6014 unpinned-npm-package."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import NODE_PACKAGE_MANAGERS, NPM, manager
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import is_local_or_variable, pin_violation

_NPM_MOVING_TAGS = frozenset({"latest", "next", "*", ""})


# npm's spellings of install that add a package (yarn and pnpm only `add`).
_NPM_ADDS = frozenset({"install", "i", "add", "in", "isntall"})


def _npm_name(spec: str) -> str:
    """``@scope/pkg@latest`` -> ``@scope/pkg``; ``pkg`` -> ``pkg``."""
    scope = "@" if spec.startswith("@") else ""
    return scope + spec[len(scope) :].partition("@")[0]


def _node_spec_unpinned(spec: str) -> bool:
    """``pkg`` and ``pkg@latest`` are unpinned; ``pkg@1.2``, ``@scope/pkg@^1``, paths and URLs are not."""
    name = _npm_name(spec)
    bare = name.split("/", 1)[1] if name.startswith("@") and "/" in name else name
    if is_local_or_variable(bare) or spec.endswith((".tgz", ".tar.gz")) or ":" in spec:
        return False  # paths, variables, tarballs, file:/github:/npm: specs
    version = spec[len(name) :]
    return not version or version[1:].lower() in _NPM_MOVING_TAGS


@rule(
    code="IL6014",
    name="unpinned-npm-package",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3016",),
    instructions=("RUN",),
    mentions=tuple(sorted(NODE_PACKAGE_MANAGERS)),
)
def unpinned_npm_package(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
        for script, command in run.commands(*NODE_PACKAGE_MANAGERS):
            positionals = command.positionals()
            verb = subcommand(command)
            tool = manager(command.name)
            if tool.global_subcommand is not None and verb == tool.global_subcommand and positionals[1:2] == ["add"]:
                packages = run.package_words(command, positionals[2:])  # `yarn global add`
            elif verb in (_NPM_ADDS if tool is NPM else ("add",)):
                packages = run.package_words(command, positionals[1:])
            else:
                continue
            unpinned = [p for p in packages if _node_spec_unpinned(p)]
            if unpinned:
                yield pin_violation(script, command, f"{command.name} {verb}", unpinned, f"{_npm_name(unpinned[0])}{tool.pin_separator}<version>")
