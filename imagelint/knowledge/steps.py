"""Facts the cache-order and layer-merging rules share: where each step runs, what it copies.

A *step* is one instruction of a stage (or of its ONBUILD triggers) with the WORKDIR and the
ARG/ENV scope in force when it runs. Paths are compared after ARG/ENV expansion and against the
WORKDIR (and ``cd`` inside a RUN), so ``COPY app/ .`` then ``RUN chown -R app /srv/app`` under
``WORKDIR /srv/app`` is seen as touching the copied files.
"""

from __future__ import annotations

import posixpath
import re
import sys
import weakref
from collections.abc import Callable, Iterator
from typing import Protocol, Self, TypeVar

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction, Stage
from imagelint.knowledge.context_sources import context_sources, is_remote, is_whole_tree, remote_file_name
from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record
from imagelint.rule import Rule
from imagelint.shell import Command
from imagelint.variables import PLATFORM_ARGS, Scope, expand

# Instructions that change nothing a RUN sees or writes: fixes may move or merge RUNs across them.
INERT_INSTRUCTIONS = frozenset({"LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER"})

_HOME = LazyPattern(r"^(?:~|\$HOME|\$\{HOME\})(?=/|$)")


# --- stages ---------------------------------------------------------------------------------------


def size_rule_stages(ctx: LintContext, rule: Rule) -> frozenset[int]:
    """Stages a size rule looks at: shipped ones, or every stage with ``builder-stages = true``."""
    if rule.options["builder-stages"]:
        return frozenset(s.index for s in ctx.stages)
    return ctx.shipped_stages


# --- paths ----------------------------------------------------------------------------------------


def expand_word(text: str, scope: Scope | None) -> str | None:
    """ARG/ENV-expanded text, or None when a variable has no value we can know."""
    if "$" not in text:
        return text
    home = _HOME.match(text)
    if home:
        text = "/root" + text[home.end() :]
    if "$" not in text:
        return text
    if scope is None:
        return None
    expansion = expand(text, scope)
    if expansion.undefined or "$" in expansion.text:
        return None
    if any(scope.lookup(name) is None and name not in PLATFORM_ARGS for name in expansion.used):
        return None  # ``ARG X`` without a default: the value comes from the build command
    return expansion.text


def resolve(path: str, cwd: str) -> str:
    """Absolute, normalised form of ``path`` seen from ``cwd``; ``~`` is root's home."""
    if path.startswith("~"):
        path = "/root" + path[1:]
    return posixpath.normpath(posixpath.join(cwd or "/", path))


def is_under(path: str, parent: str) -> bool:
    """Whether ``path`` is ``parent`` or inside it."""
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def strip_glob(path: str) -> str:
    """``/var/lib/apt/lists/*`` -> ``/var/lib/apt/lists``: the directory a glob empties."""
    while path.endswith(("/*", "/.*")) and len(path) > 2:
        path = path.rsplit("/", 1)[0]
    return path or "/"


# --- mounts ---------------------------------------------------------------------------------------


def cache_mount_targets(step: Step) -> list[str]:
    """Targets of a RUN step's cache and tmpfs mounts: what is written there never lands in the layer."""
    targets = []
    for mount in step.instruction.mounts():
        if mount.type in ("cache", "tmpfs") and mount.target:
            expanded = expand_word(mount.target, step.scope)
            if expanded is not None:
                targets.append(resolve(expanded, step.workdir))
    return targets


def has_cache_mount(instruction: Instruction) -> bool:
    return any(mount.type == "cache" for mount in instruction.mounts())


# --- steps ----------------------------------------------------------------------------------------


class Step:
    """One instruction of a stage with the WORKDIR in force when it runs."""

    __slots__ = ("instruction", "stage", "workdir", "keyword", "_copy", "__weakref__")

    def __init__(self, instruction: Instruction, stage: Stage, workdir: str) -> None:
        self.instruction = instruction  # for ONBUILD, the trigger (RUN, COPY...) it wraps
        self.stage = stage
        self.workdir = workdir
        # Read by every rule at every step of its walk: an attribute, not a property.
        self.keyword: str = instruction.keyword
        # False: not worked out yet (only COPY and ADD bring anything in)
        self._copy: Copy | None | bool = False if self.keyword in ("COPY", "ADD") else None

    def __repr__(self) -> str:
        return f"Step({self.keyword} at line {self.instruction.line}, workdir={self.workdir!r})"

    @property
    def scope(self) -> Scope | None:
        """The ARG/ENV in force (an ONBUILD trigger has its ONBUILD's)."""
        return self.instruction.scope

    @property
    def copy(self) -> Copy | None:
        """What a COPY/ADD step brings in (None for other instructions), worked out once."""
        if self._copy is False:
            self._copy = copy_of(self)
        return self._copy  # type: ignore[return-value]


