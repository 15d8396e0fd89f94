"""IL8007 relative-workdir."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, Stage
from imagelint.edits import insert_in_value, replace_value
from imagelint.fixes import Fix
from imagelint.knowledge.variable_references import expand_defined, with_scope_before
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import is_absolute
from imagelint.variables import Scope

# A path written plainly: no variable, quote, escape or blank for the fix to misplace.
_PLAIN_PATH = re.compile(r"[\w.@%+,:=/-]+")


def _workdir_value(instruction: Instruction, scope: Scope) -> str | None:
    """The WORKDIR path after ARG/ENV expansion, or None if a variable has no value we know."""
    return expand_defined(instruction.value.strip().strip("\"'"), scope)


@rule(
    code="IL8007",
    name="relative-workdir",
    family="correctness",
    severity="warning",
    hadolint=("DL3000",),
    buildkit=("WorkdirRelativePath",),
    checkov=("CKV_DOCKER_10",),
    fixes=("unsafe",),
    instructions=("WORKDIR",),
)
def relative_workdir(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A relative WORKDIR before any absolute one: where it lands depends on the base image.

    ## Why
    `WORKDIR app` is joined to the working directory the base image happens to set (`/` for
    debian, `/go` for golang, `/usr/src/app` for others); when the base image changes it, files
    land elsewhere. Once the stage has set an absolute WORKDIR, relative ones are fine. Variables
    are expanded (`WORKDIR $APP_HOME` with `ENV APP_HOME=/srv/app` is absolute).

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR app
    COPY . .
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    ENV APP_HOME=/srv/app
    WORKDIR $APP_HOME
    WORKDIR server
    ```
    ```dockerfile
    FROM node:22-slim AS base
    WORKDIR /srv/app
    FROM base
    WORKDIR client
    ```

    ## Fix
    Use an absolute path: `WORKDIR /app`. `imagelint fix --unsafe` puts a `/` in front of a path
    written plainly (`app` -> `/app`, `./app` -> `/app`); a path with variables, quotes, `..`, or in
    a Windows stage only gets the suggestion.

    ## Fix safety
    `WORKDIR app` is relative to the base image's working directory. The fix keeps the
    meaning only when that is `/` (debian, alpine, ubuntu); on a base image that sets its own
    WORKDIR (`/go`, `/usr/src/app`) the files and commands of the stage move to another directory.
    """
    absolute_set: dict[int, bool] = {}
    for stage in ctx.stages:
        is_set = bool(stage.parent is not None and absolute_set.get(stage.parent.index))
        for instruction, scope in with_scope_before(stage):
            if instruction.keyword != "WORKDIR":
                continue
            path = _workdir_value(instruction, scope)
            if path is None or is_absolute(path):
                is_set = True
                continue
            if not is_set:
                yield Violation(
                    f"relative WORKDIR '{path}' is resolved against the base image's working directory; use an absolute "
                    f"path such as /{path.lstrip('./') or 'app'}",
                    instruction,
                    fix=_rooted(ctx, stage, instruction)
                    or (f"WORKDIR /{path.lstrip('./')}" if path.lstrip("./") else None),
                )
                is_set = True  # fixing the first one fixes the ones after it (BuildKit reports it once)
        absolute_set[stage.index] = is_set


def _rooted(ctx: LintContext, stage: Stage, instruction: Instruction) -> Fix | None:
    """``/`` put before a plainly written relative path (``./`` becomes ``/``)."""
    value = instruction.value
    written = value.strip()
    if ctx.is_windows(stage) or not _PLAIN_PATH.fullmatch(written) or written in (".", "./"):
        return None
    if written.startswith("../") or written == ".." or written.startswith("/"):
        return None
    start = len(value) - len(value.lstrip())
    if written.startswith("./"):
        edit = replace_value(instruction, start, start + 2, "/")
        new = "/" + written[2:]
    else:
        edit = insert_in_value(instruction, start, "/")
        new = "/" + written
    return Fix(f"write WORKDIR {new}", "unsafe", (edit,))
