"""Facts about one Dockerfile that many rules need, each computed once per file.

Rules receive a :class:`LintContext` and read what they need from it; nothing here is computed
until a rule asks for it, and then only once (the engine runs every rule over the same context).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from imagelint.buildcontext import BuildContext
from imagelint.dockerfile import Dockerfile, Instruction, ParseProblem, Stage
from imagelint.limits import SHELL_TOKENS, over_limit_message
from imagelint.rule import Violation
from imagelint.shell import SHELLS, Command, RecentScripts, Script

T = TypeVar("T")

_UNKNOWN = object()  # LintContext.fact: not computed yet (None is a fact like any other)
_RECENT_SCRIPTS = RecentScripts()  # RUN scripts of the last files linted in this process

_WINDOWS_IMAGES = ("windows", "servercore", "nanoserver", "dotnet/framework")
_WINDOWS_SHELLS = ("powershell", "pwsh", "cmd", "cmd.exe", "powershell.exe", "pwsh.exe")


class RunScript:
    """The shell script of one RUN (its command line, or a heredoc body) and where its text sits.
    (A plain slotted class, as the other classes every lint imports: dataclasses cost start-up.)"""

    __slots__ = ("instruction", "script", "heredoc_index", "_line_starts", "_first_line", "_names", "_by_name")

    def __init__(
        self,
        instruction: Instruction,
        script: Script,
        heredoc_index: int | None,  # None: the RUN's own command line
        _line_starts: tuple[int, ...] = (),  # for heredoc bodies: offset of each body line
        _first_line: int = 0,
    ) -> None:
        self.instruction = instruction
        self.script = script
        self.heredoc_index = heredoc_index
        self._line_starts = _line_starts
        self._first_line = _first_line
        # Each command's name, and the commands by name, worked out once: rules look commands up
        # by name all the time.
        names = tuple(command.name for command in script.commands)
        by_name: dict[str, list[Command]] = {}
        for command, name in zip(script.commands, names):
            by_name.setdefault(name, []).append(command)
        self._names = names
        self._by_name = by_name

    def __repr__(self) -> str:
        return f"RunScript(line {self.instruction.line}, heredoc {self.heredoc_index})"

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
        by_name = self._by_name
        if len(names) == 1:
            return iter(by_name.get(names[0], ()))
        # Most scripts run one of the programs asked about, or none: then no scan is needed.
        found = [by_name[name] for name in names if name in by_name]
        if not found:
            return iter(())
        if len(found) == 1:
            return iter(found[0])
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


class LintOptions:
    """Settings rules may read (from config or the command line)."""

    __slots__ = ("trusted_registries", "target", "named_contexts", "label_schema", "strict_labels")

    def __init__(
        self,
        trusted_registries: tuple[str, ...] = (),
        target: str | None = None,  # the build target stage, when the user names one
        named_contexts: tuple[str, ...] = (),  # build contexts by name (Compose additional_contexts)
        label_schema: Mapping[str, str] | None = None,  # label key -> type the image must carry
        strict_labels: bool = False,  # no label outside label_schema
    ) -> None:
        self.trusted_registries = trusted_registries
        self.target = target
        self.named_contexts = named_contexts
        self.label_schema: Mapping[str, str] = {} if label_schema is None else label_schema
        self.strict_labels = strict_labels


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

    def forget_facts(self) -> None:
        """Drop the facts worked out so far (the engine calls it once the file's rules have run).
        A fact may keep the context (a rule family's helper object does), and that makes a cycle
        that only the garbage collector frees: on the corpus its collections took 3% of the run.
        Without the facts, the file's model is freed as soon as the lint returns."""
        self._facts.clear()

    def fact(self, compute: Callable[[LintContext], T]) -> T:
        """``compute(self)``, computed on the first call only.

        For facts that one family of rules shares (in its ``rules/<family>/shared.py``): each rule
        asks, the first one pays. Facts that several families need belong here as properties.
        """
        value = self._facts.get(compute, _UNKNOWN)  # one lookup: rules ask for known facts ~60 times a file
        if value is _UNKNOWN:
            value = self._facts[compute] = compute(self)
        return value  # type: ignore[return-value]

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
        USER, ENV and build args.

        Built on each call, never kept: keeping every stage's lineage costs N²/2 entries for a chain
        of N stages. To ask only where a lineage starts or whether it holds a stage, use
        :meth:`root_stage` and :meth:`is_built_from`, which cost nothing per call."""
        chain = []
        link: Stage | None = stage
        while link is not None:
            chain.append(link)
            link = link.parent
        return chain

    def root_stage(self, stage: Stage) -> Stage:
        """The last stage of :meth:`lineage`: the one that starts from an external image or scratch."""
        return self.stages[self._stage_tree[stage.index][2]]

    def is_built_from(self, stage: Stage, ancestor: Stage) -> bool:
        """Whether ``ancestor`` is in ``stage``'s :meth:`lineage` (the stage itself counts)."""
        enter, leave, _ = self._stage_tree[ancestor.index]
        return enter <= self._stage_tree[stage.index][0] < leave

    @cached_property
    def _stage_tree(self) -> dict[int, tuple[int, int, int]]:
        """Stage index -> (enter, leave, root): the stages built FROM a stage, directly or not, are
        those numbered from its ``enter`` up to its ``leave`` in a depth-first walk of FROM links."""
        children: dict[int, list[int]] = {s.index: [] for s in self.stages}
        for stage in self.stages:
            if stage.parent is not None:
                children[stage.parent.index].append(stage.index)
        numbers: dict[int, tuple[int, int, int]] = {}
        clock = 0
        for top in (s.index for s in self.stages if s.parent is None):
            todo: list[tuple[int, bool]] = [(top, False)]
            enters: dict[int, int] = {}
            while todo:
                index, done = todo.pop()
                if done:
                    numbers[index] = (enters[index], clock, top)
                    continue
                enters[index] = clock
                clock += 1
                todo.append((index, True))
                todo.extend((child, False) for child in reversed(children[index]))
        return numbers

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
        """Every shell script that RUN (and ONBUILD RUN) executes, parsed once.

        At most ``limits.SHELL_TOKENS`` words and operators are modelled in all (about 1 kB of
        memory each): the scripts past them are cut or empty, and :attr:`limit_problems` says so.
        """
        scripts: list[RunScript] = []
        room = SHELL_TOKENS.value()
        taken: set[int] = set()

        def parse(text: str, escape: str = "\\") -> Script:
            nonlocal room
            script = _RECENT_SCRIPTS.parse(text, escape, room, taken)
            room = max(0, room - script.tokens)
            return script

        for instruction in self.dockerfile.instructions:
            run = instruction.trigger if instruction.keyword == "ONBUILD" else instruction
            if run is None or run.keyword != "RUN" or run.is_exec_form:
                continue
            scripts.append(RunScript(run, parse(run.value, self.dockerfile.escape), None))
            runs_heredocs = _script_heredoc_names(run) if run.heredocs else frozenset()
            for index, heredoc in enumerate(run.heredocs):
                if heredoc.name not in runs_heredocs:
                    continue
                starts = [0]
                for line in heredoc.content.splitlines(keepends=True)[:-1]:
                    starts.append(starts[-1] + len(line))
                scripts.append(
                    RunScript(
                        run,
                        parse(heredoc.content),
                        index,
                        tuple(starts),
                        heredoc.line,
                    )
                )
        return scripts

    @cached_property
    def limit_problems(self) -> list[ParseProblem]:
        """Limits this file ran into after parsing (the shell model's), as parse problems: the
        first RUN whose script was cut, and that the RUNs after it are not checked."""
        cut = next((s for s in self.run_scripts if s.script.truncated), None)
        if cut is None:
            return []
        line = cut.instruction.line
        message = over_limit_message(
            "the RUN scripts of this file hold more words and operators than",
            SHELL_TOKENS,
            "the commands from this RUN on are not checked",
        )
        return [ParseProblem(line, cut.instruction.end_line, message)]

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
        if before is None:
            return self._shell_at_end[stage.index]
        shells = [i for i in stage.instructions if i.keyword == "SHELL" and i.json_args and i.index < before.index]
        if shells:
            return shells[-1].json_args
        return self._shell_at_end[stage.parent.index] if stage.parent is not None else None

    @cached_property
    def _shell_at_end(self) -> dict[int, list[str] | None]:
        """The SHELL in force at the end of each stage: its own last one, else its parent's."""
        ends: dict[int, list[str] | None] = {}
        for stage in self.stages:  # a parent is always an earlier stage
            shells = [i for i in stage.instructions if i.keyword == "SHELL" and i.json_args]
            inherited = ends[stage.parent.index] if stage.parent is not None else None
            ends[stage.index] = shells[-1].json_args if shells else inherited
        return ends

    def is_windows(self, stage: Stage) -> bool:
        """Windows images: backtick escape, a Windows base image, or a PowerShell/cmd SHELL."""
        return self._windows_stages[stage.index]

    @cached_property
    def _windows_stages(self) -> dict[int, bool]:
        return {stage.index: self._looks_windows(stage) for stage in self.stages}

    def _looks_windows(self, stage: Stage) -> bool:
        if self.dockerfile.escape == "`":
            return True
        root = self.root_stage(stage)
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


def _script_heredoc_names(run: Instruction) -> frozenset[str]:
    """Names of the heredocs whose body is a shell script that this RUN executes.

    ``RUN <<EOF`` (optionally followed by a shell) runs the body; ``RUN cat <<EOF`` only feeds it
    to a command, and ``RUN <<EOF python3`` or a ``#!/usr/bin/env python`` body is not shell.
    Worked out once per RUN: a RUN with thousands of heredocs splits its line once, not once each.
    """
    words = run.value.split()
    if not words or not words[0].lstrip("0123456789").startswith("<<"):
        return frozenset()
    named = {h.name for h in run.heredocs if h.name in words[0]}
    interpreter = next((w for w in words[1:] if not w.startswith("<<")), None)
    if interpreter is not None:
        return frozenset(named) if interpreter.rsplit("/", 1)[-1] in SHELLS else frozenset()
    first_bodies: dict[str, str] = {}
    for heredoc in run.heredocs:
        first_bodies.setdefault(heredoc.name, heredoc.content)
    return frozenset(name for name in named if _is_shell_body(first_bodies[name]))


def _is_shell_body(content: str) -> bool:
    """A body's ``#!`` line, when it has one, names a shell."""
    first_line = content.split("\n", 1)[0]
    if first_line.startswith("#!"):
        return any(first_line.rstrip().endswith(shell) or f"/{shell} " in first_line for shell in SHELLS)
    return True
