"""IL2004 copied-archive-extracted-later."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.edits import editable_run, plain_list, remove_commands, remove_instruction, replace_keyword, replace_value
from imagelint.fixes import Fix
from imagelint.knowledge.installs import URL
from imagelint.knowledge.steps import expand_word, resolve
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import (
    ARCHIVE_READERS,
    SIZE_OPTIONS,
    Brought,
    brought_then_used,
    instruction_text,
    instructions_between,
    value_tokens,
)
from imagelint.shell import Command

_TAR_ARCHIVE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$", re.I)


@rule(
    code="IL2004",
    name="copied-archive-extracted-later",
    family="layer-merging",
    severity="warning",
    hadolint=("DL3010",),
    options=SIZE_OPTIONS,
    fixes=("unsafe",),
    instructions=("COPY", "ADD"),
    mentions=tuple(sorted(ARCHIVE_READERS)),
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

    `imagelint fix --unsafe` makes the ADD when it extracts the same way: `COPY x.tar.gz /d/`
    (from the build context, no flags, that one source) followed, with nothing but LABEL, EXPOSE,
    ENV, ARG, WORKDIR, CMD, ENTRYPOINT, HEALTHCHECK, STOPSIGNAL or comments between, by a RUN
    (as root, as far as the Dockerfile tells) with a plain `tar -x[v][z|j|J]f /d/x.tar.gz [-C /t]`
    (a .tar, .tar.gz, .tgz, .tar.bz2, .tbz2, .tar.xz or .txz; no other option, no member names,
    no variables). The COPY becomes `ADD x.tar.gz /t/` (the `-C`
    directory, or the RUN's working directory); the tar, an `rm` of just the archive right after
    it and a `mkdir [-p] /t` right before it leave the RUN, or the whole RUN goes when that was
    all. Anything else (zip files, `--strip-components`, member selection, a `--from` COPY, other
    commands or instructions that name the archive, a RUN that is not a plain list) keeps the
    advice.

    ## Fix safety
    The extraction moves to the COPY's place, before the RUN's other commands, and the archive
    itself is no longer in the image. ADD extracts as root with the archive's owners and modes:
    a RUN under a non-root USER (also one the base image sets) extracted with its own owner.
    Unlike tar, ADD decides from the content whether the file is an archive, and a later step
    that still used the archive file (naming it in a way not seen here) no longer finds it.
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
            fix=_add_instead(ctx, brought),
        )


# What may stand between the COPY and the RUN: nothing that touches the filesystem or the user.
_BETWEEN = frozenset({"LABEL", "EXPOSE", "ENV", "ARG", "WORKDIR", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL"})
_TAR_LETTERS = frozenset("xvzjJf")
_TAR_LONG = frozenset({"--extract", "--get", "--verbose", "--gzip", "--gunzip", "--ungzip", "--bzip2", "--xz"})


def _add_instead(ctx: LintContext, brought: Brought) -> Fix | None:
    """``ADD x.tar.gz /t/`` for ``COPY x.tar.gz /d/`` + ``RUN tar -xzf /d/x.tar.gz -C /t``, when the
    two extract the same files to the same place; None (advice) otherwise."""
    copy, step, located = brought.copy, brought.step, brought.located
    instruction = copy.instruction
    if instruction.keyword != "COPY" or instruction.flags or not copy.from_context or len(copy.sources) != 1:
        return None
    source = copy.sources[0]
    if any(ch in source for ch in "$*?[") or not _TAR_ARCHIVE.search(source) or URL.match(source):
        return None
    if ctx.is_trigger(instruction) or copy.step.stage is not step.stage or not editable_run(ctx, step):
        return None
    if not any(path == brought.path and sure for path, sure in copy.landing_paths(source)):
        return None
    tokens = value_tokens(instruction)
    if tokens is None or located.name != "tar" or located.command.depth or located.script.heredoc_index is not None:
        return None
    parsed = _plain_extract(located.command)
    if parsed is None or resolve(parsed[0], located.cwd) != brought.path:
        return None
    target = resolve(parsed[1], located.cwd)
    if any(i.keyword not in _BETWEEN for i in instructions_between(ctx, instruction, step.instruction)):
        return None
    if not _runs_as_root(ctx, step.instruction):
        return None  # tar run by another user makes the files that user's; ADD keeps the archive's owners
    top = plain_list(located.script)
    if top is None or not any(c is located.command for c in top):
        return None
    first = last = next(i for i, c in enumerate(top) if c is located.command)
    while first > 0 and _is_mkdir_of(top[first - 1], target, located.cwd):
        first -= 1
    if last + 1 < len(top) and _is_rm_of(top[last + 1], brought.path, located.cwd):
        last += 1
    name = posixpath.basename(brought.path)
    kept = top[:first] + top[last + 1 :]
    if any(name in w.value for c in kept for w in c.words) or any(
        _is_mkdir_of(c, target, located.cwd) and not c.has_option("-p", "--parents") for c in kept
    ):
        return None  # the archive is used again, or a mkdir of the target would now fail
    later = [i for i in ctx.instructions if i.index > instruction.index and i is not step.instruction]
    if any(name in instruction_text(i) for i in later):
        return None
    if all(c.name == "set" for c in kept):
        removal = remove_instruction(ctx.dockerfile, step.instruction)
    else:
        removal = remove_commands(ctx.dockerfile, located.script, top, first, last)
    if removal is None:
        return None
    keyword = "add" if instruction.written_keyword.islower() else "ADD"
    destination = target.rstrip("/") + "/"
    start, end = tokens[-1]
    edits = (replace_keyword(instruction, keyword), replace_value(instruction, start, end, destination), removal)
    return Fix(f"ADD {source} {destination} extracts it in one layer", "unsafe", edits)


def _plain_extract(command: Command) -> tuple[str, str] | None:
    """(archive, directory) of ``tar -xzf ARCHIVE [-C DIR]`` with nothing else on the line (the
    directory is ``.`` without ``-C``); None for any other option, member names or odd words."""
    if any(w.raw != w.value or any(ch in w.value for ch in "$`*?[") for w in command.words):
        return None  # quotes, variables, globs: not surely the archive and directory they look like
    words = [w.value for w in command.words[1:]]
    if words and words[0][:1].isalpha():
        words[0] = "-" + words[0]  # old-style ``tar xzf``
    archive = directory = None
    extract = False
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("--"):
            key, _, value = word.partition("=")
            if key in ("--file", "--directory"):
                if not value:
                    if i >= len(words):
                        return None
                    value, i = words[i], i + 1
                archive, directory = (value, directory) if key == "--file" else (archive, value)
            elif key in _TAR_LONG and not value:
                extract = extract or key in ("--extract", "--get")
            else:
                return None
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            for k, letter in enumerate(letters):
                if letter in "fC":
                    value = letters[k + 1 :]
                    if not value:
                        if i >= len(words):
                            return None
                        value, i = words[i], i + 1
                    archive, directory = (value, directory) if letter == "f" else (archive, value)
                    break
                if letter not in _TAR_LETTERS:
                    return None
                extract = extract or letter == "x"
        else:
            return None  # a member name: only part of the archive is extracted
    if not extract or archive is None or archive == "-":
        return None
    return archive, directory or "."


def _is_mkdir_of(command: Command, target: str, cwd: str) -> bool:
    if command.name != "mkdir" or not set(command.args) - {"-p", "--parents"}:
        return False
    paths = [a for a in command.args if a not in ("-p", "--parents")]
    return all(not a.startswith("-") and resolve(a, cwd) == target for a in paths)


def _is_rm_of(command: Command, path: str, cwd: str) -> bool:
    if command.name != "rm":
        return False
    options = [a for a in command.args if a.startswith("-")]
    targets = [a for a in command.args if not a.startswith("-")]
    return set("".join(o[1:] for o in options)) <= set("frv") and bool(targets) and all(resolve(t, cwd) == path for t in targets)



def _runs_as_root(ctx: LintContext, run: Instruction) -> bool:
    """Whether the last USER before a RUN (in its stage or the stages it is built FROM) is root, or
    there is none (the base image's user is not known here)."""
    stage = ctx.stages[run.stage]
    users = [i for i in stage.instructions if i.keyword == "USER" and i.index < run.index]
    if users:
        return _is_root(users[-1])
    last = ctx.fact(_last_users).get(stage.parent.index) if stage.parent is not None else None
    return last is None or _is_root(last)


def _is_root(user: Instruction) -> bool:
    return user.value.strip().split(":")[0] in ("root", "0")


def _last_users(ctx: LintContext) -> dict[int, Instruction | None]:
    """The USER in force at the end of each stage: its own last one, else its parent's (None: the base image's)."""
    ends: dict[int, Instruction | None] = {}
    for stage in ctx.stages:  # a parent is always an earlier stage
        users = [i for i in stage.instructions if i.keyword == "USER"]
        ends[stage.index] = users[-1] if users else ends[stage.parent.index] if stage.parent is not None else None
    return ends
