"""IL4006 unused-named-stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Stage
from imagelint.knowledge.stages import possibly_used_stages
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.multi_stage.shared import at_stage_name


@rule(code="IL4006", name="unused-named-stage", family="multi-stage", severity="info", instructions=("FROM",))
def unused_named_stage(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A named stage that nothing uses: a plain `docker build` skips it.

    ## Why
    A plain `docker build` builds the last stage and what it depends on. A stage that no stage
    copies from nor builds on is skipped: often a forgotten `COPY --from`, or a stage left over
    from a refactor (the build "works" but ships without it). Alternative targets are not
    reported: stages named like one (`dev`, `test`, `lint`, `debug`, `release`...), runnable
    stages (with CMD/ENTRYPOINT), artefact stages (`FROM scratch`, for `--output`), variants
    of another stage (`FROM base AS x`), stages named through a variable
    (`FROM app-${VARIANT}`), and files with three or more unused stages, which are built with
    `--target` or `docker buildx bake` by design.

    ## Bad
    ```dockerfile
    FROM node:22 AS assets
    RUN npm ci && npm run build
    FROM nginx:1.27-alpine
    COPY public/ /usr/share/nginx/html/
    ```

    ## Good
    ```dockerfile
    FROM node:22 AS assets
    RUN npm ci && npm run build
    FROM nginx:1.27-alpine
    COPY --from=assets /dist/ /usr/share/nginx/html/
    ```
    ```dockerfile
    FROM python:3.12-slim AS base
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    FROM base AS dev
    CMD ["flask", "run", "--debug"]
    FROM base AS final
    CMD ["gunicorn", "app:app"]
    ```
    ```dockerfile
    ARG VARIANT=prod
    FROM alpine:3.20 AS app-dev
    RUN apk add --no-cache gdb
    FROM alpine:3.20 AS app-prod
    FROM app-${VARIANT}
    ```

    ## Fix
    Copy from the stage if the final image needs it; delete it if nothing does.
    """
    if ctx.options.target or len(ctx.stages) < 2:
        return
    used = possibly_used_stages(ctx)
    needed_by_some_stage = {dep for deps in ctx.stage_dependencies.values() for dep in deps}
    leaves = [s for s in ctx.stages[:-1] if s.index not in used and s.index not in needed_by_some_stage]
    if len(leaves) >= 3:
        return  # a multi-target file: the unused stages are targets of their own
    for stage in leaves:
        if stage.name is None or "$" in stage.name or _looks_like_target(stage):
            continue
        yield at_stage_name(
            stage,
            f"stage '{stage.written_name}' is not used by the last stage nor by any other, so a plain docker build "
            "skips it; COPY --from it where needed or delete it",
        )


_TARGET_WORDS = frozenset(
    {"dev", "devel", "develop", "development", "devenv", "envs", "test", "tests", "testing", "e2e",
     "integration", "lint", "validate", "check", "debug", "ci", "release", "update", "generate", "docs",
     "vendor", "vendored", "local", "shell", "prod", "production", "final", "image", "default"}
)  # fmt: skip


def _looks_like_target(stage: Stage) -> bool:
    """An alternative build target rather than a forgotten stage: named like a target, runnable
    (CMD/ENTRYPOINT), an artefact stage for ``--output`` (FROM scratch), or a variant of another
    stage (FROM base AS debug)."""
    if any(word in _TARGET_WORDS for word in re.split(r"[-_.]", stage.name or "")):
        return True
    if stage.parent is not None or stage.base.is_scratch:
        return True
    return any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions)