def _workdir_after(instruction: Instruction, current: str) -> str:
    target = instruction.value.strip().strip("\"'")
    expanded = expand_word(target, instruction.scope)
    if expanded is None:
        return current  # an unknown WORKDIR: keep the last one we know
    return resolve(expanded, current)


def _stage_steps(stage: Stage, start: str) -> tuple[list[Step], list[Step], str]:
    """The stage's own instructions in order (FROM and ONBUILD left out), its ONBUILD triggers in
    order (they run in the image built FROM this one), and the WORKDIR it ends with; ``start``:
    the WORKDIR its parent stage ends with."""
    current, trigger_workdir = start, "/"
    steps, triggers = [], []
    for instruction in stage.instructions[1:]:
        if instruction.keyword == "ONBUILD":
            trigger = instruction.trigger
            if trigger is not None:
                if trigger.keyword == "WORKDIR":
                    trigger_workdir = _workdir_after(trigger, trigger_workdir)
                triggers.append(Step(trigger, stage, trigger_workdir))
            continue
        if instruction.keyword == "WORKDIR":
            current = _workdir_after(instruction, current)
        steps.append(Step(instruction, stage, current))
    return steps, triggers, current


class Sequence:
    """The steps that stack up to one stage's layers, as a walk sees them.

    A stage built FROM another continues its parent's layers (and cache keys), so ``steps`` starts
    with the parent's steps; findings belong to the steps from ``own`` on, so that a parent's
    problems are not reported again for each child. During :func:`walk` ``steps`` holds the steps
    up to the one being visited (later ones are not there yet).
    """

    __slots__ = ("steps", "own")

    def __init__(self, steps: list[Step], own: int = 0) -> None:
        self.steps = steps
        self.own = own

    def owned(self) -> Iterator[tuple[int, Step]]:
        for index in range(self.own, len(self.steps)):
            yield index, self.steps[index]


class WalkState(Protocol):
    """What a rule remembers while it walks the steps: a child stage starts from a copy of its
    parent's state at the end of the parent (``fork``), so the parent's steps are walked once."""

    def fork(self) -> Self: ...


State = TypeVar("State", bound=WalkState)


class Stateless:
    """The state of a rule that looks at each step alone (or at the step before it)."""

    def fork(self) -> Stateless:
        return self


class _StageTree(Record):
    """Each stage's own steps and ONBUILD triggers, and the stages built FROM it."""

    __slots__ = ("steps", "triggers", "children", "roots")

    def __init__(
        self,
        steps: dict[int, list[Step]],
        triggers: dict[int, list[Step]],
        children: dict[int, list[int]],
        roots: list[int],
    ) -> None:
        self.steps = steps
        self.triggers = triggers
        self.children = children
        self.roots = roots


def _stage_tree(ctx: LintContext) -> _StageTree:
    steps: dict[int, list[Step]] = {}
    triggers: dict[int, list[Step]] = {}
    children: dict[int, list[int]] = {}
    roots = []
    ends: dict[int, str] = {}  # the WORKDIR each stage ends with, where a child stage starts
    for stage in ctx.stages:  # in order: a stage is built FROM an earlier one (or an image)
        children[stage.index] = []
        if stage.parent is None:
            roots.append(stage.index)
            start = "/"
        else:
            children[stage.parent.index].append(stage.index)
            start = ends[stage.parent.index]
        steps[stage.index], triggers[stage.index], ends[stage.index] = _stage_steps(stage, start)
    return _StageTree(steps, triggers, children, roots)


