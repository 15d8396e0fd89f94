"""IL2001 chmod-after-copy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import editable_run, insert_in_value, plain_list, remove_commands, remove_instruction
from imagelint.fixes import Fix
from imagelint.knowledge.context_sources import is_whole_tree
from imagelint.knowledge.steps import (
    Copy,
    Located,
    Sequence,
    Step,
    expand_word,
    is_under,
    resolve,
    run_commands,
    size_rule_stages,
    walk,
)
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import SIZE_OPTIONS, only_plumbing


def _mode_targets(located: Located) -> list[str]:
    """The files a chmod/chown/chgrp changes (its mode or owner argument left out)."""
    command = located.command
    positionals = command.positionals(())
    if any(a.startswith("--reference") for a in command.args):
        return positionals
    return positionals[1:]


_MODE_CHANGERS = ("chmod", "chown", "chgrp")


@rule(
    code="IL2001",
    name="chmod-after-copy",
    family="layer-merging",
    severity="warning",
    options=SIZE_OPTIONS,
    fixes=("unsafe",),
    instructions=("COPY", "ADD"),
    mentions=_MODE_CHANGERS,
)
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

    `imagelint fix --unsafe` does that when the command changes exactly what the COPY brought: a
    `chown [-R] user:group` or `chmod [-R] <octal mode>` whose paths are the landing paths of all
    the COPY's sources (a copied directory only with `-R`). It adds the flag to the COPY and
    deletes the command from the RUN with its `&&`/`;` (the whole RUN when that was all). It
    leaves the advice for symbolic modes (`+x` depends on the file's mode in the context), modes
    with special bits or that anyone could write (IL7009), an owner without a group (`chown app`
    keeps the group, `--chown=app` does not), other options, variables or globs, a COPY that
    already sets the flag, an ADD, paths inside or above the copy, and when a RUN, or a COPY into
    those paths, comes between, or a command before it in its RUN may add files there.

    ## Fix safety
    `COPY --chmod` needs BuildKit: the classic builder rejects it (`--chown` works everywhere).
    `chown -R`/`chmod -R` also changed a destination directory that existed before the COPY, and
    files already in it; `COPY --chown`/`--chmod` change only what the COPY brings.
    """
    for sequence, index, step, state in walk(ctx, _Copies, size_rule_stages(ctx, rule)):
        copies = state.copies
        copy = step.copy
        if copy is not None and copy.destination is not None:
            copies.append(copy)
            continue
        if step.keyword != "RUN" or not copies or index < sequence.own:
            continue
        hits = []  # one finding per RUN: the first command, naming how many more there are
        for located in run_commands(ctx, step):
            if located.name in _MODE_CHANGERS:
                origin = _copied_origin(located, step, copies)
                if origin is not None:
                    hits.append((located, *origin))
        if hits:
            located, copy, target = hits[0]
            more = f" (and {len(hits) - 1} more in this RUN)" if len(hits) > 1 else ""
            fix = _fold(ctx, sequence, index, located, copy) or _chmod_fix(located, copy)
            yield located.script.violation(_chmod_message(located, copy, target, more), located.command, fix=fix)


class _Copies:
    """The COPY/ADD steps so far whose destination is known."""

    def __init__(self, copies: list[Copy] | None = None) -> None:
        self.copies = copies or []

    def fork(self) -> _Copies:
        return _Copies(list(self.copies))


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
    if command.name == "chmod" and (not re.fullmatch(r"[0-7]{3,4}", value) or int(value[-1]) & 2):
        return None  # symbolic, or a mode anyone could write (IL7009): no mode to suggest
    flag = {"chmod": "--chmod", "chown": "--chown", "chgrp": "--chown"}[command.name]
    if command.name == "chgrp":
        value = f":{value}"
    return f"{copy.instruction.keyword} {flag}={value} ..."


