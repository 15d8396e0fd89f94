"""Facts about one Dockerfile that many rules need, each computed once per file.

Rules receive a :class:`LintContext` and read what they need from it; nothing here is computed
until a rule asks for it, and then only once (the engine runs every rule over the same context).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from imagelint.buildcontext import BuildContext
from imagelint.dockerfile import Dockerfile, Instruction, Stage
from imagelint.rule import Violation
from imagelint.shell import SHELLS, Command, Script, parse_script

T = TypeVar("T")

_WINDOWS_IMAGES = ("windows", "servercore", "nanoserver", "dotnet/framework")
_WINDOWS_SHELLS = ("powershell", "pwsh", "cmd", "cmd.exe", "powershell.exe", "pwsh.exe")


@dataclass(frozen=True, slots=True)
class RunScript:
    """The shell script of one RUN (its command line, or a heredoc body) and where its text sits."""

    instruction: Instruction
    script: Script
    heredoc_index: int | None  # None: the RUN's own command line
    _line_starts: tuple[int, ...] = ()  # for heredoc bodies: offset of each body line
    _first_line: int = 0
    # Each command's name, and the commands by name, worked out once: rules look commands up by
    # name all the time.
    _names: tuple[str, ...] = field(init=False, repr=False)
    _by_name: dict[str, list[Command]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = tuple(command.name for command in self.script.commands)
        by_name: dict[str, list[Command]] = {}
        for command, name in zip(self.script.commands, names):
            by_name.setdefault(name, []).append(command)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_by_name", by_name)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the Dockerfile of a character of the script text."""
        if self.heredoc_index is None:
            return self.instruction.position(offset)
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return self._first_line + i, offset - self._line_starts[i] + 1

    def commands(self, *names: str) -> Iterator[Command]:
        """The script's commands in source order, or only those with one of these names."""
        if not names:
            return iter(self.script.commands)
        if len(names) == 1:
            return iter(self._by_name.get(names[0], ()))
        return (command for command, name in zip(self.script.commands, self._names) if name in names)

    def violation(self, message: str, command: Command | None = None, *, fix: str | None = None, word: int = 0) -> Violation:
        """A violation pointing at a command (its ``word``-th word) inside this script."""
        if command is None:
            return Violation(message, self.instruction, fix=fix)
        start = command.words[word].start if command.words and word < len(command.words) else command.start
        end = command.end
        line, column = self.position(start)
        end_line, _ = self.position(max(start, end - 1))
        return Violation(message, self.instruction, line=line, column=column, end_line=end_line, fix=fix)


@dataclass
class LintOptions:
    """Settings rules may read (from config or the command line)."""

    trusted_registries: tuple[str, ...] = ()
    target: str | None = None  # the build target stage, when the user names one
    named_contexts: tuple[str, ...] = ()  # build contexts by name (Compose additional_contexts)