def walk(
    ctx: LintContext, new_state: Callable[[], State], stages: frozenset[int] | None = None
) -> Iterator[tuple[Sequence, int, Step, State]]:
    """``(sequence, index, step, state)`` for every step of every stage's sequence (``stages``
    only, or all), then for each stage's ONBUILD triggers as a sequence of their own.

    Each step is visited once: a stage's walk goes on from its parent's state (``state.fork()``
    when the parent has several children), so a chain of N stages costs N steps, not N²/2 as
    walking every stage's sequence from its first step would. ``index`` is the step's position in
    ``sequence.steps``; a step is the rule's to report when ``index >= sequence.own`` (a stage
    outside ``stages`` is walked only for the state its children start from).
    """
    tree: _StageTree = ctx.fact(_stage_tree)
    wanted = _with_ancestors(ctx, stages)
    path: list[Step] = []
    todo: list[tuple[int, State, int]] = [(root, new_state(), 0) for root in reversed(tree.roots) if root in wanted]
    while todo:
        index, state, depth = todo.pop()
        del path[depth:]  # back to the end of this stage's parent
        selected = stages is None or index in stages
        sequence = Sequence(path, len(path) if selected else _NOT_OWNED)
        for step in tree.steps[index]:
            path.append(step)
            yield sequence, len(path) - 1, step, state
        followers = [child for child in tree.children[index] if child in wanted]
        for position, child in enumerate(reversed(followers)):
            # the last child pushed is walked first, with the state itself; the others get copies
            todo.append((child, state if position == len(followers) - 1 else state.fork(), len(path)))
    for index, triggers in tree.triggers.items():
        if triggers and (stages is None or index in stages):
            sequence = Sequence([])
            state = new_state()
            for step in triggers:
                sequence.steps.append(step)
                yield sequence, len(sequence.steps) - 1, step, state


def every_step(ctx: LintContext) -> Iterator[Step]:
    """Each step of every stage, then each ONBUILD trigger, once and in no sequence: for a cheap
    first look at a Dockerfile, before (or instead of) a :func:`walk`."""
    tree: _StageTree = ctx.fact(_stage_tree)
    for steps in (*tree.steps.values(), *tree.triggers.values()):
        yield from steps


_NOT_OWNED = sys.maxsize  # ``own`` of a stage walked only for its children: none of its steps is reported


def _with_ancestors(ctx: LintContext, stages: frozenset[int] | None) -> set[int]:
    """The stages to walk: those asked for and every stage they are built FROM."""
    if stages is None:
        return {s.index for s in ctx.stages}
    wanted: set[int] = set()
    for index in stages:
        stage = ctx.stages[index]
        while stage is not None and stage.index not in wanted:
            wanted.add(stage.index)
            stage = stage.parent
    return wanted


# --- COPY / ADD -----------------------------------------------------------------------------------


def is_git_source(source: str) -> bool:
    return source.startswith("git@") or bool(re.match(r"^(?:https?|ssh|git)://[^#?]+\.git(?:[#?/]|$)", source))


