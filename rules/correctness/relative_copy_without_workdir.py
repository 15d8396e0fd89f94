"""IL8008 relative-copy-without-workdir."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.variable_references import references, with_scope_before
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import is_absolute, offset_of
from imagelint.variables import Scope, expand


def _known_expansion(text: str, scope: Scope) -> str | None:
    """``text`` with ARG/ENV expanded, or None when a variable's value is not known statically."""
    if "$" not in text:
        return text
    for reference in references(text):
        if not reference.fallback and scope.lookup(reference.name) is None:
            return None
    return expand(text, scope).text


@rule(
    code="IL8008",
    name="relative-copy-without-workdir",
    family="correctness",
    severity="warning",
    hadolint=("DL3045",),
    instructions=("COPY", "ADD"),
)
def relative_copy_without_workdir(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """COPY/ADD to a relative destination before the stage sets a WORKDIR: the files land where the base image says.

    ## Why
    `COPY . .` or `COPY app.py app/` is resolved against the base image's working directory,
    which you do not control and which differs between images (`/` for debian, `/go` for golang).
    A WORKDIR set in an earlier stage this one is built FROM counts.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    ```
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt /app/
    COPY --from=ghcr.io/astral-sh/uv:0.4.20 /uv /bin/uv
    ```

    ## Fix
    Add `WORKDIR /app` (any absolute path) before the COPY, or give an absolute destination.
    """
    has_workdir: dict[int, bool] = {}
    for stage in ctx.stages:
        # FROM scratch starts in /, which is as well defined as any WORKDIR.
        workdir = ctx.root_stage(stage).base.is_scratch or bool(stage.parent is not None and has_workdir.get(stage.parent.index))
        for instruction, scope in with_scope_before(stage):
            if instruction.keyword == "WORKDIR":
                workdir = True
            elif instruction.keyword in ("COPY", "ADD") and not workdir:
                words = instruction.words()
                if len(words) < 2:
                    continue
                destination = _known_expansion(words[-1], scope)
                if destination is None:
                    continue  # a build arg without default, or set by the base image: nothing to say
                if not is_absolute(destination):
                    yield Violation(
                        f"{instruction.keyword} to the relative destination '{words[-1]}' with no WORKDIR set in this stage; "
                        "add WORKDIR /app before it or use an absolute path",
                        instruction,
                        offset=offset_of(instruction, words[-1]),
                    )
        has_workdir[stage.index] = workdir
