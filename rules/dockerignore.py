"""Rules about the build context: what `docker build` sends and what COPY takes from it."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Violation, rule


def whole_context_copies(ctx: LintContext) -> Iterator[Instruction]:
    """COPY/ADD instructions that take the whole build context (``COPY . .``, ``ADD . /app``)."""
    for instruction in ctx.of("COPY", "ADD"):
        if instruction.flag("from") is not None or instruction.heredocs:
            continue
        sources = instruction.words()[:-1]
        if any(source.rstrip("/") in (".", "./", "") or source == "./" for source in sources):
            yield instruction


@rule(code="IL3001", name="copy-context-without-dockerignore", family="dockerignore", severity="warning", needs_context=True)
def copy_context_without_dockerignore(ctx: LintContext) -> Iterator[Violation]:
    """`COPY .` with no `.dockerignore`: `.git`, local builds and secrets go into the image.

    ## Why
    Without a `.dockerignore`, `docker build` sends everything in the folder to the builder, and
    `COPY . .` puts it in a layer: the `.git` history, `node_modules`, virtualenvs, `.env` files
    with credentials. The image grows, every edit anywhere busts the cache, and secrets ship.

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

    ## Fix
    Add a `.dockerignore` beside the Dockerfile (or in the build context) listing at least `.git`,
    dependency folders, build outputs and secret files.
    """
    build_context = ctx.build_context
    if build_context is None or build_context.dockerignore_path is not None:
        return
    for instruction in whole_context_copies(ctx):
        yield Violation(
            f"{instruction.keyword} copies the whole build context but there is no .dockerignore in "
            f"{build_context.root}; add one that excludes .git, dependency folders and secrets",
            instruction,
        )
        return
