"""IL3003 copy-context-includes-dev-folders."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.knowledge.context_files import DevFolder
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.dockerignore.shared import list_names, scan_context
from imagelint.units import format_size

_SIZE_LIMIT = 20_000  # files counted when sizing one folder


@rule(
    code="IL3003",
    name="copy-context-includes-dev-folders",
    family="dockerignore",
    severity="warning",
    needs_context=True,
    instructions=("COPY", "ADD"),
)
def copy_context_includes_dev_folders(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A directory COPY takes `.git`, `node_modules`, a virtualenv or build output from the context.

    ## Why
    These folders are large, specific to your machine and rebuilt inside the image anyway:
    `node_modules` built on macOS breaks native modules on Linux and overwrites the ones
    `npm ci` just installed; `.git` changes with every commit, so `COPY . .` is never cached; a
    virtualenv holds absolute paths to your laptop. Build outputs (`target/` beside `Cargo.toml`
    or `pom.xml`, `bin/`/`obj/` beside a `.csproj`, `.next`) are reported too. Editor folders
    and Python caches are mentioned only alongside these, or when they pass 1 MiB. Folders you
    COPY by name (`COPY node_modules ...`) are deliberate and not reported.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci
    COPY . .
    ```
    ```context
    package.json = {}
    node_modules/left-pad/index.js = module.exports = 1
    .dockerignore = .env
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci
    COPY . .
    ```
    ```context
    package.json = {}
    node_modules/left-pad/index.js = module.exports = 1
    .dockerignore = node_modules\\n.git
    ```

    ## Fix
    List the folders in `.dockerignore` (`.git`, `node_modules`, `.venv`, `target`, `**/__pycache__`).
    """
    build_context = ctx.build_context
    if build_context is None:
        return
    found: dict[Instruction, list[DevFolder]] = {}
    for instruction, folder in ctx.fact(scan_context).folders.values():
        found.setdefault(instruction, []).append(folder)
    for instruction, folders in found.items():
        sized = [(folder, *build_context.measure(folder.path, _SIZE_LIMIT)) for folder in folders]
        minor_bytes = sum(size for folder, size, _ in sized if not folder.major)
        if not any(folder.major for folder in folders) and minor_bytes < 1024 * 1024:
            continue
        sized.sort(key=lambda item: (not item[0].major, -item[1]))
        listed = [f"{folder.path} ({folder.kind}, {'' if complete else 'over '}{format_size(size)})" for folder, size, complete in sized]
        yield Violation(
            f"{instruction.keyword} copies development folders from the build context into the image: "
            f"{list_names(listed)}; add them to .dockerignore",
            instruction,
        )
