"""IL1002 package-index-update-alone."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction, Stage
from imagelint.edits import (
    changes_shell_state,
    command_source,
    connector_between,
    editable_run,
    insert_in_value,
    plain_list,
    remove_commands,
    remove_instruction,
)
from imagelint.fixes import Fix
from imagelint.knowledge.package_managers import MANAGERS, family_of, index_commands, index_use
from imagelint.knowledge.steps import INERT_INSTRUCTIONS, Located, Sequence, run_commands, walk
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import SHELLS, Command


# Programs that refresh a package index (``apt-get update``, ``dnf makecache``): both checks start from one.
_INDEX_UPDATERS = tuple(sorted(command for m in MANAGERS if m.index_updates for command in m.commands))
# Programs that read one (index_use is None for the others): asking a command's subcommand costs
# more than asking its name, so the name is asked first.
_INDEX_READERS = frozenset(command for m in MANAGERS if m.index is not None for command in m.commands)


@rule(
    code="IL1002",
    name="package-index-update-alone",
    family="cache-order",
    severity="warning",
    checkov=("CKV_DOCKER_5",),
    fixes=("safe", "unsafe"),
    instructions=("RUN",),
    mentions=_INDEX_UPDATERS,
)
def package_index_update_alone(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get update` (or `apk update`, `yum makecache`) in a RUN without the install.

    ## Why
    The layer holding the package index is cached on its own. Later, when you add a package to the
    install line, Docker reuses the weeks-old index and the install fails with 404s or installs
    stale versions: the classic "stale apt cache" bug. Reported when a later RUN installs from
    that index without updating it again, and when nothing later in the stage (or in the stages
    built FROM it) installs from it at all: then the RUN only ships the index, tens of megabytes of
    apt lists. Every index update counts: `apt-get`/`apt`/`aptitude update`, `apk update`,
    `yum`/`dnf`/`microdnf`/`tdnf makecache`, `zypper refresh`. A later script, `make` or wrapper
    (`xx-apt-get`) may install from the index unseen, so it counts as a use.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update
    RUN apk add curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    COPY app /usr/local/bin/app
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add --no-cache curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Run the index update and the install in the same RUN, joined with `&&`.

    `imagelint fix` moves the update: the install RUN starts with `<update> && `, and the lone RUN
    is deleted (or, when it does more, loses the update and its `&&`/`;`). The fix is safe when
    only the layer split changes: the lone RUN held just the update, nothing but LABEL, EXPOSE,
    CMD, ENTRYPOINT, HEALTHCHECK or STOPSIGNAL lies between the two RUNs, and the install RUN's
    commands are joined by `&&`; the same commands then run in the same order, environment and
    failure behaviour, and the image holds the same files. Otherwise it is unsafe. It leaves the
    advice when the RUNs are in different stages (a parent stage's update serves its children),
    a USER or SHELL, or a RUN using the same package manager, comes between, the update uses a
    variable or follows a `cd` or `export` in its RUN (an `http_proxy`), or either RUN is not a
    plain list of commands (heredocs, compound commands).

    ## Fix safety
    With other instructions between the two RUNs the update now runs after them: a COPY of a
    sources list, an ENV (a proxy) or a RUN adding a repository changes what the update fetches,
    and so what the install finds. With `;` or `||` in the install RUN, a failing update no longer
    stops the build by itself. Commands left in the lone RUN after the update run without it.
    """
    reported: set[int] = set()
    for sequence, index, step, state in walk(ctx, _LoneUpdates):
        if step.keyword != "RUN":
            continue
        lone_updates = state.updates
        verbs = [
            (v, located)
            for located in run_commands(ctx, step)
            if located.name in _INDEX_READERS and (v := index_use(located.name, located.sub))
        ]
        for (tool, verb), located in verbs:
            if verb == "install" and tool in lone_updates:
                update, lone = lone_updates.pop(tool)
                updated_here = any(v == (tool, "update") and o.command.start < located.command.start for v, o in verbs)
                if index >= sequence.own and not updated_here and id(update.command) not in reported:
                    reported.add(id(update.command))
                    yield update.script.violation(
                        f"'{update.command.name} {update.command.subcommand()}' runs in its own layer but the "
                        f"install is in the RUN at line {step.instruction.line}: the cached index goes stale; "
                        f"update and install in one RUN",
                        update.command,
                        fix=_move_update(ctx, sequence, lone, update, index),
                    )
        tools_installing = {tool for (tool, verb), _ in verbs if verb == "install"}
        for (tool, verb), located in verbs:
            if verb == "update" and tool not in tools_installing:
                lone_updates[tool] = (located, index)
    yield from _unused_updates(ctx)


# Commands that only set up the shell: a RUN of these and an index update does nothing else.
_PLUMBING = frozenset({"set", "export", "true", ":", "echo", "printf"})


def _unused_updates(ctx: LintContext) -> Iterator[Violation]:
    """A RUN that only refreshes an index nothing later in its stage (or the stages built FROM
    it) installs from: its layer only adds the index (apt's package lists) to the image."""
    later_uses: dict[str, _LaterUses] = {}  # index -> where RUNs may use it, worked out when first asked
    for instruction in ctx.of("RUN"):
        updates = _only_updates(ctx, instruction)
        stage = ctx.stage_of(instruction)
        if not updates or stage is None:
            continue
        for script, command, index in updates:
            if index not in later_uses:
                later_uses[index] = _LaterUses(ctx, index)
            if later_uses[index].after(instruction, stage):
                continue
            yield script.violation(
                f"'{command.name} {command.subcommand()}' runs alone and nothing after it installs from that index: "
                "the layer only adds the package index to the image; remove it, or update in the RUN that installs",
                command,
            )


