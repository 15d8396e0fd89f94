"""Facts the package-hygiene rules share: what each RUN mounts, removes and runs.

Computed once per Dockerfile (see :meth:`LintContext.fact`), so the eighteen rules that ask "is
this cache mounted, removed or disabled in the same RUN?" never re-scan a file.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from itertools import chain, repeat

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction
from imagelint.knowledge.installs import pip_command
from imagelint.lazy_pattern import LazyPattern
from imagelint.shell import Command
from imagelint.variables import Scope, expand

# Home-directory spellings that all mean "the build user's home" for cache paths.
_HOME_PREFIX = LazyPattern(r"^(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)(?=/|$)")


class Run:
    """One RUN instruction: every command of its scripts (command line and heredoc bodies).
    A plain class (no dataclass, which costs start-up) with a ``__dict__`` for its cached properties."""

    def __init__(self, instruction: Instruction, scripts: list[RunScript], ships: bool, onbuild: bool) -> None:
        self.instruction = instruction
        self.scripts = scripts
        self.ships = ships  # its layer ends up in the final image (or it is an ONBUILD trigger)
        self.onbuild = onbuild  # an ONBUILD trigger: it runs in the images built FROM this one

    def __repr__(self) -> str:
        return f"Run(line {self.instruction.line})"

    @property
    def scope(self) -> Scope | None:
        return self.instruction.scope

    def commands(self, *names: str) -> Iterator[tuple[RunScript, Command]]:
        """Commands of every script of this RUN in source order, optionally only those named."""
        # Pairs made by zip and repeat rather than a generator: rules walk these ~300k times a corpus.
        scripts = self.scripts
        if len(scripts) == 1:
            return zip(repeat(scripts[0]), scripts[0].commands(*names))
        return chain.from_iterable(zip(repeat(script), script.commands(*names)) for script in scripts)

    @cached_property
    def pip_commands(self) -> list[tuple[RunScript, Command, Command]]:
        """(script, command, pip view) for every pip call: ``pip3 ...``, ``python3 -m pip ...``."""
        return [(script, command, pip) for script, command in self.commands() if (pip := pip_command(command)) is not None]

    @cached_property
    def mount_targets(self) -> list[str]:
        """Targets of ``--mount=type=cache`` and ``type=tmpfs``: nothing written there stays in the layer."""
        return [
            _normalise(self.expand(mount.target))
            for mount in self.instruction.mounts()
            if mount.type in ("cache", "tmpfs") and mount.target
        ]

    @cached_property
    def removed_paths(self) -> list[str]:
        """Paths given to ``rm`` in this RUN, and those a ``find`` deletes everything under
        (``find /var/lib/apt/lists -mindepth 1 -delete``), normalised (``/var/lib/apt/lists/*`` ->
        ``/var/lib/apt/lists``)."""
        paths = []
        for _, command in self.commands("rm", "find"):
            if command.name == "find":
                if deletes_all_it_finds(command):
                    paths.extend(_normalise(self.expand(path)) for path in find_starts(command.args))
            elif "find" not in command.wrappers:  # find's own `-exec rm {} +` is judged with the find
                paths.extend(_normalise(self.expand(path)) for path in command.positionals(()))
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
            pip = pip_command(command)
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
        a variable whose value is unknown is dropped (it cannot be judged), and so is every name
        the build computes: a ``$(...)`` or backtick word, and the parts of a variable's value that
        a substitution prints (``runDeps="$(scanelf --needed ...)"`` names no package itself).
        """
        out: list[str] = []
        for word in words:
            if is_computed(word):
                continue
            match = WHOLE_VARIABLE.match(word)
            if match is None:
                out.append(word)
                continue
            value = self.shell_value(match.group(1) or match.group(2), command)
            if value:
                literal = without_substitutions(value)
                out.extend(v for v in literal.split() if not WHOLE_VARIABLE.match(v) and not is_computed(v))
        return out


_SPECIAL_BUILTINS = frozenset({"set", ":", "export", "readonly", "eval", ".", "shift", "trap", "unset"})
# A word that is one variable and nothing else: ``$deps``, ``${deps}``.
WHOLE_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def is_computed(word: str) -> bool:
    """Whether a word's text is printed by a command at build time: ``$(...)`` or backticks."""
    return "$(" in word or "`" in word


def without_substitutions(text: str) -> str:
    """``text`` with every ``$(...)`` (``$((...))`` too) and backtick substitution replaced by a
    space: what is left is what the text says literally."""
    if not is_computed(text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("$(", i):
            depth, i = 1, i + 2
            while i < n and depth:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
            out.append(" ")
        elif text[i] == "`":
            close = text.find("`", i + 1)
            i = n if close < 0 else close + 1
            out.append(" ")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _all_runs(ctx: LintContext) -> list[Run]:
    instructions = dict.fromkeys(script.instruction for script in ctx.run_scripts)  # in order, once each
    return [
        Run(
            instruction,
            ctx.scripts_of(instruction),
            # An ONBUILD trigger runs in, and so ships with, every image built FROM this one.
            ships=ctx.is_trigger(instruction) or instruction.stage in ctx.shipped_stages,
            onbuild=ctx.is_trigger(instruction),
        )
        for instruction in instructions
    ]


def runs(ctx: LintContext, *, shipped_only: bool = False) -> list[Run]:
    return [r for r in ctx.fact(_all_runs) if r.ships or not shipped_only]


def find_starts(words: list[str]) -> list[str]:
    """The folders ``find`` starts from (its arguments ``words``): those before the first test."""
    first = _after_find_options(words)
    return words[first : _first_find_test(words, first)]


def _after_find_options(words: list[str]) -> int:
    first = 0
    while first < len(words) and (words[first] in ("-H", "-L", "-P") or words[first].startswith("-O")):
        first += 1  # find's own options come before the folders it starts from
    return first


def _first_find_test(words: list[str], first: int) -> int:
    """Index of find's first test or action (``-type``, ``(``, ``!``) from ``first``."""
    return next((i for i in range(first, len(words)) if words[i].startswith(("-", "(", "!"))), len(words))


# What may stand in a ``find`` that deletes all it finds: options and tests that select every
# entry below the folders it starts from (a `-type f` leaves empty folders: nothing of size).
_FIND_SELECTING_ALL = frozenset(
    {"-type", "-mindepth", "-maxdepth", "-xdev", "-mount", "-depth", "-follow", "-noleaf", "-ignore_readdir_race",
     "-print", "-print0"}
)  # fmt: skip
_FIND_VALUE_TAKERS = frozenset({"-type", "-mindepth", "-maxdepth"})
_RM_RECURSIVE = frozenset({"-r", "-R", "--recursive"})


def deletes_all_it_finds(find: Command) -> bool:
    """``find DIR... -delete`` or ``find DIR... -exec rm -rf {} +`` with no test that picks some
    entries only (``-name``, ``-mtime``, ``-o``...): everything below DIR goes. With ``-maxdepth``
    only a recursive ``rm`` removes what lies deeper."""
    words = find.args
    i = _first_find_test(words, _after_find_options(words))
    removals: list[list[str]] = []  # the argv of each deleting action; -delete as ["-delete"]
    limited = False
    while i < len(words):
        word = words[i]
        if word == "-delete":
            removals.append([word])
        elif word in ("-exec", "-execdir"):
            end = next((j for j in range(i + 1, len(words)) if words[j] in (";", "+")), len(words))
            program = words[i + 1 : end]
            if not program or program[0].rsplit("/", 1)[-1] != "rm" or "{}" not in program:
                return False
            removals.append(program)
            i = end
        elif word in _FIND_SELECTING_ALL:
            limited = limited or word == "-maxdepth"
            i += word in _FIND_VALUE_TAKERS
        else:
            return False
        i += 1
    if limited:
        return bool(removals) and all(_rm_recursive(argv) for argv in removals)
    return bool(removals)


def _rm_recursive(argv: list[str]) -> bool:
    return argv[0] != "-delete" and any(
        a in _RM_RECURSIVE or (a[:1] == "-" and a[1:2] != "-" and ("r" in a or "R" in a)) for a in argv[1:]
    )


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


def yes_piped_into(script: RunScript, command: Command) -> bool:
    """``yes | apt-get install ...``: the prompt is answered by ``yes``."""
    if command.connector not in ("|", "|&"):
        return False
    return any(c.pipeline == command.pipeline and c.name == "yes" and c.start < command.start for c in script.commands())


def written_config(ctx: LintContext, before: Instruction, *needles: str) -> bool:
    """Whether an earlier RUN of this stage's lineage writes a config line mentioning a needle.

    Catches ``echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/...`` and ``pip config set
    global.no-cache-dir ...``: the words of echo/printf/cat/tee/pip-config commands are searched
    (see :attr:`Run.config_text`), never the raw RUN text.
    """
    stage = ctx.stage_of(before)
    if stage is None:
        return False
    lowered = tuple(n.lower() for n in needles)
    found = ctx.fact(_config_writers)
    if lowered not in found:
        found[lowered] = _config_written_by_stage(ctx, lowered)
    own, by_end = found[lowered]
    if any(index < before.index for index in own.get(stage.index, ())):
        return True
    return stage.parent is not None and by_end[stage.parent.index]


def _config_writers(ctx: LintContext) -> dict[tuple[str, ...], tuple[dict[int, list[int]], dict[int, bool]]]:
    """Needles -> what :func:`_config_written_by_stage` found for them (filled as they are asked about)."""
    return {}


def _config_written_by_stage(ctx: LintContext, lowered: tuple[str, ...]) -> tuple[dict[int, list[int]], dict[int, bool]]:
    """(stage -> indexes of its RUNs writing a needle, stage -> whether its lineage has written one
    by its end): worked out once per needle, so asking for every RUN of a long chain of stages
    stays linear."""
    own: dict[int, list[int]] = {}
    for run in ctx.fact(_all_runs):
        if not run.onbuild and run.instruction.stage >= 0 and any(n in run.config_text for n in lowered):
            own.setdefault(run.instruction.stage, []).append(run.instruction.index)
    by_end: dict[int, bool] = {}
    for stage in ctx.stages:  # a parent is always an earlier stage
        by_end[stage.index] = stage.index in own or (stage.parent is not None and by_end[stage.parent.index])
    return own, by_end


def _dockerfile_heredoc(run: Run, name: str) -> str:
    """``RUN cat > f <<EOF`` on the RUN line: the body is a Dockerfile heredoc, not part of the script."""
    return next((h.content for h in run.instruction.heredocs if h.name == name), "")


def shorten(names: list[str], limit: int = 3) -> str:
    """``a, b, c and 4 more`` for messages."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
