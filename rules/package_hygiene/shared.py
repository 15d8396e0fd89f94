"""Helpers that two or more package-hygiene rules share.

Rules about how package managers are called: prompts, recommends, caches, upgrades and pinning.

Cache rules only look at RUNs whose layers end up in the final image (the final stage and the
stages it is built FROM, plus ONBUILD triggers): what a builder stage leaves behind never ships.
Each accepts the three ways to keep a cache out of a layer: the tool's own switch or setting, a
BuildKit ``RUN --mount=type=cache`` (or ``tmpfs``) on the cache directory, or removing it in the
same RUN.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from imagelint.context import LintContext, RunScript
from imagelint.edits import append_to_command_line, insert_after_word, insert_in_value, newline, replace_in_script
from imagelint.fixes import Edit, Fix
from imagelint.knowledge.package_managers import PIP_INSTALL_VALUE_OPTIONS
from imagelint.knowledge.runs import Run, runs, shorten
from imagelint.lazy_pattern import LazyPattern
from imagelint.rule import Violation
from imagelint.shell import SHELLS, Command

TRUE = frozenset({"1", "true", "yes", "on"})


def apt_option(command: Command, key: str) -> str | None:
    """Value given with ``-o Key=value`` (keys are case-insensitive in apt)."""
    for value in command.option_values("-o", "--option"):
        name, _, setting = value.partition("=")
        if name.strip().lower() == key.lower():
            return setting.strip().strip("\"'").lower()
    return None


PIP_VALUE_OPTIONS = PIP_INSTALL_VALUE_OPTIONS


def first_word(command: Command, value: str) -> int:
    """Index of the word holding ``value`` (for the finding's column); 0 when not found."""
    return next((i for i, w in enumerate(command.words) if i > 0 and w.value == value), 0)


def pin_violation(script: RunScript, command: Command, tool: str, unpinned: list[str], example: str) -> Violation:
    return script.violation(
        f"{tool} installs {shorten(unpinned)} without a version; pin {'it' if len(unpinned) == 1 else 'them'} "
        f"({example}) for reproducible builds",
        command,
        word=first_word(command, unpinned[0]),
    )


def is_local_or_variable(package: str) -> bool:
    return "$" in package or "/" in package or package.startswith(".") or "://" in package


# --- fixes -----------------------------------------------------------------------------------


def option_fix(
    script: RunScript, command: Command, word: int | None, option: str, advice: str, *, applicability: str = "safe"
) -> Fix | str:
    """`` option`` inserted right after the ``word``-th word of ``command`` (``apt-get install`` ->
    ``apt-get install --no-install-recommends``); the ``advice`` string when the word is missing or
    its place in the source is not exact (escapes inside ``sh -c "..."``)."""
    edit = insert_after_word(script, command, word, f" {option}") if word is not None else None
    if edit is None:
        return advice
    return Fix(f"add {option} to {' '.join(w.value for w in command.words[: word + 1])}", applicability, (edit,))


# Run what follows (or, for su/runuser, their script) as another user: a cleanup appended to the
# RUN would run as the RUN's own user, who may not own (or be allowed to remove) the cache.
_USER_SWITCHING = frozenset({"sudo", "doas", "gosu", "su-exec", "su", "runuser", "setpriv", "chpst", "setuidgid"})
# What may follow the last command of a script before its end: the ends of compound commands.
_CLOSERS = LazyPattern(r"(?:\s*;{0,2}\s*(?:fi|done|esac|\}|\)))*\s*")


def runs_as_another_user(script: RunScript, command: Command) -> bool:
    """``sudo apt-get ...``, ``gosu node npm ci``, ``su app -c 'npm ci'``: the command runs as
    someone other than the RUN's user."""
    if set(command.wrappers) & _USER_SWITCHING:
        return True
    return any(
        other is not command
        and other.start <= command.start < other.end
        and (other.name in _USER_SWITCHING or set(other.wrappers) & _USER_SWITCHING)
        for other in script.commands()
    )


def _end_of_script(script: RunScript) -> int | None:
    """Where a command appended with ``&&`` (or on a line of its own) runs last: the end of the
    script text, when all that follows its last simple command is the ends of compound commands.
    None when a trailing ``;``, ``&``, comment or an ``exit``/``exec`` would make an appended
    command wrong or never run."""
    commands = script.script.commands
    if script.script.incomplete or not commands:
        return None
    last = max(commands, key=lambda c: c.end)
    if last.name in ("exit", "exec") or "exec" in last.wrappers:
        return None
    text = script.script.text
    if not _CLOSERS.fullmatch(text, last.end):
        return None
    end = len(text.rstrip())
    return end if end > 0 else None


def _posix_shell(ctx: LintContext, run: Run) -> bool:
    stage = ctx.stage_of(run.instruction)
    shell = ctx.shell_in_force(stage, run.instruction) if stage is not None else None
    return not shell or shell[0].rsplit("/", 1)[-1] in SHELLS


def _starts_heredoc_only(script: RunScript) -> bool:
    """A RUN's command line that only runs its heredoc: ``<<EOF``, ``<<EOF bash``, ``<<EOF sh -e``."""
    commands = script.script.commands
    if len(commands) != 1:
        return False
    command = commands[0]
    if not command.words:
        return True
    return command.name in SHELLS and all(a.startswith("-") and "c" not in a[1:] for a in command.args)


def append_to_run(ctx: LintContext, run: Run, script: RunScript, command: Command, cleanup: str) -> Edit | None:
    """An edit that runs ``cleanup`` (``rm -rf /var/lib/apt/lists/*``) last in the RUN whose script
    holds ``command``, in the RUN's own user and shell: `` && cleanup`` at the end of its command
    line (:func:`~imagelint.edits.append_to_command_line`), or for a heredoc script a line of its
    own before the terminator (after ``set -e``) or `` && cleanup`` at the end of the body's last
    line. None when no exact, correct edit exists: an ONBUILD trigger (whose user is the child's),
    a non-POSIX SHELL, a command run as another user, a script whose end is not the end of its
    last command, or a RUN with several scripts."""
    instruction = run.instruction
    if run.onbuild or not _posix_shell(ctx, run) or runs_as_another_user(script, command):
        return None
    offset = _end_of_script(script)
    if offset is None:
        return None
    if script.heredoc_index is None:
        if len(run.scripts) != 1:
            return None
        if instruction.heredocs:  # the RUN's last line is a heredoc terminator: stay on the command line
            return insert_in_value(instruction, offset, f" && {cleanup}")
        return append_to_command_line(ctx.dockerfile, instruction, cleanup)
    if len(run.scripts) != 2 or len(instruction.heredocs) != 1 or not _starts_heredoc_only(run.scripts[0]):
        return None
    if "e" not in script.script.sets:  # without set -e the RUN's status is its last command's: keep it
        return replace_in_script(script, offset, offset, f" && {cleanup}")
    heredoc = instruction.heredocs[script.heredoc_index]
    last = next((line for line in reversed(script.script.text.splitlines()) if line.strip()), "")
    indent = last[: len(last) - len(last.lstrip(" \t"))]
    return Edit(heredoc.end_line, 1, heredoc.end_line, 1, f"{indent}{cleanup}{newline(ctx.dockerfile)}")


class LaterRuns:
    """Which RUNs do something (``does``), to ask of any RUN whether one that does comes later in
    its stage or in a stage built FROM it (ONBUILD triggers there count wherever they are written).

    Worked out once per Dockerfile and rule, so asking it for every RUN of a chain of N stages
    costs N, not N² as comparing every RUN with every later one would.
    """

    def __init__(self, ctx: LintContext, does: Callable[[Run], bool]) -> None:
        self._ctx = ctx
        self._indexes: dict[int, list[int]] = {}  # stage -> indexes of its RUNs that do, in order
        self._triggers: dict[int, list[Run]] = {}  # stage -> its ONBUILD trigger RUNs that do
        for run in runs(ctx):
            if run.instruction.stage >= 0 and does(run):
                if run.onbuild:
                    self._triggers.setdefault(run.instruction.stage, []).append(run)
                else:
                    self._indexes.setdefault(run.instruction.stage, []).append(run.instruction.index)
        # stage -> whether a stage built FROM it (directly or not) has such a RUN; a child stage
        # always comes after its parent, so walking backwards sees every child first.
        self._below: dict[int, bool] = {}
        for stage in reversed(ctx.stages):
            if stage.parent is not None:
                here = self._below.get(stage.index, False) or stage.index in self._indexes or stage.index in self._triggers
                self._below[stage.parent.index] = self._below.get(stage.parent.index, False) or here

    def after(self, run: Run) -> bool:
        stage = run.instruction.stage
        if stage < 0:
            return False
        indexes = self._indexes.get(stage, [])
        if bisect.bisect_right(indexes, run.instruction.index) < len(indexes):
            return True  # a later RUN of the stage (a stage's instructions are numbered in order)
        if any(other is not run for other in self._triggers.get(stage, [])):
            return True
        return self._below.get(stage, False)
