"""IL3005 copy-source-missing-from-context."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator

from imagelint.buildcontext import BuildContext
from imagelint.context import LintContext
from imagelint.knowledge.context_sources import Source, context_copies
from imagelint.rule import Rule, Violation, rule

# Folders that hold what a build step creates before `docker build` runs (CI: `mvn package`, then
# `docker build`): a source below them missing today is not a mistake.
_GENERATED_DIRS = frozenset(
    {"target", "build", "dist", "out", "bin", "obj", "publish", "release", "releases", "artifacts",
     "_build", ".build", "output", "node_modules", "vendor", "tmp", "generated"}
)  # fmt: skip


@rule(
    code="IL3005",
    name="copy-source-missing-from-context",
    family="dockerignore",
    severity="warning",
    needs_context=True,
    instructions=("COPY", "ADD"),
)
def copy_source_missing_from_context(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """COPY/ADD names a path that does not exist in the build context: the build fails.

    ## Why
    `docker build` stops with "failed to compute cache key: ... not found" on a source that is
    not in the context, after possibly minutes of earlier steps. It is judged only when the
    context is certain: given with `--context`, or the Dockerfile's folder when most of the
    file's other sources do exist there (a Dockerfile in `docker/` built as
    `docker build -f docker/Dockerfile .` is not judged against `docker/`). Wildcards (BuildKit
    accepts one that matches nothing), variables without a value, `--from`, heredocs, URLs and
    paths under folders that a build step creates before `docker build` (`target/`, `dist/`,
    `build/`, `bin/`...) are not checked.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    COPY app.py config.yml ./
    ```
    ```context
    requirements.txt = flask
    app.py = print(1)
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    COPY app.py config.yml ./
    ```
    ```context
    requirements.txt = flask
    app.py = print(1)
    config.yml = debug: false
    ```
    ```dockerfile
    FROM eclipse-temurin:21-jre
    COPY requirements.txt /app/
    COPY target/app.jar /app/app.jar
    COPY settings*.yml /app/
    ```
    ```context
    requirements.txt = x
    ```

    ## Fix
    Fix the path (it is relative to the build context, not to the Dockerfile), or build from the
    folder that holds it.
    """
    build_context = ctx.build_context
    if build_context is None or ctx.dockerfile.escape == "`":
        return
    own = {ctx.dockerfile_path.name} if ctx.dockerfile_path is not None else set()
    candidates: list[Source] = []
    present = 0
    for _, sources in context_copies(ctx):
        for source in sources:
            if source.is_whole_context or source.is_glob or "\\" in source.path:
                continue
            if build_context.exists(source.path):
                if source.path not in own and source.path != ".dockerignore":
                    present += 1
            elif not build_context.is_ignored(source.path):  # ignored ones: IL3004
                candidates.append(source)
    if not candidates or not (ctx.context_explicit or (present >= 1 and present >= len(candidates))):
        return
    for source in candidates:
        if source.path.split("/", 1)[0].lower() in _GENERATED_DIRS:
            continue
        hint = _close_name(build_context, source.path)
        yield Violation(
            f"{source.instruction.keyword} source '{source.written}' does not exist in the build context "
            f"{build_context.root}{hint}; fix the path (it is relative to the context) or create it before the build",
            source.instruction,
            offset=source.offset,
            end_offset=source.offset + len(source.written) if source.offset is not None else None,
        )


def _close_name(build_context: BuildContext, relative: str) -> str:
    folder, name = os.path.split(relative)
    try:
        siblings = os.listdir(build_context.root / folder)
    except OSError:
        return ""
    close = difflib.get_close_matches(name, siblings, n=1, cutoff=0.8)
    return f" (did you mean '{os.path.join(folder, close[0])}'?)" if close else ""
