"""Rules about how work is split into layers, where bytes get shipped twice."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Violation, rule


def copy_destination(instruction: Instruction, workdir: str) -> str | None:
    """Absolute destination of a COPY/ADD, resolved against the WORKDIR in force."""
    words = instruction.words()
    if len(words) < 2 or "$" in words[-1]:
        return None
    destination = words[-1]
    if not destination.startswith("/"):
        destination = posixpath.join(workdir or "/", destination)
    return posixpath.normpath(destination)


def workdirs(instructions: list[Instruction]) -> Iterator[tuple[Instruction, str]]:
    """Each instruction of a stage with the WORKDIR in force when it runs."""
    current = "/"
    for instruction in instructions:
        if instruction.keyword == "WORKDIR" and "$" not in instruction.value:
            target = instruction.value.strip().strip("\"'")
            current = posixpath.normpath(posixpath.join(current, target))
        yield instruction, current


@rule(code="IL2001", name="chmod-after-copy", family="layer-merging", severity="warning")
def chmod_after_copy(ctx: LintContext) -> Iterator[Violation]:
    """`chmod`/`chown` in a RUN after the COPY that brought the files: the image holds them twice.

    ## Why
    Changing a file's mode or owner in a later layer copies the whole file into that layer. A
    200 MB application copied and then `chown -R`'d ships 400 MB. `COPY --chown` and
    `COPY --chmod` set them in the same layer for free.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY app/ /srv/app/
    RUN chown -R node:node /srv/app
    ```
    ```dockerfile
    FROM alpine:3.20
    WORKDIR /usr/local/bin
    COPY entrypoint.sh .
    RUN chmod +x entrypoint.sh
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY --chown=node:node app/ /srv/app/
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --chmod=755 entrypoint.sh /usr/local/bin/
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY app/ /srv/app/
    RUN chown -R nobody /var/cache/app
    ```

    ## Fix
    Use `COPY --chown=user:group` or `COPY --chmod=755` (the latter needs BuildKit) and drop the RUN.
    """
    for stage in ctx.stages:
        copied: list[tuple[Instruction, str]] = []
        for instruction, workdir in workdirs(stage.instructions):
            if instruction.keyword in ("COPY", "ADD") and not instruction.heredocs:
                destination = copy_destination(instruction, workdir)
                if destination and destination != "/":
                    copied.append((instruction, destination))
                continue
            if instruction.keyword != "RUN" or not copied:
                continue
            for run in ctx.scripts_of(instruction):
                for command in run.commands("chmod", "chown", "chgrp"):
                    for word in command.words[2:] if len(command.words) > 2 else []:
                        path = word.value
                        if path.startswith("-") or "$" in path:
                            continue
                        absolute = posixpath.normpath(posixpath.join(workdir, path))
                        origin = next(
                            (c for c, dest in reversed(copied) if absolute == dest or absolute.startswith(dest + "/")),
                            None,
                        )
                        if origin is None:
                            continue
                        flag = "--chmod" if command.name == "chmod" else "--chown"
                        yield run.violation(
                            f"{command.name} on {path}, which the {origin.keyword} at line {origin.line} brought in, "
                            f"copies the files into a new layer; use {origin.keyword} {flag}=... instead",
                            command,
                        )
                        break
