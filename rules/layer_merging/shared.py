"""Helpers that two or more layer-merging rules share.

Rules about how work is split into layers, where bytes get shipped twice.

Every RUN, COPY and ADD adds a layer, and a layer can only add to what lies below: deleting,
``chmod``-ing or uninstalling in a later layer hides files, it never gives their bytes back. These
rules find work that creates files in one layer and touches them again in another. They look at
the stages that make up the final image (its FROM chain); builder stages, whose layers are never
shipped, are exempt unless ``builder-stages = true`` is set for the rule.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.edits import command_source
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import download_target, pip_command
from imagelint.knowledge.steps import (
    Copy,
    Located,
    Step,
    expand_word,
    is_under,
    resolve,
    run_commands,
    size_rule_stages,
    strip_glob,
    walk,
)
from imagelint.records import Record
from imagelint.rule import Rule
from imagelint.shell import Command

SIZE_OPTIONS = {"builder-stages": False}


def rm_targets(located: Located, step: Step) -> list[str]:
    """Absolute paths (globs kept) an ``rm`` command removes."""
    targets = []
    for argument in located.command.positionals(()):
        expanded = expand_word(argument, step.scope)
        if expanded is not None and expanded not in ("", "/"):
            targets.append(resolve(expanded, located.cwd))
    return targets


def covers(removed: str, path: str) -> bool:
    """Whether removing ``removed`` (maybe a glob) removes ``path`` or what is inside it."""
    if any(ch in removed for ch in "*?["):
        # ``rm -rf /tmp/*`` empties /tmp: everything under it counts, the directory key included
        return fnmatch.fnmatchcase(path, removed) or (removed.endswith("*") and is_under(path, strip_glob(removed)))
    return is_under(path, removed)


GO_CACHES = ("/root/.cache/go-build",)


def cache_disabled(located: Located, step: Step, variable: str) -> bool:
    value = dict(located.command.assignments).get(variable)
    if value is None and step.scope is not None:
        value = step.scope.lookup(variable)
    return value is not None and value.lower() not in ("", "0", "false", "no", "off")


CREATORS = pm.OS_PACKAGE_MANAGERS | frozenset(pm.NPM.commands + pm.YARN.commands) | frozenset({"go", "curl", "wget", "git"})


def created_paths(located: Located, step: Step) -> list[tuple[str, str]]:
    """(path, what) for caches and files this command leaves in its layer."""
    command, name = located.command, located.name
    if name in ("curl", "wget"):  # a download needs no subcommand, the costlier question
        target = download_target(command, located.cwd)
        return [(target, f"{name} download")] if target else []
    if name not in CREATORS:
        pip = pip_command(command, name)
        if pip is None:
            return []
        if pip.subcommand() in ("install", "download", "wheel") and not pip.has_option(*pm.PIP.no_cache_options) and not cache_disabled(
            located, step, "PIP_NO_CACHE_DIR"
        ):
            return [(pm.PIP.cache_dirs[0], f"{command.name} install")]
        return []
    sub = located.sub
    what = f"{name} {sub}" if sub else name
    # The subcommands followed here are the common ones that fill each cache, fewer than the
    # package-hygiene rules know (PackageManager.cache_filling).
    manager = pm.manager(name)
    if name in pm.APT_FRONTENDS and sub in manager.index_updates:
        return [(manager.cache_dirs[0], what)]
    if manager is pm.APK and (
        sub in manager.index_updates or (sub in manager.installs and not command.has_option(*manager.no_cache_options))
    ):
        return [(manager.cache_dirs[0], what)]
    if name in pm.RPM_FRONTENDS and sub in ("install", "update", "upgrade", "makecache", "groupinstall"):
        return [(path, what) for path in pm.RPM_CACHES]
    if manager is pm.ZYPPER and sub in ("install", "in", "refresh", "ref", "update", "up"):
        return [(manager.cache_dirs[0], what)]
    if manager is pm.NPM and sub in ("install", "i", "ci", "add"):
        return [(manager.cache_dirs[0], what)]
    if manager is pm.YARN and sub in (None, "install", "add", "global"):
        return [(path, f"{name} {sub or 'install'}") for path in manager.cache_dirs]
    if name == "go" and sub in ("build", "install", "test", "get", "mod"):
        return [(path, what) for path in GO_CACHES]
    if name == "git" and sub == "clone":
        return clone_target(located)
    return []


def clone_target(located: Located) -> list[tuple[str, str]]:
    positionals = located.command.positionals()
    if len(positionals) < 2:
        return []
    directory = positionals[2] if len(positionals) > 2 else posixpath.basename(positionals[1].rstrip("/")).removesuffix(".git")
    if not directory or "$" in directory:
        return []
    return [(resolve(directory, located.cwd), "git clone")]


EXTRACTORS = {"unzip", "gunzip", "bunzip2", "unxz", "unlzma", "uncompress", "zcat", "gzcat", "7z", "7za", "bsdtar", "zstd", "unzstd"}
# Every program extracted_archives looks at: the extractors, and tar and the compressors when told to extract.
ARCHIVE_READERS = frozenset(EXTRACTORS | {"tar", "bsdtar", "xz", "gzip", "bzip2", "zstd"})


class Brought(Record):
    """A file or tree a COPY/ADD brought in and a later RUN extracted or removed."""

    __slots__ = ("copy", "source", "path", "located", "step", "action")

    def __init__(
        self,
        copy: Copy,
        source: str,
        path: str,  # where it landed
        located: Located,
        step: Step,
        action: str,  # "extract" or "remove"
    ) -> None:
        self.copy = copy
        self.source = source
        self.path = path
        self.located = located
        self.step = step
        self.action = action


def extracted_archives(located: Located, step: Step) -> list[str]:
    """Files an extraction command reads (absolute)."""
    command, name = located.command, located.name
    if name not in ARCHIVE_READERS:
        return []
    if name == "tar" or name == "bsdtar":
        if not (command.has_option("-x", "--extract", "--get")):
            return []
        files = command.option_values("-f", "--file")
    elif name in EXTRACTORS or command.has_option("-d", "--decompress"):
        files = command.positionals(("-d", "-x", "-P", "-o"))[:1] if name == "unzip" else command.positionals(())
        if name in ("7z", "7za"):
            files = files[1:]
    else:
        return []
    paths = []
    for name in files:
        expanded = expand_word(name, step.scope)
        if expanded is not None and expanded != "-":
            paths.append(resolve(expanded, located.cwd))
    return paths


def written_paths(located: Located, step: Step) -> list[str]:
    """Paths a command fills: extraction and clone directories, downloads, new directories."""
    command, name = located.command, located.name
    paths = [path for path, _ in created_paths(located, step) if path.startswith("/") and not path.startswith("/var/")]
    directories: list[str] = []
    if name in ("tar", "bsdtar") and command.has_option("-x", "--extract", "--get"):
        directories = command.option_values("-C", "--directory") or ["."]
    elif name == "unzip":
        directories = command.option_values("-d", value_options=("-d", "-x", "-P")) or ["."]
    elif name in ("mkdir", "cp", "mv", "ln"):
        directories = command.positionals(())[-1:]
    for directory in directories:
        expanded = expand_word(directory, step.scope)
        if expanded is not None:
            paths.append(resolve(expanded, located.cwd))
    return paths


class _Landed:
    """What the COPY/ADD steps so far brought in: (copy, source, where it landed, surely).

    ``latest_under`` maps each landing path and every folder above it to the last entry that
    landed there or below: an ``rm`` of a plain path finds what it removes without comparing it
    with every earlier COPY (a Dockerfile of thousands of COPY and RUN steps stays linear).
    """

    def __init__(self) -> None:
        self.landed: list[tuple[Copy, str, str, bool]] = []
        self.latest_under: dict[str, int] = {}
        self.irregular = False  # a landing path that is not a plain absolute one: look through them all

    def fork(self) -> _Landed:
        twin = _Landed()
        twin.landed, twin.latest_under, twin.irregular = list(self.landed), dict(self.latest_under), self.irregular
        return twin

    def add(self, entry: tuple[Copy, str, str, bool]) -> None:
        self.landed.append(entry)
        path = entry[2]
        if not path.startswith("/") or path.startswith("//") or path != posixpath.normpath(path):
            self.irregular = True
            return
        while True:
            self.latest_under[path] = len(self.landed) - 1
            if path == "/":
                break
            path = posixpath.dirname(path)

    def removed_by(self, removed: str) -> tuple[Copy, str, str, bool] | None:
        """The last entry that removing ``removed`` (maybe a glob) removes."""
        plain = removed.startswith("/") and not removed.startswith("//") and removed == posixpath.normpath(removed)
        if self.irregular or not plain or any(ch in removed for ch in "*?["):
            return next((c for c in reversed(self.landed) if covers(removed, c[2])), None)
        index = self.latest_under.get(removed)
        return None if index is None else self.landed[index]


def brought_then_used(ctx: LintContext, rule: Rule) -> list[Brought]:
    """Files from a COPY/ADD that a later RUN of the same image extracts or removes (worked out once
    per Dockerfile and set of stages: IL2004 and IL2005 both ask, IL2005 twice)."""
    stages = size_rule_stages(ctx, rule)
    found = ctx.fact(_brought_by_stages)
    if stages not in found:
        found[stages] = list(_brought_then_used(ctx, stages)) if _extracts_or_removes(ctx) else []
    return found[stages]


def _brought_by_stages(ctx: LintContext) -> dict[frozenset[int], list[Brought]]:
    """Stages walked -> what :func:`brought_then_used` found there (filled as rules ask)."""
    return {}


def _extracts_or_removes(ctx: LintContext) -> bool:
    """Whether any RUN extracts or removes anything: without one no copied file can be found, and
    the walk (which follows every COPY's landing paths) is not needed."""
    return any(next(script.commands("rm", *ARCHIVE_READERS), None) is not None for script in ctx.run_scripts)


def _brought_then_used(ctx: LintContext, stages: frozenset[int]) -> Iterator[Brought]:
    for sequence, index, step, state in walk(ctx, _Landed, stages):
        landed = state.landed
        copy = step.copy
        if copy is not None and copy.destination is not None:
            for source in copy.sources:
                if not source.startswith("<<"):
                    for path, sure in copy.landing_paths(source):
                        state.add((copy, source, path, sure))
            continue
        if step.keyword != "RUN" or not landed or index < sequence.own:
            continue
        written: list[str] = []  # directories this RUN fills itself (tar -C, git clone, curl -o...)
        commands = run_commands(ctx, step)
        # Only an ``rm`` asks what the commands before it wrote: none after the last one need be asked.
        last_rm = max((i for i, located in enumerate(commands) if located.name == "rm"), default=-1)
        for position, located in enumerate(commands):
            for path in extracted_archives(located, step):
                match = next((c for c in reversed(landed) if fnmatch.fnmatchcase(path, c[2])), None)
                if match is not None:
                    yield Brought(match[0], match[1], path, located, step, "extract")
            if located.name == "rm":
                for removed in rm_targets(located, step):
                    if any(is_under(w, removed) for w in written):
                        continue  # mostly this RUN's own files (a build tree holding a copied patch)
                    match = state.removed_by(removed)
                    if match is not None:
                        yield Brought(match[0], match[1], removed, located, step, "remove")
            if position < last_rm:
                written.extend(written_paths(located, step))


# --- fixes ------------------------------------------------------------------------------------
# The layer-merging fixes move commands between RUNs or fold them into a COPY. They only touch
# RUNs whose command line is a plain list (imagelint.edits.plain_list) run by a POSIX shell, and
# only text that means the same wherever it runs (no variables, absolute paths).


def movable_text(located: Located, escape: str) -> str | None:
    """A command's text when it means the same in another RUN: exact, on the RUN's command line, no
    variable or substitution (ENV/ARG between the RUNs could change them), not ending in the escape
    character (it would continue the line)."""
    if located.script.heredoc_index is not None or located.command.depth:
        return None
    text = command_source(located.script, located.command)
    if text is None or any(ch in text for ch in "$`\n") or text.rstrip().endswith(escape):
        return None
    return text


def instruction_text(instruction: Instruction) -> str:
    """Everything an instruction says: its logical line and its heredoc bodies."""
    return "\n".join([instruction.original, *(h.content for h in instruction.heredocs)])


def only_plumbing(top: list[Command], keep: Command) -> bool:
    """Whether every command of a plain list but ``keep`` is a ``set`` (shell options only)."""
    return all(c is keep or c.name == "set" for c in top)


def value_tokens(instruction: Instruction) -> list[tuple[int, int]] | None:
    """(start, end) of each word of a COPY/ADD's value, when the words are plain (no quotes, no
    escapes, no JSON form): then each sits exactly where a fix can cut it out."""
    value = instruction.value
    if instruction.is_exec_form or instruction.heredocs or any(ch in value for ch in "\"'\\`$"):
        return None
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", value)]
    return tokens if [value[a:b] for a, b in tokens] == instruction.words() else None


def instructions_between(ctx: LintContext, first: Instruction, last: Instruction) -> list[Instruction]:
    """The file's instructions strictly between two of them (ONBUILD ones included)."""
    return [i for i in ctx.instructions if first.index < i.index < last.index]

