"""IL2005 copied-file-removed-later."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import SIZE_OPTIONS, brought_then_used


@rule(code="IL2005", name="copied-file-removed-later", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def copied_file_removed_later(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN deletes files that a COPY/ADD brought in: they still ship in the COPY's layer.

    ## Why
    `COPY install.sh /tmp/` then `RUN /tmp/install.sh && rm /tmp/install.sh`, or `COPY . /src`
    then `RUN make && rm -rf /src`: the `rm` hides the files but the COPY layer still stores
    them, so the image is as big as if they were kept. A bind mount gives the RUN the files
    without storing them; `.dockerignore` keeps unwanted files out of `COPY .`.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    COPY install-tools.sh /tmp/
    RUN sh /tmp/install-tools.sh && rm /tmp/install-tools.sh
    ```
    ```dockerfile
    FROM python:3.12-slim
    COPY . /src
    RUN pip install --no-cache-dir /src && rm -rf /src
    ```

    ## Good
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=bind,source=install-tools.sh,target=/tmp/install-tools.sh \\
        sh /tmp/install-tools.sh
    ```
    ```dockerfile
    FROM debian:12-slim
    COPY install-tools.sh /tmp/
    RUN rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM python:3.12-slim AS build
    COPY . /src
    RUN pip wheel --no-cache-dir -w /wheels /src && rm -rf /src

    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    ```

    ## Fix
    Mount the files for the one RUN that needs them (`RUN --mount=type=bind,source=...,target=...`),
    or do the work in a builder stage and `COPY --from` only the result.
    """
    extracted = {(id(b.copy.instruction), b.source) for b in brought_then_used(ctx, rule) if b.action == "extract"}
    reported: set[int] = set()
    for brought in brought_then_used(ctx, rule):
        if brought.action != "remove" or (id(brought.copy.instruction), brought.source) in extracted or id(brought.located.command) in reported:
            continue
        reported.add(id(brought.located.command))
        instruction = brought.copy.instruction
        yield brought.located.script.violation(
            f"rm of {brought.path} does not shrink the image: the {instruction.keyword} at line {instruction.line} "
            f"already stored it in its layer; use RUN --mount=type=bind for files needed only while building",
            brought.located.command,
        )