def _only_updates(ctx: LintContext, instruction: Instruction) -> list[tuple[RunScript, Command, str]]:
    """(script, command, index) for each index update of a RUN that does nothing else (shell
    plumbing aside); empty for any other RUN."""
    updates = []
    for script in ctx.scripts_of(instruction):
        for command in script.commands():
            if not command.words:
                continue
            name = command.name
            use = index_use(name, command.subcommand()) if name in _INDEX_READERS else None
            if use is not None and use[1] == "update":
                updates.append((script, command, use[0]))
            elif name not in _PLUMBING:
                return []
    return updates


class _LaterUses:
    """Which RUNs may install from one index, to ask of a RUN whether one comes later in its stage
    or in a stage built FROM it (ONBUILD triggers there count wherever they are written).

    Worked out once per Dockerfile and index, so that asking it for every RUN of a chain of N
    stages costs N, not N² as gathering every later RUN's commands for each would.
    """

    def __init__(self, ctx: LintContext, index: str) -> None:
        self._indexes: dict[int, list[int]] = {}  # stage -> its RUNs that may use the index, in order
        self._triggers: set[int] = set()  # stages with an ONBUILD RUN that may
        for script in ctx.run_scripts:
            run = script.instruction
            if run.stage < 0 or not any(_may_use_index(c, index) for c in script.commands()):
                continue
            if ctx.is_trigger(run):
                self._triggers.add(run.stage)
            else:
                self._indexes.setdefault(run.stage, []).append(run.index)
        # stage -> whether a stage built FROM it (directly or not) has one; a child stage always
        # comes after its parent, so walking backwards sees every child first.
        self._below: dict[int, bool] = {}
        for stage in reversed(ctx.stages):
            if stage.parent is not None:
                here = self._below.get(stage.index, False) or stage.index in self._indexes or stage.index in self._triggers
                self._below[stage.parent.index] = self._below.get(stage.parent.index, False) or here

    def after(self, instruction: Instruction, stage: Stage) -> bool:
        """Whether a RUN after ``instruction`` (of ``stage``) may install from the index."""
        indexes = self._indexes.get(stage.index, [])
        if bisect.bisect_right(indexes, instruction.index) < len(indexes):
            return True  # a later RUN of the stage (a stage's instructions are numbered in order)
        return stage.index in self._triggers or self._below.get(stage.index, False)


def _may_use_index(command: Command, index: str) -> bool:
    """Whether a command installs from ``index``, or may (a script, ``make``, a wrapper such as
    ``xx-apt-get`` whose installs imagelint cannot see)."""
    name = command.name
    if name in _INDEX_READERS:
        use = index_use(name, command.subcommand())
        if use is not None:
            return use == (index, "install")
    first = command.words[0].value if command.words else ""
    if name.endswith(".sh") or name == "make" or first.startswith(("./", "../", "/tmp/", "$")):
        return True
    if name in SHELLS and any(not a.startswith("-") for a in command.args):
        return True  # ``bash /tmp/install.sh``
    return any(tool in name and re.search(rf"(?:^|[-_]){re.escape(tool)}(?:$|[-_])", name) for tool in index_commands(index))


class _LoneUpdates:
    """Package manager -> its update in a RUN that installs nothing, with that RUN's step index."""

    def __init__(self, updates: dict[str, tuple[Located, int]] | None = None) -> None:
        self.updates = updates or {}

    def fork(self) -> _LoneUpdates:
        return _LoneUpdates(dict(self.updates))


def _move_update(ctx: LintContext, sequence: Sequence, lone: int, update: Located, install: int) -> Fix | None:
    """The update moved to the front of the install RUN; None (advice) when that is not exact."""
    source, target = sequence.steps[lone], sequence.steps[install]
    if source.stage is not target.stage or not (editable_run(ctx, source) and editable_run(ctx, target)):
        return None
    text = command_source(update.script, update.command)
    if text is None or update.command.depth or any(ch in text for ch in "$`") or text.rstrip().endswith(ctx.dockerfile.escape):
        return None
    scripts = ctx.scripts_of(source.instruction), ctx.scripts_of(target.instruction)
    if any(len(found) != 1 for found in scripts):
        return None
    alone, installing = plain_list(scripts[0][0]), plain_list(scripts[1][0])
    if alone is None or installing is None or not any(c is update.command for c in alone):
        return None
    family = family_of(update.name)
    position = next(i for i, c in enumerate(alone) if c is update.command)
    if any(family_of(c.name) == family for c in alone[position + 1 :]):
        return None  # the lone RUN still uses the index after the update
    if changes_shell_state(alone[:position]):
        return None  # an ``export http_proxy=...`` or a ``cd`` there sets up the update
    between = sequence.steps[lone + 1 : install]
    if any(s.keyword in ("USER", "SHELL") for s in between) or any(
        family_of(c.name) == family for s in between if s.keyword == "RUN" for c in run_commands(ctx, s)
    ):
        return None
    only_update = all(c is update.command or c.name == "set" for c in alone)
    removal = (
        remove_instruction(ctx.dockerfile, source.instruction)
        if only_update
        else remove_commands(ctx.dockerfile, scripts[0][0], alone, position, position)
    )
    if removal is None:
        return None
    joints = {connector_between(scripts[1][0], a, b) for a, b in zip(installing, installing[1:])}
    safe = only_update and all(s.keyword in INERT_INSTRUCTIONS for s in between) and joints <= {"&&", "|", "|&"}
    prefix = insert_in_value(target.instruction, 0, f"{text} && ")
    return Fix(
        f"run {update.name} {update.sub} in the RUN at line {target.instruction.line}",
        "safe" if safe else "unsafe",
        (prefix, removal),
    )