_FOLDABLE_OPTIONS = frozenset({"-R", "--recursive", "-v", "--verbose", "-c", "--changes", "-f", "--silent", "--quiet"})
_OCTAL = re.compile(r"0?[0-7]{3}")  # no setuid/setgid/sticky bits: chown would clear them, COPY does not
_OWNER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _fold(ctx: LintContext, sequence: Sequence, index: int, located: Located, copy: Copy) -> Fix | None:
    """``COPY --chown=``/``--chmod=`` in place of the RUN's command, when they change the same files
    the same way; None otherwise (the advice stays)."""
    command, step = located.command, sequence.steps[index]
    flag = {"chmod": "chmod", "chown": "chown"}.get(located.name)
    instruction = copy.instruction
    if flag is None or instruction.keyword != "COPY" or instruction.is_exec_form or instruction.heredocs:
        return None
    if copy.step.stage is not step.stage or ctx.is_trigger(instruction) or instruction.flag(flag) is not None:
        return None
    if not editable_run(ctx, step) or located.script.heredoc_index is not None or command.depth:
        return None
    options = [a for a in command.args if a.startswith("-")]
    positionals = [a for a in command.args if not a.startswith("-")]
    if not set(options) <= _FOLDABLE_OPTIONS or len(positionals) < 2 or any(w.raw != w.value for w in command.words):
        return None  # quotes, escapes or options we do not know
    value, targets = positionals[0], positionals[1:]
    if flag == "chmod" and (not _OCTAL.fullmatch(value) or int(value[-1]) & 2):
        return None
    if flag == "chown" and not _OWNER.fullmatch(value):
        return None
    recursive = bool({"-R", "--recursive"} & set(options))
    paths = {resolve(t, located.cwd) for t in targets if not any(ch in t for ch in "$*?[~")}
    if len(paths) != len(targets) or not _lands_exactly(ctx, copy, paths, recursive):
        return None
    start = sequence.steps.index(copy.step)
    for other in sequence.steps[start + 1 : index]:
        if other.keyword == "RUN":
            return None
        landed = other.copy.destination if other.copy is not None else ""
        if other.copy is not None and (landed is None or any(is_under(landed, p) or is_under(p, landed) for p in paths)):
            return None
    top = plain_list(located.script)
    if top is None or not any(c is command for c in top):
        return None
    position = next(i for i, c in enumerate(top) if c is command)
    if any(c.name not in ("set", "chmod", "chown", "chgrp") for c in top[:position]):
        return None  # an earlier command may add files that the chmod/chown also changed
    if only_plumbing(top, command):
        removal = remove_instruction(ctx.dockerfile, step.instruction)
    else:
        removal = remove_commands(ctx.dockerfile, located.script, top, position, position)
    if removal is None:
        return None
    edit = insert_in_value(instruction, 0, f"--{flag}={value} ")
    return Fix(f"use {instruction.keyword} --{flag}={value} instead of {located.name}", "unsafe", (edit, removal))


def _lands_exactly(ctx: LintContext, copy: Copy, paths: set[str], recursive: bool) -> bool:
    """Whether ``paths`` are exactly where the COPY's sources landed, one each (a directory only
    changed recursively, a file surely a file)."""
    if copy.destination is None or not copy.sources:
        return False
    landed: set[str] = set()
    for source in copy.sources:
        if any(ch in source for ch in "$*?[") or source.startswith("<<"):
            return False
        sure = [path for path, certain in copy.landing_paths(source) if certain and path in paths]
        if len(sure) != 1:
            return False
        directory = is_whole_tree(source) or source.endswith("/") or not _is_file(ctx, copy, source)
        if directory and not recursive:
            return False
        landed.add(sure[0])
    return landed == paths


def _is_file(ctx: LintContext, copy: Copy, source: str) -> bool:
    """Whether a COPY source is a file: the build context says so, or (without one) its name has an
    extension (``entrypoint.sh``)."""
    context = ctx.build_context
    if copy.from_context and context is not None:
        return context.is_file(source)
    name = source.rstrip("/").rsplit("/", 1)[-1]
    return "." in name.strip(".")
