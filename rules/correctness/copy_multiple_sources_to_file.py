"""IL8009 copy-multiple-sources-to-file."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import offset_of
from imagelint.variables import expand


@rule(
    code="IL8009",
    name="copy-multiple-sources-to-file",
    family="correctness",
    severity="error",
    hadolint=("DL3021",),
    instructions=("COPY", "ADD"),
)
def copy_multiple_sources_to_file(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """COPY/ADD with several sources and a destination that does not end in `/`.

    ## Why
    With more than one source the destination must be a directory, written with a trailing `/`:
    `COPY a.txt b.txt /data` fails ("the destination must be a directory and end with a /").
    `.` and `..` are directories already and accepted by BuildKit.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY package.json package-lock.json /app
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    COPY tsconfig.json src/ /app/
    ```

    ## Fix
    End the destination with `/` (the suggested fix adds it).
    """
    for instruction in ctx.of("COPY", "ADD"):
        words = instruction.words()
        if len(words) < 3:
            continue
        destination = words[-1]
        if "$" in destination and instruction.scope is not None:
            expanded = expand(destination, instruction.scope)
            if expanded.undefined:
                continue
            destination = expanded.text
        if destination.endswith(("/", "\\")) or destination in (".", "..") or destination.endswith(("/.", "/..")):
            continue
        yield Violation(
            f"{instruction.keyword} of {len(words) - 1} sources needs a directory destination ending in '/'; "
            f"write '{words[-1]}/'",
            instruction,
            offset=None if instruction.is_exec_form else offset_of(instruction, words[-1]),
        )