class Copy(Record):
    """What a COPY/ADD brings in.

    Its step keeps it (:attr:`Step.copy`), so it keeps its step weakly: a reference each way would
    make every COPY a cycle that only the garbage collector frees, and with it the step's stage
    and scopes (its collections took 3% of a corpus run)."""

    __slots__ = ("_step", "sources", "destination", "from_stage", "written_destination", "whole_context")

    def __init__(
        self,
        step: Step,
        sources: list[str],  # as written, quotes removed
        destination: str | None,  # absolute and normalised; None when a variable hides it
        from_stage: str | None,  # the ``--from`` value
        written_destination: str,  # as written: ``.``, ``/app/``
        whole_context: bool,  # ``COPY . .``, ``ADD ./ /app``: every context file is an input of this layer
    ) -> None:
        self._step = weakref.ref(step)
        self.sources = sources
        self.destination = destination
        self.from_stage = from_stage
        self.written_destination = written_destination
        self.whole_context = whole_context

    @property
    def step(self) -> Step:
        step = self._step()
        assert step is not None, "a Copy outlived its Step"  # rules reach a Copy only through its step
        return step

    @property
    def instruction(self) -> Instruction:
        return self.step.instruction

    @property
    def from_context(self) -> bool:
        return self.from_stage is None and not self.instruction.heredocs

    @property
    def into_directory(self) -> bool:
        """Whether the destination is surely a directory the sources land in (``/app/``, ``.``)."""
        written = self.written_destination
        return (
            written.endswith("/")
            or written in (".", "..")
            or len(self.sources) > 1
            or any(is_whole_tree(s) or s.endswith("/") for s in self.sources)
        )

    def landing_paths(self, source: str) -> list[tuple[str, bool]]:
        """Where one source may land, each with whether it is surely what was copied (so a path
        inside it is part of the copy).

        ``COPY app/ /srv/`` fills ``/srv``; ``COPY x.sh /usr/local/bin/`` makes ``/usr/local/bin/x.sh``;
        ``COPY x.sh /usr/local/bin`` makes ``/usr/local/bin/x.sh`` when that directory exists and the
        file ``/usr/local/bin`` otherwise: without the image both are kept, the second loosely.
        """
        if self.destination is None:
            return []
        remote = self.instruction.keyword == "ADD" and is_remote(source)
        if is_whole_tree(source) or (source.endswith("/") and not remote) or (remote and is_git_source(source)):
            # a tree copied onto / (a rootfs) cannot be told apart from the base image's files
            return [(self.destination, True)] if self.destination != "/" else []
        name = remote_file_name(source) if remote else posixpath.basename(source)
        if not name:
            return []  # ``ADD https://example.com/ /x/``: no file name to go by
        inside = posixpath.join(self.destination, name)
        if self.into_directory:
            return [(inside, True)]
        return [(self.destination, posixpath.basename(self.destination) == name), (inside, True)]


def copy_of(step: Step) -> Copy | None:
    instruction = step.instruction
    if instruction.keyword not in ("COPY", "ADD"):
        return None
    words = instruction.words()
    if len(words) < 2:
        return None
    destination = expand_word(words[-1], step.scope)
    return Copy(
        step=step,
        sources=words[:-1],
        destination=resolve(destination, step.workdir) if destination else None,
        from_stage=instruction.flag("from"),
        written_destination=words[-1],
        whole_context=not instruction.heredocs and any(s.is_whole_context for s in context_sources(instruction)),
    )


# --- commands in a RUN ----------------------------------------------------------------------------


class Located:
    """A command of a RUN with the directory it runs in (name and subcommand worked out once)."""

    __slots__ = ("script", "command", "cwd", "name", "_sub")

    def __init__(self, script: RunScript, command: Command, cwd: str) -> None:
        self.script = script
        self.command = command
        self.cwd = cwd
        self.name = command.name
        self._sub: str | None | bool = False

    @property
    def sub(self) -> str | None:
        """The subcommand (first positional): ``install`` in ``apt-get -y install curl``."""
        if self._sub is False:
            self._sub = self.command.subcommand()
        return self._sub  # type: ignore[return-value]


def run_commands(ctx: LintContext, step: Step) -> list[Located]:
    """Every command of a RUN step (heredoc scripts included), following top-level ``cd``."""
    return ctx.fact(_located_commands).get(id(step.instruction), [])


def _located_commands(ctx: LintContext) -> dict[int, list[Located]]:
    """RUN instruction id -> its commands, each with the directory it runs in."""
    located: dict[int, list[Located]] = {}
    for step in every_step(ctx):
        if step.keyword == "RUN" and id(step.instruction) not in located:
            located[id(step.instruction)] = _locate(ctx, step)
    return located


def _locate(ctx: LintContext, step: Step) -> list[Located]:
    commands: list[Located] = []
    for script in ctx.scripts_of(step.instruction):
        cwd = step.workdir
        for command in script.commands():
            entry = Located(script, command, cwd)
            commands.append(entry)
            if entry.name == "cd" and command.depth == 0 and not command.subshell:
                target = command.args[0] if command.args else "/root"
                expanded = expand_word(target, step.scope)
                if expanded is not None and expanded != "-":
                    cwd = resolve(expanded, cwd)
    return commands


def references_variable(command: Command, name: str) -> bool:
    """Whether a command's words (or env prefixes) use ``$name``/``${name...}``."""
    pattern = re.compile(r"\$(?:\{)?" + re.escape(name) + r"(?![A-Za-z0-9_])")
    texts = [w.raw for w in command.raw_words] + [value for _, value in command.assignments]
    return any(pattern.search(text) for text in texts)
