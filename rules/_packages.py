"""Facts the package-hygiene rules share: which stages ship, what each RUN mounts, removes and runs.

Computed once per Dockerfile (per :class:`LintContext`) and kept in a weak map, so the eighteen
rules that ask "is this cache mounted, removed or disabled in the same RUN?" never re-scan a file.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction
from imagelint.rule import Violation
from imagelint.shell import Command
from imagelint.variables import Scope, expand

# Home-directory spellings that all mean "the build user's home" for cache paths.
_HOME_PREFIX = re.compile(r"^(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)(?=/|$)")
_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)*)?$")
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)*)?$")


@dataclass
class Run:
    """One RUN instruction: every command of its scripts (command line and heredoc bodies)."""

    instruction: Instruction
    scope: Scope | None
    ships: bool  # its layer ends up in the final image (or it is an ONBUILD trigger)
    onbuild: Instruction | None  # the ONBUILD instruction when this RUN is its trigger
    scripts: list[RunScript] = field(default_factory=list)

    def violation(self, script: RunScript, message: str, command: Command, **kwargs) -> Violation:
        """``script.violation``, attributed to the ONBUILD instruction for an ONBUILD trigger.

        The core gives trigger instructions no index of their own, so pragmas written above the
        ONBUILD line would not reach a finding attributed to the trigger.
        """
        found = script.violation(message, command, **kwargs)
        if self.onbuild is not None:
            found.instruction = self.onbuild
        return found

    def commands(self, *names: str) -> Iterator[tuple[RunScript, Command]]:
        """Commands of every script of this RUN in source order, optionally only those named."""
        if not names:
            return iter(self._ordered)
        if len(names) == 1:
            return iter(self._by_name.get(names[0], ()))
        found = [item for name in names for item in self._by_name.get(name, ())]
        if len(names) > 1 and found:
            position = {id(c): i for i, (_, c) in enumerate(self._ordered)}
            found.sort(key=lambda item: position[id(item[1])])
        return iter(found)

    @cached_property
    def pip_commands(self) -> list[tuple[RunScript, Command, Command]]:
        """(script, command, pip view) for every pip call: ``pip3 ...``, ``python3 -m pip ...``."""
        found = []
        for name, items in self._by_name.items():
            if _PIP.match(name) or _PYTHON.match(name):
                for script, command in items:
                    view = pip_view(command)
                    if view is not None:
                        found.append((script, command, view))
        if len(found) > 1:
            position = {id(c): i for i, (_, c) in enumerate(self._ordered)}
            found.sort(key=lambda item: position[id(item[1])])
        return found

    @cached_property
    def _ordered(self) -> list[tuple[RunScript, Command]]:
        return [(script, command) for script in self.scripts for command in script.commands()]

    @cached_property
    def _by_name(self) -> dict[str, list[tuple[RunScript, Command]]]:
        """Commands by program name, computed once: rules ask for a few names many times."""
        index: dict[str, list[tuple[RunScript, Command]]] = {}
        for item in self._ordered:
            index.setdefault(item[1].name, []).append(item)
        return index

    @cached_property
    def mount_targets(self) -> list[str]:
        """Targets of ``--mount=type=cache`` and ``type=tmpfs``: nothing written there stays in the layer."""
        targets = []
        for spec in self.instruction.flag_values("mount"):
            fields = mount_fields(spec)
            if fields.get("type", "bind") not in ("cache", "tmpfs"):
                continue
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target:
                targets.append(_normalise(self.expand(target)))
        return targets

    @cached_property
    def removed_paths(self) -> list[str]:
        """Paths given to ``rm`` in this RUN, normalised (``/var/lib/apt/lists/*`` -> ``/var/lib/apt/lists``)."""
        paths = []
        for _, command in self.commands("rm"):
            for path in command.positionals(()):
                paths.append(_normalise(self.expand(path)))
        return paths

    def expand(self, text: str) -> str:
        if "$" not in text or self.scope is None or text.startswith(("$HOME", "${HOME}")):
            return text
        return expand(text, self.scope).text

    def keeps_out(self, *paths: str) -> bool:
        """Whether a cache/tmpfs mount or an ``rm`` in this RUN keeps one of ``paths`` out of the layer."""
        wanted = [_normalise(p) for p in paths]
        return any(_covers(t, p) for t in self.mount_targets for p in wanted) or any(
            _covers(r, p) for r in self.removed_paths for p in wanted
        )

    def env(self, name: str, command: Command | None = None) -> str | None:
        """Value of an environment variable for a command: prefix assignment, ``export``, ENV or ARG."""
        if command is not None:
            for key, value in command.assignments:
                if key == name:
                    return value
        exported = None
        for other in self.preceding(command) if command is not None else ():
            if other.name == "export":
                for arg in other.args:
                    key, sep, value = arg.partition("=")
                    if key == name and sep:
                        exported = value
        if exported is not None:
            return exported
        if self.scope is not None:
            return self.scope.lookup(name)
        return None

    def preceding(self, command: Command) -> Iterator[Command]:
        """Commands that run before ``command`` in the same script (source order)."""
        for script in self.scripts:
            commands = script.script.commands
            if any(c is command for c in commands):
                for other in commands:
                    if other is command:
                        return
                    yield other
                return

    def shell_value(self, name: str, before: Command) -> str | None:
        """The value a script variable has when ``before`` runs: ``deps='a b'`` or ``export deps=...`` earlier in
        this RUN, else ENV/ARG."""
        value = None
        for command in self.preceding(before):
            # Bare assignments persist; so do those before a special builtin (`deps='a b' set -x`).
            if not command.words or command.name in _SPECIAL_BUILTINS:
                value = dict(command.assignments).get(name, value)
            if command.name == "export":
                for arg in command.args:
                    key, sep, setting = arg.partition("=")
                    if key == name and sep:
                        value = setting
        if value is None and self.scope is not None:
            value = self.scope.lookup(name)
        return value

    @cached_property
    def config_text(self) -> str:
        """What this RUN writes as configuration, lower-cased: echo/printf/cat/tee text (here-docs
        included) and ``pip config`` arguments. Searched for settings such as ``Install-Recommends``."""
        parts: list[str] = []
        for _, command in self.commands():
            pip = pip_view(command)
            if pip is not None and pip.subcommand() == "config":
                parts.extend(pip.args)
            elif command.name in ("echo", "printf", "tee", "cat"):
                parts.extend(command.args)
                for redirect in command.redirects:
                    if redirect.op.startswith("<<") and redirect.target is not None:
                        if redirect.op == "<<<":
                            parts.append(redirect.target.value)
                        else:
                            parts.append(redirect.body or _dockerfile_heredoc(self, redirect.target.value))
        return " ".join(parts).lower()

    def package_words(self, command: Command, words: list[str]) -> list[str]:
        """Package arguments with whole-word variables expanded: ``$buildDeps`` -> its packages.

        A word that only partly comes from a variable (``curl=${CURL_VERSION}``) is kept as written;
        a variable whose value is unknown is dropped (it cannot be judged).
        """
        out: list[str] = []
        for word in words:
            match = _WHOLE_VARIABLE.match(word)
            if match is None:
                out.append(word)
                continue
            value = self.shell_value(match.group(1) or match.group(2), command)
            if value:
                out.extend(v for v in value.split() if not _WHOLE_VARIABLE.match(v))
        return out


_SPECIAL_BUILTINS = frozenset({"set", ":", "export", "readonly", "eval", ".", "shift", "trap", "unset"})
_WHOLE_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


class PackageFacts:
    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx

    @cached_property
    def shipped_stages(self) -> set[int]:
        """The final stage and the stages it is built FROM: their layers are the image.

        Builder stages only hand files over through ``COPY --from``, so what they leave in their
        own layers (caches, recommended packages) never reaches the image.
        """
        shipped: set[int] = set()
        stage = self.ctx.final_stage
        while stage is not None and stage.index not in shipped:
            shipped.add(stage.index)
            stage = stage.parent
        return shipped

    @cached_property
    def runs(self) -> list[Run]:
        onbuild_of = {id(i.trigger): i for i in self.ctx.instructions if i.keyword == "ONBUILD" and i.trigger}
        by_instruction: dict[int, Run] = {}
        for script in self.ctx.run_scripts:
            instruction = script.instruction
            run = by_instruction.get(id(instruction))
            if run is None:
                outer = onbuild_of.get(id(instruction))
                run = Run(
                    instruction=instruction,
                    scope=outer.scope if outer else instruction.scope,
                    # ONBUILD triggers run in the image built FROM this one: always its final image.
                    ships=outer is not None or instruction.stage in self.shipped_stages,
                    onbuild=outer,
                )
                by_instruction[id(instruction)] = run
            run.scripts.append(script)
        return list(by_instruction.values())


_FACTS: weakref.WeakKeyDictionary[LintContext, PackageFacts] = weakref.WeakKeyDictionary()


def facts(ctx: LintContext) -> PackageFacts:
    found = _FACTS.get(ctx)
    if found is None:
        found = _FACTS[ctx] = PackageFacts(ctx)
    return found


def runs(ctx: LintContext, *, shipped_only: bool = False) -> list[Run]:
    return [r for r in facts(ctx).runs if r.ships or not shipped_only]


def mount_fields(spec: str) -> dict[str, str]:
    """``type=cache,target=/root/.npm,sharing=locked`` -> a dict (BuildKit reads it as CSV)."""
    fields: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if key:
            fields[key] = value.strip().strip("\"'") if sep else "true"
    return fields


def _normalise(path: str) -> str:
    """Comparable form of a path: ``~`` for the home directory, no trailing ``/*`` or ``/``."""
    path = path.strip().strip("\"'")
    path = _HOME_PREFIX.sub("~", path, count=1)
    while path.endswith(("/*", "/.*", "/")) and len(path) > 1:
        path = path[:-2] if path.endswith("/*") else path[:-3] if path.endswith("/.*") else path[:-1]
    if path.startswith("/"):
        path = posixpath.normpath(path)
    return path


def _covers(holder: str, path: str) -> bool:
    """Whether ``holder`` (a mount target or removed path) is ``path`` or one of its parents."""
    if not holder or holder == ".":
        return False
    if any(ch in holder for ch in "*?["):
        # `rm -rf /var/lib/apt/lists*` removes /var/lib/apt/lists itself.
        parts = path.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[:n]), holder) for n in range(1, len(parts) + 1))
    return path == holder or path.startswith(holder.rstrip("/") + "/")


# --- package-manager invocations -----------------------------------------------------------------


def subcommand(command: Command, value_options: Iterable[str] | None = None) -> str | None:
    sub = command.subcommand(value_options)
    return sub.lower() if sub else None


def pip_view(command: Command) -> Command | None:
    """The pip part of ``pip3 install``, ``python3 -m pip install``, ``python -I -m pip ...``."""
    if _PIP.match(command.name):
        return command
    if not _PYTHON.match(command.name):
        return None
    words = command.words
    for i in range(1, len(words) - 1):
        value = words[i].value
        if value == "-m" and words[i + 1].value == "pip":
            return replace(command, words=words[i + 1 :])
        if value == "-mpip":
            return replace(command, words=words[i:])
        if not value.startswith("-"):
            return None  # `python script.py -m pip` runs a script
    return None


def yes_piped_into(script: RunScript, command: Command) -> bool:
    """``yes | apt-get install ...``: the prompt is answered by ``yes``."""
    if command.connector not in ("|", "|&"):
        return False
    return any(c.pipeline == command.pipeline and c.name == "yes" and c.start < command.start for c in script.commands())


def written_config(ctx: LintContext, stage_index: int, before: Instruction, *needles: str) -> bool:
    """Whether an earlier RUN of this stage's lineage writes a config line mentioning a needle.

    Catches ``echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/...`` and ``pip config set
    global.no-cache-dir ...``: the words of echo/printf/cat/tee/pip-config commands are searched
    (see :attr:`Run.config_text`), never the raw RUN text.
    """
    lineage = _lineage(ctx, stage_index)
    lowered = [n.lower() for n in needles]
    for run in facts(ctx).runs:
        if run.onbuild is not None or run.instruction.stage not in lineage or run.instruction.index >= before.index:
            continue
        if any(n in run.config_text for n in lowered):
            return True
    return False


def _dockerfile_heredoc(run: Run, name: str) -> str:
    """``RUN cat > f <<EOF`` on the RUN line: the body is a Dockerfile heredoc, not part of the script."""
    return next((h.content for h in run.instruction.heredocs if h.name == name), "")


def _lineage(ctx: LintContext, stage_index: int) -> set[int]:
    found: set[int] = set()
    if stage_index < 0 or stage_index >= len(ctx.stages):
        return found
    stage = ctx.stages[stage_index]
    while stage is not None and stage.index not in found:
        found.add(stage.index)
        stage = stage.parent
    return found


def shorten(names: list[str], limit: int = 3) -> str:
    """``a, b, c and 4 more`` for messages."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
