"""IL2004 copied-archive-extracted-later."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.installs import URL
from imagelint.knowledge.steps import expand_word
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import SIZE_OPTIONS, brought_then_used

_TAR_ARCHIVE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$", re.I)


@rule(
    code="IL2004",
    name="copied-archive-extracted-later",
    family="layer-merging",
    severity="warning",
    hadolint=("DL3010",),
    options=SIZE_OPTIONS,
)
def copied_archive_extracted_later(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An archive is copied into the image and extracted by a later RUN: the archive ships too.

    ## Why
    The COPY layer keeps the archive; the RUN layer adds its extracted content. Deleting the archive
    afterwards changes nothing: the image carries the compressed and the extracted bytes. `ADD`
    extracts a local tar archive in its own layer, and a bind mount lets the RUN read the archive
    without storing it.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    COPY app.tar.gz /tmp/
    RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    ```
    ```dockerfile
    FROM debian:12-slim
    WORKDIR /tmp
    COPY dist.zip .
    RUN unzip dist.zip -d /opt/dist
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    ADD app.tar.gz /opt/
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=bind,source=dist.zip,target=/tmp/dist.zip \\
        unzip /tmp/dist.zip -d /opt/dist
    ```
    ```dockerfile
    FROM debian:12-slim AS fetch
    COPY app.tar.gz /tmp/
    RUN tar -xzf /tmp/app.tar.gz -C /opt

    FROM debian:12-slim
    COPY --from=fetch /opt /opt
    ```

    ## Fix
    Use `ADD archive.tar.gz /dest/` for local tar archives, or extract from a bind mount:
    `RUN --mount=type=bind,source=archive.zip,target=/tmp/archive.zip unzip /tmp/archive.zip ...`.
    """
    seen: set[tuple[int, str]] = set()
    for brought in brought_then_used(ctx, rule):
        if brought.action != "extract" or (id(brought.copy.instruction), brought.source) in seen:
            continue
        seen.add((id(brought.copy.instruction), brought.source))
        instruction = brought.copy.instruction
        source = expand_word(brought.source, brought.copy.step.scope) or brought.source
        if URL.match(source):
            name = posixpath.basename(source.split("?", 1)[0]) or source
            advice = "download and extract it in one RUN (curl ... | tar -x), or use ADD --unpack=true"
        elif _TAR_ARCHIVE.search(source) and not brought.copy.from_stage:
            name, advice = source, f"ADD {source} <dir>/ extracts it in one layer"
        else:
            origin = f"from={brought.copy.from_stage}," if brought.copy.from_stage else ""
            name, advice = source, f"extract it from RUN --mount=type=bind,{origin}source={source},target=... instead"
        offset = instruction.value.find(brought.source)
        yield Violation(
            f"{name} is extracted by the RUN at line {brought.step.instruction.line}, but this "
            f"{instruction.keyword} keeps the archive in the image too; {advice}",
            instruction,
            offset=offset if offset >= 0 else None,
            end_offset=offset + len(brought.source) if offset >= 0 else None,
        )
