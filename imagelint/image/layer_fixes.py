"""Fixes that only the built image shows: which RUN wrote the bytes a later RUN deletes or replaces,
and which RUN left a package cache or build debris behind. The image rules ask
:attr:`ImageContext.fixes <imagelint.image.context.ImageContext.fixes>` for them and attach them to
their findings; ``imagelint fix --image`` applies them to the Dockerfile.

Edits are planned from facts of the layers, never from guesses about the commands:

* the paths a layer's whiteouts and opaque markers delete, and the files of the writing layer they
  hid (the same stacking as :mod:`imagelint.image.filesystem`);
* the instruction that made each layer (the join), parsed as shell (:mod:`imagelint.shell`).

A deletion is moved into the RUN that wrote the files (``&& rm -rf PATH`` appended there, the ``rm``
dropped from the later RUN, the later RUN removed when that was all it did) only when its every
operand is a plain absolute path the later layer deletes, no layer in between touches it and no
command before it mentions it. A replacement (a file rewritten, a ``chmod`` copy-up) cannot be
separated: then the later RUN is merged into the writing one, when nothing but metadata
instructions stands between them and the writing RUN leaves the shell's state alone. Anything less
certain gets no fix.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from imagelint import edits
from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Dockerfile, Instruction
from imagelint.fixes import Edit, Fix, TextPositions
from imagelint.image.analysis import Analysis, LayerRow, Leftover
from imagelint.image.filesystem import LayerStack
from imagelint.image.join import Join
from imagelint.image.model import EntryKind, Image
from imagelint.knowledge import package_managers
from imagelint.knowledge.steps import INERT_INSTRUCTIONS
from imagelint.shell import Command
from imagelint.units import format_size

# A RUN may move across these: they change nothing it sees or writes (an ONBUILD trigger runs only
# in a later build).
_NEUTRAL = INERT_INSTRUCTIONS | {"ONBUILD"}
# Commands that change the shell itself: what runs after them in the same RUN runs differently.
_STATEFUL = frozenset(
    "cd pushd popd export unset set umask alias unalias exec exit source . shopt trap readonly local declare "
    "typeset ulimit shift return eval newgrp".split()
)  # fmt: skip
_DELETE = "rm"
# What may follow a script's last simple command for `&& more` to still join the whole script.
_CLOSED = re.compile(r"^(?:[\s;]*(?:fi|done|esac|\}|\)))*\s*$")
# An operand whose value is its text: absolute, no expansion, no glob, no quotes left.
_PLAIN_PATH = re.compile(r"^/[^\n\r\t$`*?\[\]{}~\\'\"!]*$")
_MAX_LISTED = 10  # children of a folder named one by one before a glob is used instead
# Folders that must stay even when the layer created them (a base without /tmp): only emptied.
_KEPT_FOLDERS = frozenset({"tmp", "var/tmp"})


@dataclass(frozen=True, slots=True)
class _Move:
    """One ``rm`` of a later RUN that can run in the writing RUN instead."""

    command: Command
    targets: tuple[str, ...]  # relative, as in the layers: "data/big.bin"
    saved: int  # hidden bytes of the writing layer below those targets


def _quoted(relative: str) -> str:
    return shlex.quote("/" + relative)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def _home_key(path: str) -> str:
    """A cache folder with the home folder abstracted: ``/home/app/.cache/pip`` -> ``~/.cache/pip``."""
    return re.sub(r"^/(?:root|home/[^/]+)(?=/)", "~", path)


class LayerFixes:
    """Plans fixes for one image and the Dockerfile it was built from (a confident join)."""

    def __init__(self, image: Image, analysis: Analysis, join: Join, dockerfile: Dockerfile) -> None:
        self.image = image
        self.analysis = analysis
        self.join = join
        self.dockerfile = dockerfile
        self._lint = LintContext(dockerfile)

    # --- facts of the layers -------------------------------------------------------------------

    @cached_property
    def _hidden(self) -> dict[tuple[int, int], list[tuple[str, int]]]:
        """(writing layer, hiding layer) -> the files of the writing layer hidden, with their sizes."""
        stack = LayerStack()
        for layer in self.image.layers:
            stack.apply(layer.entries)
        found: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
        for hidden in stack.hidden_files:
            found[(hidden.layer, hidden.hidden_by)].append((hidden.path, hidden.size))
        return found

    def _deleted(self, layer: int) -> frozenset[str]:
        """Paths the layer's whiteouts delete and folders its opaque markers empty."""
        return frozenset(
            entry.target for entry in self.image.layers[layer].entries if entry.kind in (EntryKind.WHITEOUT, EntryKind.OPAQUE)
        )

    def _touched(self, root: str, layers: Iterable[int]) -> bool:
        """Whether any of these layers has an entry at or below ``root``."""
        return any(_under(entry.target, root) for k in layers for entry in self.image.layers[k].entries)

    @cached_property
    def _first_layer(self) -> dict[str, int]:
        """Path -> the first layer with an entry at or below it (every entry's folders included)."""
        first: dict[str, int] = {}
        for index, layer in enumerate(self.image.layers):
            for entry in layer.entries:
                path = entry.target
                while path and path not in first:
                    first[path] = index
                    path = posixpath.dirname(path)
        return first

    def _added(self, layer: int, root: str) -> list[str]:
        """Paths the layer writes below ``root`` (whiteouts left out)."""
        kept = (EntryKind.WHITEOUT, EntryKind.OPAQUE, EntryKind.BOOKKEEPING)
        return [e.path for e in self.image.layers[layer].entries if e.kind not in kept and e.path.startswith(root + "/")]

    # --- the Dockerfile side -------------------------------------------------------------------

    def instruction(self, row: LayerRow | None) -> Instruction | None:
        if row is None or row.history_index is None:
            return None
        return self.join.matched.get(row.history_index)

    def _script(self, instruction: Instruction | None) -> RunScript | None:
        """The command line of a shell-form RUN imagelint can edit: plain ``/bin/sh -c`` (no SHELL,
        no Windows escape), no heredocs, no flags, a script parsed completely."""
        if instruction is None or instruction.keyword != "RUN" or instruction.is_exec_form or instruction.heredocs:
            return None
        if instruction.flags or self.dockerfile.escape != "\\" or instruction.stage < 0:
            return None
        if self._lint.shell_in_force(self._lint.stages[instruction.stage], instruction) is not None:
            return None
        scripts = self._lint.scripts_of(instruction)
        if not scripts or scripts[0].script.incomplete or not scripts[0].script.commands:
            return None
        return scripts[0]

    @staticmethod
    def _appendable(script: RunScript) -> bool:
        """Whether `` && more`` at the end joins the whole script (no trailing comment, `;` or `&`)."""
        text = script.script.text
        return bool(_CLOSED.match(text[max(c.end for c in script.script.commands) :]))

    def _between(self, first: Instruction, second: Instruction) -> list[Instruction]:
        stage = self._lint.stages[first.stage]
        return [i for i in stage.instructions if first.index < i.index < second.index]

    def _later_runs(self, instruction: Instruction) -> Iterator[RunScript]:
        """Scripts of the RUNs that build on this one's layer (the rest of the joined chain)."""
        for later in sorted(self.join.matched.values(), key=lambda i: i.index):
            if later.index > instruction.index and later.keyword == "RUN":
                yield from self._lint.scripts_of(later)

    def _source(self, instruction: Instruction) -> str:
        """The RUN's command line as written (continuation lines and all), up to its last character."""
        positions = TextPositions(self.dockerfile.text)
        value = instruction.value.rstrip()
        start = positions.offset(*instruction.position(0))
        line, column = instruction.position(len(value) - 1)
        return self.dockerfile.text[start : positions.offset(line, column) + 1]

    # --- IL9001: bytes written by one RUN, deleted or replaced by a later one --------------------

    def hidden_bytes_fix(self, row: LayerRow) -> Fix | None:
        """Move the later RUNs' deletions of this layer's files into the RUN that wrote them, or merge
        the one later RUN that replaced them into it."""
        writer = self.instruction(row)
        script = self._script(writer)
        if writer is None or script is None or row.index is None or not self._appendable(script):
            return None
        hiders = sorted(h for h in row.hidden_by if h != row.index)
        moves: list[tuple[Instruction, RunScript, list[_Move]]] = []
        for hider in hiders:
            deleter = self.instruction(self.analysis.row_of_layer(hider))
            later = self._script(deleter)
            if deleter is None or later is None or deleter.stage != writer.stage or deleter.index <= writer.index:
                continue
            found = self._moves(row.index, hider, writer, deleter, later)
            if found:
                moves.append((deleter, later, found))
        if moves:
            return self._move_fix(writer, moves)
        if len(hiders) == 1:
            return self._merge_fix(writer, script, hiders[0], row.hidden_by[hiders[0]])
        return None

    def _moves(self, writer_layer: int, hider: int, writer: Instruction, deleter: Instruction, later: RunScript) -> list[_Move]:
        hidden = self._hidden.get((writer_layer, hider), [])
        deleted = self._deleted(hider)
        between_layers = range(writer_layer + 1, hider)
        between = self._between(writer, deleter)
        if any(i.keyword not in _NEUTRAL | {"RUN", "COPY", "ADD", "WORKDIR", "ENV", "ARG", "USER", "SHELL"} for i in between):
            return []  # VOLUME (later changes below it are dropped) or anything unknown
        text = later.script.text
        moves = []
        for command in later.script.commands:
            if command.name != _DELETE or command.depth or command.subshell or command.wrappers or command.assignments:
                continue
            if not all(edits.word_is_exact(later, word) for word in command.words):
                continue
            operands = command.positionals(value_options=())
            if not operands or not all(_PLAIN_PATH.match(op) for op in operands):
                continue
            targets = tuple(dict.fromkeys(posixpath.normpath(op).lstrip("/") for op in operands))
            if any(not t or t == "." or t not in deleted for t in targets):
                continue  # deletes something this layer does not (or more than it shows)
            saved = sum(size for path, size in hidden if any(_under(path, t) for t in targets))
            if not saved or any(self._touched(t, between_layers) for t in targets):
                continue
            mentions = [text[: command.start]] + [i.value for i in between if i.keyword == "RUN"]
            if any(self._mentioned(t, m) for t in targets for m in mentions):
                continue  # something before the rm may read what it deletes
            moves.append(_Move(command, targets, saved))
        return moves if self._removal_edits(deleter, later, [m.command for m in moves]) is not None else []

    @staticmethod
    def _mentioned(target: str, text: str) -> bool:
        name = posixpath.basename(target)
        return ("/" + target) in text or (len(name) >= 3 and name in text)

    def _removal_edits(self, instruction: Instruction, script: RunScript, removed: list[Command]) -> tuple[list[Edit], bool] | None:
        """Edits that drop these top-level commands (and their ``&&``/``;``) from the RUN, and whether
        that removes the whole RUN (nothing else was left); None when they cannot be cut out cleanly."""
        if not removed:
            return [], False
        gone = {id(c) for c in removed}
        if all(id(c) in gone for c in script.script.commands):
            return [edits.remove_instruction(self.dockerfile, instruction)], True
        top = edits.plain_list(script)
        if top is None or not gone <= {id(c) for c in top}:
            return None
        result: list[Edit] = []
        i = 0
        while i < len(top):
            if id(top[i]) not in gone:
                i += 1
                continue
            j = i
            while j + 1 < len(top) and id(top[j + 1]) in gone:
                j += 1
            removal = edits.remove_commands(self.dockerfile, script, top, i, j)
            if removal is None:
                return None  # a pipe, `||` or a comment around it: its logic would change
            result.append(removal)
            i = j + 1
        return result, False

    def _move_fix(self, writer: Instruction, moves: list[tuple[Instruction, RunScript, list[_Move]]]) -> Fix | None:
        targets = list(dict.fromkeys(t for _, _, found in moves for m in found for t in m.targets))
        fix_edits = [edits.append_to_command_line(self.dockerfile, writer, "rm -rf " + " ".join(map(_quoted, targets)))]
        removed_lines = []
        for deleter, later, found in moves:
            removal = self._removal_edits(deleter, later, [m.command for m in found])
            if removal is None:
                return None
            fix_edits.extend(removal[0])
            if removal[1]:
                removed_lines.append(deleter.line)
        saved = sum(m.saved for _, _, found in moves for m in found)
        lines = ", ".join(str(d.line) for d, _, _ in moves)
        description = f"delete {', '.join('/' + t for t in targets)} in the RUN at line {writer.line} that writes it, not at line {lines}"
        if removed_lines:
            description += f" (the RUN at line {', '.join(map(str, removed_lines))} is removed: that was all it did)"
        return Fix(f"{description}; saves {format_size(saved)}", "unsafe", tuple(fix_edits))

    def _merge_fix(self, writer: Instruction, script: RunScript, hider: int, hidden: int) -> Fix | None:
        """The later RUN appended to the writing one (so the replaced copy never reaches a layer)."""
        later_instruction = self.instruction(self.analysis.row_of_layer(hider))
        later = self._script(later_instruction)
        if later_instruction is None or later is None or later_instruction.stage != writer.stage:
            return None
        if later_instruction.index <= writer.index or not self._appendable(later):
            return None
        if any(i.keyword not in _NEUTRAL for i in self._between(writer, later_instruction)):
            return None  # ENV, USER, WORKDIR, ARG, COPY... in between: the commands would run differently
        if any(c.name in _STATEFUL and c.depth == 0 for c in script.script.commands):
            return None  # `cd`, `export`... in the first RUN would change how the second one runs
        body = self._source(later_instruction)
        if any(c.depth == 0 and c.connector not in (None, "&&", "|") for c in later.script.commands):
            body = "{ " + body + "; }"  # `a || b` after `&&` would run b when the first RUN failed
        return Fix(
            f"merge the RUN at line {later_instruction.line} into the RUN at line {writer.line}, whose files it "
            f"replaces; saves {format_size(hidden)}",
            "unsafe",
            (
                edits.append_to_command_line(self.dockerfile, writer, body),
                edits.remove_instruction(self.dockerfile, later_instruction),
            ),
        )

    # --- IL9002 / IL9003: caches and build debris left by a RUN ----------------------------------

    def cleanup_fix(self, layer: int, items: list[Leftover], applicability: str) -> Fix | None:
        """Clean up every one of ``items`` (leftovers of ``layer``) at the end of the RUN that left
        them. Package caches use the manager's own clean command when this RUN runs that manager
        (else its cache folder's contents are removed), and get no fix when a later RUN still uses
        the manager; other leftovers are removed by path."""
        instruction = self.instruction(self.analysis.row_of_layer(layer))
        script = self._script(instruction)
        if instruction is None or script is None or not self._appendable(script):
            return None
        removals: list[str] = []
        commands: list[str] = []
        for item in items:
            if applicability == "safe":
                cleanup = self._cache_cleanup(item, instruction, script)
                if cleanup is None:
                    continue
                kind, text = cleanup
                (removals if kind == "rm" else commands).append(text)
            else:
                removals.extend(self._leftover_paths(item))
        removals = list(dict.fromkeys(removals))
        commands = list(dict.fromkeys(commands))
        if removals:
            commands.append("rm -rf " + " ".join(removals))
        if not commands:
            return None
        cleanup = " && ".join(commands)
        return Fix(
            f"clean up in the RUN at line {instruction.line} that leaves them: `{cleanup}`",
            applicability,
            (edits.append_to_command_line(self.dockerfile, instruction, cleanup),),
        )

    def _cache_cleanup(self, item: Leftover, instruction: Instruction, script: RunScript) -> tuple[str, str] | None:
        key = _home_key(item.path)
        claiming = [m for m in package_managers.MANAGERS if any(_home_key(d) == key for d in m.cache_dirs)]
        ran = [m for m in (package_managers.manager(c.name) for c in script.script.commands) if m is not None]
        families = {m.family for m in claiming} or {m.family for m in ran}
        for later in self._later_runs(instruction):
            if any(package_managers.family_of(c.name) in families for c in later.script.commands):
                return None  # a later RUN still needs the lists or the cache
        cleaner = next((m.cache_clean for m in ran if m in claiming and m.cache_clean), None)
        if cleaner is not None:
            return "command", cleaner
        return "rm", shlex.quote(item.path) + "/*"

    def _leftover_paths(self, item: Leftover) -> list[str]:
        """The folder itself when this layer created it (never /tmp); else what this layer put in it."""
        root = item.path.lstrip("/")
        if root not in _KEPT_FOLDERS and self._first_layer.get(root, item.layer) >= item.layer:
            return [_quoted(root)]
        children = sorted({path[len(root) + 1 :].split("/", 1)[0] for path in self._added(item.layer, root)})
        if len(children) > _MAX_LISTED:
            return [_quoted(root) + "/*"]
        return [_quoted(f"{root}/{child}") for child in children]
