"""IL2001 chmod-after-copy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.context_sources import is_whole_tree
from imagelint.knowledge.steps import (
    Copy,
    Located,
    Step,
    expand_word,
    is_under,
    resolve,
    run_commands,
    sequences,
    size_rule_stages,
)
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import SIZE_OPTIONS


def _mode_targets(located: Located) -> list[str]:
    """The files a chmod/chown/chgrp changes (its mode or owner argument left out)."""
    command = located.command
    positionals = command.positionals(())
    if any(a.startswith("--reference") for a in command.args):
        return positionals
    return positionals[1:]


@rule(code="IL2001", name="chmod-after-copy", family="layer-merging", severity="warning", options=SIZE_OPTIONS)
def chmod_after_copy(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
    ```dockerfile
    FROM eclipse-temurin:21-jre
    COPY --from=build /out/app.jar /opt/app/
    RUN chown -R 1001:0 /opt
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
    ```dockerfile
    FROM alpine:3.20
    COPY config/ /etc/app/
    RUN chown app /etc/app
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    COPY . /src
    RUN chmod +x /src/build.sh && /src/build.sh

    FROM alpine:3.20
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## Fix
    Use `COPY --chown=user:group` or `COPY --chmod=755` (the latter needs BuildKit) and drop the RUN.
    """
    for sequence in sequences(ctx, size_rule_stages(ctx, rule)):
        copies: list[Copy] = []
        for index, step in enumerate(sequence.steps):
            copy = step.copy
            if copy is not None and copy.destination is not None:
                copies.append(copy)
                continue
            if step.keyword != "RUN" or not copies or index < sequence.own:
                continue
            hits = []  # one finding per RUN: the first command, naming how many more there are
            for located in run_commands(ctx, step):
                if located.name in ("chmod", "chown", "chgrp"):
                    origin = _copied_origin(located, step, copies)
                    if origin is not None:
                        hits.append((located, *origin))
            if hits:
                located, copy, target = hits[0]
                more = f" (and {len(hits) - 1} more in this RUN)" if len(hits) > 1 else ""
                yield located.script.violation(
                    _chmod_message(located, copy, target, more), located.command, fix=_chmod_fix(located, copy)
                )


def _copied_origin(located: Located, step: Step, copies: list[Copy]) -> tuple[Copy, str] | None:
    """The latest COPY whose files this chmod/chown rewrites, with the path as written."""
    recursive = located.command.has_option("-R", "--recursive")
    for target in _mode_targets(located):
        expanded = expand_word(target, step.scope)
        if expanded is None:
            continue
        path = resolve(expanded, located.cwd)
        for copy in reversed(copies):
            for source in copy.sources:
                directory = is_whole_tree(source) or source.endswith("/")
                for landed, sure in copy.landing_paths(source):
                    if path == landed:
                        # a directory's own mode or owner costs nothing (setgid/sticky modes are for directories)
                        hit = recursive or not (directory or _directory_mode(located))
                    else:
                        hit = (sure and is_under(path, landed)) or (recursive and path != "/" and is_under(landed, path))
                    if hit:
                        return copy, target
    return None


def _directory_mode(located: Located) -> bool:
    if located.name != "chmod":
        return False
    mode = next(iter(located.command.positionals(())), "")
    return bool(re.fullmatch(r"=?[1-7][0-7]{3}", mode)) or bool(re.search(r"[+=][rwx]*[st]", mode))


def _chmod_message(located: Located, copy: Copy, target: str, more: str) -> str:
    command = located.command
    keyword = copy.instruction.keyword
    flag = "--chmod" if command.name == "chmod" else "--chown"
    return (
        f"{command.name} on {target}, which the {keyword} at line {copy.instruction.line} brought in, "
        f"copies the files into a new layer{more}; use {keyword} {flag}=... instead"
    )


def _chmod_fix(located: Located, copy: Copy) -> str | None:
    command = located.command
    positionals = command.positionals(())
    if not positionals or any(a.startswith("--reference") for a in command.args):
        return None
    value = positionals[0]
    if command.name == "chmod" and not re.fullmatch(r"[0-7]{3,4}", value):
        return None
    flag = {"chmod": "--chmod", "chown": "--chown", "chgrp": "--chown"}[command.name]
    if command.name == "chgrp":
        value = f":{value}"
    return f"{copy.instruction.keyword} {flag}={value} ..."
