"""IL2005 copied-file-removed-later."""

from __future__ import annotations

from collections.abc import Iterator

import posixpath

from imagelint.context import LintContext
from imagelint.edits import (
    editable_run,
    plain_list,
    remove_commands,
    remove_instruction,
    replace_in_script,
    replace_value,
    word_is_exact,
)
from imagelint.fixes import Fix
from imagelint.knowledge.context_sources import is_remote
from imagelint.knowledge.steps import expand_word, resolve
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import (
    SIZE_OPTIONS,
    Brought,
    brought_then_used,
    instruction_text,
    instructions_between,
    only_plumbing,
    value_tokens,
)


@rule(
    code="IL2005",
    name="copied-file-removed-later",
    family="layer-merging",
    severity="warning",
    options=SIZE_OPTIONS,
    fixes=("unsafe",),
    instructions=("COPY", "ADD"),
    mentions=("rm",),
)
def copied_file_removed_later(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN deletes files that a COPY/ADD brought in: they still ship in the COPY's layer.

    ## Why
    `COPY install.sh /tmp/` then `RUN /tmp/install.sh && rm /tmp/install.sh`, or `COPY . /src`
    then `RUN make && rm -rf /src`: the `rm` hides the files but the COPY layer still stores
    them, so the image is as big as if they were kept. A bind mount gives the RUN the files
    without storing them; `.dockerignore` keeps unwanted files out of `COPY .`. The same holds for
    a file `ADD <url>` downloads (named after the URL's last path segment, or the destination):
    download it in the RUN that uses and removes it instead.

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
    ```dockerfile
    FROM debian:12-slim
    ADD https://example.com/releases/install.sh?v=2 /tmp/
    RUN sh /tmp/install.sh && rm /tmp/install.sh
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

    `imagelint fix --unsafe` handles the case where nothing uses the file: a COPY source (a file,
    or a directory copied to its own path) that the `rm` names exactly, with no instruction
    between them and no other command of the RUN naming it. It drops the source from the COPY
    (the whole COPY when it was the only one) and the path from the `rm` (the whole `rm`, or the
    RUN, when that was all). Whenever the file is used (run, installed, read), or the `rm` names
    a glob or a directory above it, the advice stays: use a bind mount.

    ## Fix safety
    A command can read a file without naming it (a build reading a config, a script reading its
    neighbour): such a use between the COPY and the `rm` loses the file. Without the COPY its
    destination directory is no longer created; the fix keeps the advice when a later
    instruction names a directory the COPY would have made.
    """
    extracted = {(id(b.copy.instruction), b.source) for b in brought_then_used(ctx, rule) if b.action == "extract"}
    reported: set[int] = set()
    edited: set[int] = set()  # COPYs a fix of this pass already edits: one source per round
    for brought in brought_then_used(ctx, rule):
        if brought.action != "remove" or (id(brought.copy.instruction), brought.source) in extracted or id(brought.located.command) in reported:
            continue
        reported.add(id(brought.located.command))
        instruction = brought.copy.instruction
        fix = None if id(instruction) in edited else _drop_copy(ctx, brought)
        if fix is not None:
            edited.add(id(instruction))
        if instruction.keyword == "ADD" and is_remote(brought.source):
            message = (
                f"rm of {brought.path} does not shrink the image: the ADD at line {instruction.line} downloaded it "
                "into its own layer; download it in the RUN that uses and removes it (curl -fsSLo ... && ... && rm)"
            )
        else:
            message = (
                f"rm of {brought.path} does not shrink the image: the {instruction.keyword} at line {instruction.line} "
                "already stored it in its layer; use RUN --mount=type=bind for files needed only while building"
            )
        yield brought.located.script.violation(message, brought.located.command, fix=fix)


# Directories every image has: a COPY into them creates nothing that a later step could miss.
_EVERYWHERE = frozenset(
    {"/", "/tmp", "/root", "/etc", "/opt", "/srv", "/usr", "/usr/local", "/usr/local/bin", "/usr/bin", "/bin", "/var", "/var/tmp"}
)


def _drop_copy(ctx: LintContext, brought: Brought) -> Fix | None:
    """The source taken out of the COPY and the path out of the ``rm``, when the file is only ever
    copied and removed; None (advice) otherwise."""
    copy, step, located = brought.copy, brought.step, brought.located
    instruction, command = copy.instruction, located.command
    if instruction.keyword != "COPY" or ctx.is_trigger(instruction) or copy.step.stage is not step.stage:
        return None
    source = brought.source
    tokens = value_tokens(instruction)
    if tokens is None or any(ch in source for ch in "$*?[") or copy.whole_context or copy.sources.count(source) != 1:
        return None
    if not any(path == brought.path and sure for path, sure in copy.landing_paths(source)):
        return None
    if not editable_run(ctx, step) or command.depth or located.script.heredoc_index is not None:
        return None
    targets = [(i, w) for i, w in enumerate(command.words) if i and not w.value.startswith("-")]
    mine = [(i, w) for i, w in targets if expand_word(w.value, step.scope) == w.value and resolve(w.value, located.cwd) == brought.path]
    if len(mine) != 1 or not word_is_exact(located.script, mine[0][1]) or "$" in mine[0][1].raw:
        return None
    name = posixpath.basename(brought.path.rstrip("/"))
    top = plain_list(located.script)
    if top is None or not any(c is command for c in top):
        return None
    if any(name in w.value for c in top if c is not command for w in c.words):
        return None  # another command of the RUN uses it
    if any(name in instruction_text(i) for i in instructions_between(ctx, instruction, step.instruction)):
        return None  # a step between uses it
    position = next(i for i, c in enumerate(top) if c is command)
    if len(targets) > 1:
        index, word = mine[0]
        before = command.words[index - 1]
        if not word_is_exact(located.script, before):
            return None
        removal = replace_in_script(located.script, before.end, word.end, "")
    elif only_plumbing(top, command):
        removal = remove_instruction(ctx.dockerfile, step.instruction)
    else:
        removal = remove_commands(ctx.dockerfile, located.script, top, position, position)
    if removal is None:
        return None
    if len(copy.sources) == 1:
        directory = copy.destination if copy.into_directory else posixpath.dirname(copy.destination or "/")
        later = [i for i in ctx.instructions if i.index > instruction.index and i is not step.instruction]
        if directory is None or (directory not in _EVERYWHERE and any(directory in instruction_text(i) for i in later)):
            return None  # the COPY may be what creates a directory that a later step uses
        dropped = remove_instruction(ctx.dockerfile, instruction)
    else:
        if len(copy.sources) == 2 and not copy.written_destination.endswith("/") and copy.written_destination not in (".", ".."):
            return None  # with one source left, ``COPY a /dest`` would copy it to the file /dest
        at = copy.sources.index(source)
        start, end = tokens[at][0], tokens[at + 1][0]
        dropped = replace_value(instruction, start, end, "")
    return Fix(f"drop {source} from the {instruction.keyword} at line {instruction.line} and its rm", "unsafe", (dropped, removal))
