"""IL3001 copy-context-without-dockerignore."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from imagelint.context import LintContext
from imagelint.knowledge.context_sources import whole_context_copies
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL3001",
    name="copy-context-without-dockerignore",
    family="dockerignore",
    severity="warning",
    needs_context=True,
    instructions=("COPY", "ADD"),
)
def copy_context_without_dockerignore(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`COPY .` with no `.dockerignore`: `.git`, local builds and secrets go into the image.

    ## Why
    Without a `.dockerignore`, `COPY . .` puts everything in the folder into a layer: the `.git`
    history, `node_modules`, virtualenvs, `.env` files with credentials. The image grows, every
    commit or local edit anywhere busts the cache, and secrets ship. When the Dockerfile's own
    folder is the context by default (no `--context`) and a parent folder has a `.dockerignore`,
    the file is probably built from that parent, so nothing is reported.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    package.json = {}
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    package.json = {}
    .dockerignore = node_modules\\n.git\\n.env
    ```
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json server.js ./
    ```
    ```context
    package.json = {}
    server.js = console.log(1)
    ```

    ## Fix
    Add a `.dockerignore` beside the Dockerfile (or at the root of the build context) listing at
    least `.git`, dependency folders, build outputs and secret files.
    """
    build_context = ctx.build_context
    # The first whole-context COPY is found before the file system is asked (stat calls cost more).
    instruction = next(whole_context_copies(ctx), None) if build_context is not None else None
    if instruction is None or build_context.dockerignore_path is not None:
        return
    if not ctx.context_explicit and _parent_has_dockerignore(build_context.root):
        return
    yield Violation(
        f"{instruction.keyword} copies the whole build context but there is no .dockerignore in "
        f"{build_context.root}; add one that excludes .git, dependency folders and secrets",
        instruction,
    )


def _parent_has_dockerignore(root: Path) -> bool:
    """A .dockerignore in a parent folder, up to the repository root: the real build context."""
    return _folder_has_parent_dockerignore(root.resolve())


@lru_cache(maxsize=1024)
def _folder_has_parent_dockerignore(folder: Path) -> bool:
    for parent in list(folder.parents)[:8]:
        if (parent / ".dockerignore").is_file():
            return True
        if (parent / ".git").exists():
            return False
    return False