class LintContext:
    def __init__(
        self,
        dockerfile: Dockerfile,
        *,
        context_dir: Path | None = None,
        context_explicit: bool = False,
        dockerfile_path: Path | None = None,
        options: LintOptions | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.dockerfile_path = dockerfile_path
        self.context_dir = context_dir
        self.context_explicit = context_explicit
        self.options = options or LintOptions()
        self._facts: dict[Callable, object] = {}

    def fact(self, compute: Callable[[LintContext], T]) -> T:
        """``compute(self)``, computed on the first call only.

        For facts that one family of rules shares (in its ``rules/<family>/shared.py``): each rule
        asks, the first one pays. Facts that several families need belong here as properties.
        """
        if compute not in self._facts:
            self._facts[compute] = compute(self)
        return self._facts[compute]  # type: ignore[return-value]

    # --- structure ---------------------------------------------------------------------------

    @property
    def stages(self) -> list[Stage]:
        return self.dockerfile.stages

    @property
    def instructions(self) -> list[Instruction]:
        return self.dockerfile.instructions

    def of(self, *keywords: str) -> Iterator[Instruction]:
        """Instructions with one of these keywords (ONBUILD triggers excluded)."""
        for instruction in self.dockerfile.instructions:
            if instruction.keyword in keywords:
                yield instruction

    def is_trigger(self, instruction: Instruction) -> bool:
        """Whether the instruction is an ONBUILD trigger: it runs in the images built FROM this one."""
        return id(instruction) in self._trigger_ids

    @cached_property
    def _trigger_ids(self) -> frozenset[int]:
        return frozenset(id(i.trigger) for i in self.dockerfile.instructions if i.trigger is not None)

    @cached_property
    def final_stage(self) -> Stage | None:
        if self.options.target:
            named = self.dockerfile.stage_by_name(self.options.target)
            if named is not None:
                return named
        return self.dockerfile.final_stage

    def stage_of(self, instruction: Instruction) -> Stage | None:
        """The stage an instruction (or ONBUILD trigger) is written in; None before the first FROM."""
        return self.stages[instruction.stage] if instruction.stage >= 0 else None

    def lineage(self, stage: Stage) -> list[Stage]:
        """The stage and the in-file stages it is built FROM, nearest first (the last one starts
        from an external image or scratch). A stage continues its parent's filesystem, SHELL,
        USER, ENV and build args."""
        return self._lineages[stage.index]

    @cached_property
    def _lineages(self) -> dict[int, list[Stage]]:
        lineages: dict[int, list[Stage]] = {}
        for stage in self.stages:  # a parent is always an earlier stage
            lineages[stage.index] = [stage, *(lineages[stage.parent.index] if stage.parent else ())]
        return lineages

    @cached_property
    def final_lineage(self) -> list[Stage]:
        """The final (target) stage and the stages it is built FROM: what the shipped image is made of."""
        return self.lineage(self.final_stage) if self.final_stage is not None else []

    @cached_property
    def shipped_stages(self) -> frozenset[int]:
        """Indexes of :attr:`final_lineage`: stages whose layers, history and config are the image.

        Other stages only hand files over through ``COPY --from``, so what their layers hold
        (caches, build tools, secrets) never reaches the image (hadolint #405, #1056).
        """
        return frozenset(s.index for s in self.final_lineage)

    @cached_property
    def stage_dependencies(self) -> dict[int, set[int]]:
        """Stage index -> stages it needs (FROM parent, COPY --from, RUN --mount from=)."""
        deps: dict[int, set[int]] = {s.index: set() for s in self.stages}
        for stage in self.stages:
            if stage.parent is not None:
                deps[stage.index].add(stage.parent.index)
            for instruction in stage.instructions:
                for source in self.stage_sources(instruction):
                    if source is not None and source.index != stage.index:
                        deps[stage.index].add(source.index)
        return deps

    def stage_sources(self, instruction: Instruction) -> list[Stage | None]:
        """Stages an instruction reads from by ``--from`` (COPY) or ``--mount=...,from=`` (RUN)."""
        names: list[str] = []
        value = instruction.flag("from")
        if value is not None and instruction.keyword in ("COPY", "ADD"):
            names.append(value)
        names += [mount.from_stage for mount in instruction.mounts() if mount.from_stage]
        return [self.resolve_stage(name) for name in names]

    def resolve_stage(self, name: str) -> Stage | None:
        """A ``--from`` value as BuildKit reads it: a stage name or a stage index."""
        stage = self.dockerfile.stage_by_name(name)
        if stage is None and name.isdigit() and int(name) < len(self.stages):
            stage = self.stages[int(name)]
        return stage

    # --- shell -------------------------------------------------------------------------------

    @cached_property
    def run_scripts(self) -> list[RunScript]:
        """Every shell script that RUN (and ONBUILD RUN) executes, parsed once."""
        scripts: list[RunScript] = []
        for instruction in self.dockerfile.instructions:
            run = instruction.trigger if instruction.keyword == "ONBUILD" else instruction
            if run is None or run.keyword != "RUN" or run.is_exec_form:
                continue
            scripts.append(RunScript(run, parse_script(run.value, escape=self.dockerfile.escape), None))
            for index, heredoc in enumerate(run.heredocs):
                if not _is_script_heredoc(run, heredoc.name):
                    continue
                starts = [0]
                for line in heredoc.content.splitlines(keepends=True)[:-1]:
                    starts.append(starts[-1] + len(line))
                scripts.append(
                    RunScript(
                        run,
                        parse_script(heredoc.content),
                        index,
                        tuple(starts),
                        heredoc.line,
                    )
                )
        return scripts

    @cached_property
    def shipped_scripts(self) -> list[RunScript]:
        """Scripts of the RUNs in :attr:`shipped_stages`, ONBUILD RUNs written there included."""
        return [script for script in self.run_scripts if script.instruction.stage in self.shipped_stages]

    def scripts_of(self, instruction: Instruction) -> list[RunScript]:
        """The scripts of one RUN (or ONBUILD RUN trigger): its command line, then its heredoc scripts."""
        return self._scripts_by_instruction.get(id(instruction), [])

    @cached_property
    def _scripts_by_instruction(self) -> dict[int, list[RunScript]]:
        found: dict[int, list[RunScript]] = {}
        for script in self.run_scripts:
            found.setdefault(id(script.instruction), []).append(script)
        return found

    def shell_in_force(self, stage: Stage, before: Instruction | None = None) -> list[str] | None:
        """The SHELL (exec form) in force in a stage before an instruction (anywhere in the stage
        when ``before`` is None), or None for the default ``/bin/sh -c``."""
        for link in self.lineage(stage):
            shells = [
                i for i in link.instructions
                if i.keyword == "SHELL" and i.json_args and (link is not stage or before is None or i.index < before.index)
            ]  # fmt: skip
            if shells:
                return shells[-1].json_args
        return None

    def is_windows(self, stage: Stage) -> bool:
        """Windows images: backtick escape, a Windows base image, or a PowerShell/cmd SHELL."""
        return self._windows_stages[stage.index]

    @cached_property
    def _windows_stages(self) -> dict[int, bool]:
        return {stage.index: self._looks_windows(stage) for stage in self.stages}

    def _looks_windows(self, stage: Stage) -> bool:
        if self.dockerfile.escape == "`":
            return True
        root = self.lineage(stage)[-1]
        if any(marker in root.base.resolved.lower() for marker in _WINDOWS_IMAGES):
            return True
        shell = self.shell_in_force(stage)
        return bool(shell) and shell[0].rsplit("\\", 1)[-1].rsplit("/", 1)[-1].lower() in _WINDOWS_SHELLS

    # --- build context -----------------------------------------------------------------------

    @cached_property
    def build_context(self) -> BuildContext | None:
        """The build context, or None when there is none to look at (stdin input, missing dir)."""
        if self.context_dir is None or not self.context_dir.is_dir():
            return None
        return BuildContext(self.context_dir, self.dockerfile_path)


def _is_script_heredoc(run: Instruction, name: str) -> bool:
    """Whether a heredoc body is a shell script that this RUN executes.

    ``RUN <<EOF`` (optionally followed by a shell) runs the body; ``RUN cat <<EOF`` only feeds it
    to a command, and ``RUN <<EOF python3`` or a ``#!/usr/bin/env python`` body is not shell.
    """
    words = run.value.split()
    if not words or not words[0].lstrip("0123456789").startswith("<<") or name not in words[0]:
        return False
    interpreter = next((w for w in words[1:] if not w.startswith("<<")), None)
    if interpreter is not None:
        return interpreter.rsplit("/", 1)[-1] in SHELLS
    heredoc = next(h for h in run.heredocs if h.name == name)
    first_line = heredoc.content.split("\n", 1)[0]
    if first_line.startswith("#!"):
        return any(first_line.rstrip().endswith(shell) or f"/{shell} " in first_line for shell in SHELLS)
    return True
