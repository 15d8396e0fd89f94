"""The shell-script model: :class:`Script`, a flat list of simple :class:`Command` s, each with its
:class:`Word` s and :class:`Redirect` s, and the option queries rules ask of a command.

Plain data; :func:`~imagelint.shell.parse_script` (in :mod:`imagelint.shell.parser`) builds it.
Words and redirects are named tuples (the parser makes millions, straight from their fields'
tuple); commands and scripts slotted classes: dataclasses cost start-up (see :mod:`imagelint.records`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from imagelint.shell.options import KNOWN_VALUE_OPTIONS, SINGLE_DASH_LONG, takes_next_word

# A ``VAR=value`` (also ``VAR+=``, ``arr[i]=``) word: the shape of ``Command.assignments``.
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_NO_OPTIONS: frozenset[str] = frozenset()  # a program with no entry in KNOWN_VALUE_OPTIONS


class Word(NamedTuple):
    value: str  # quotes and escapes removed; $VAR, ${..}, $(..) and `..` kept as written
    raw: str  # as written in the script it came from
    start: int  # offset of the first character in the text given to parse_script
    end: int  # offset after the last character
    quoted: bool  # any part was quoted or backslash-escaped (so it is never a keyword)


class Redirect(NamedTuple):
    op: str  # '>', '>>', '<', '<<', '<<-', '<<<', '>&', '<&', '&>', '&>>', '<>', '>|'
    fd: str | None  # '2' in '2>/dev/null'; None when not written
    target: Word | None  # the file, fd ('1' in '2>&1') or here-document delimiter
    start: int
    end: int
    body: str | None = None  # here-document text (without the terminator line)


class Command:
    """One simple command.

    ``raw_words`` is everything as written (env prefixes and wrappers included); ``words`` is the
    argv of the program that actually runs, so ``sudo -E DEBIAN_FRONTEND=x env A=1 apt-get ...``
    has ``name == 'apt-get'``, ``wrappers == ['sudo', 'env']``.
    """

    __slots__ = (
        "words",
        "assignments",  # VAR=value prefixes, and those given to `env`
        "wrappers",  # names of stripped wrapper programs, outermost first (see WRAPPERS)
        "start",  # span of the whole simple command, prefixes and redirections included
        "end",
        "connector",  # '&&', '||', ';', '|', '|&', '&', '\n', ';;'..., None for a script's first
        "pipeline",  # commands joined by '|' share it; numbered in source order
        "depth",  # 0 at top level; +1 per enclosing compound command, substitution or `sh -c` string
        "raw_words",
        "redirects",
        "subshell",  # runs in a child shell: ( ... ), $( ... ), `...`, `sh -c '...'`
        # The program's base name ('apt-get' for /usr/bin/apt-get). Rules read it about ten times a
        # command, so it is worked out when the command is made (``with_words`` makes a new one).
        "name",
        # Rules ask for ``subcommand()`` and the like millions of times on a corpus, and a parsed
        # command never changes, so each answer is worked out once. Every cache remembers the
        # ``words`` list it was worked out from: a command given another list (``with_words`` makes
        # a new command anyway) is answered afresh, never from a stale cache.
        "_option_args_cache",
        "_positionals_cache",  # positionals() with the built-in table of value options, the usual question
    )

    def __init__(
        self,
        words: list[Word],
        assignments: list[tuple[str, str]],
        wrappers: list[str],
        start: int,
        end: int,
        connector: str | None,
        pipeline: int,
        depth: int,
        raw_words: list[Word] | None = None,
        redirects: list[Redirect] | None = None,
        subshell: bool = False,
    ) -> None:
        self.words = words
        self.assignments = assignments
        self.wrappers = wrappers
        self.start = start
        self.end = end
        self.connector = connector
        self.pipeline = pipeline
        self.depth = depth
        self.raw_words: list[Word] = [] if raw_words is None else raw_words
        self.redirects: list[Redirect] = [] if redirects is None else redirects
        self.subshell = subshell
        self.name = _basename(words[0].value) if words else ""
        self._option_args_cache: tuple[list[Word], list[str]] | None = None
        self._positionals_cache: tuple[list[Word], list[str]] | None = None

    def __repr__(self) -> str:
        return f"Command({' '.join(w.raw for w in self.raw_words or self.words)!r} at {self.start})"

    def with_words(self, words: list[Word]) -> Command:
        """This command running ``words`` instead (``sh -c``'s inner program, say), all else kept."""
        return Command(
            words,
            self.assignments,
            self.wrappers,
            self.start,
            self.end,
            self.connector,
            self.pipeline,
            self.depth,
            self.raw_words,
            self.redirects,
            self.subshell,
        )

    @property
    def args(self) -> list[str]:
        return [w.value for w in self.words[1:]]

    def _option_args(self) -> list[str]:
        """``args`` as the option queries read them. Shared between calls: never changed by them."""
        cache = self._option_args_cache
        if cache is not None and cache[0] is self.words:
            return cache[1]
        args = self.args
        # Old-style bundled options: `tar xzf file.tgz` means `tar -xzf file.tgz`.
        if args and self.name == "tar" and args[0][:1].isalpha() and args[0].isalpha():
            args[0] = "-" + args[0]
        self._option_args_cache = (self.words, args)
        return args

    def _value_options(self, value_options: Iterable[str] | None) -> frozenset[str] | set[str]:
        if value_options is None:
            return KNOWN_VALUE_OPTIONS.get(self.name, _NO_OPTIONS)
        return value_options if isinstance(value_options, (set, frozenset)) else set(value_options)

    def has_option(self, *names: str, value_options: Iterable[str] | None = None) -> bool:
        """Whether any of the options is given: ``-y``, ``--yes``, ``-qy`` (has ``-y``), ``--opt=x``.

        Single-letter names are also looked for inside combined short options, but not past a
        letter that takes a value (``tar -C/opt`` has no ``-o``); ``value_options`` overrides the
        built-in table of such options (``KNOWN_VALUE_OPTIONS``). Stops at ``--``.
        """
        wanted = set(names)
        letters = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        vo = self._value_options(value_options)
        whole_words = self.name in SINGLE_DASH_LONG
        args = self._option_args()
        i, n = 0, len(args)
        while i < n:
            a = args[i]
            i += 1
            if a == "--":
                break
            if len(a) < 2 or a[0] != "-":
                continue
            key = a.split("=", 1)[0]
            if key in wanted:
                return True
            if a[1] == "-" or whole_words:
                if key == a and key in vo:
                    i += 1
                continue
            for k in range(1, len(a)):
                ch = a[k]
                if ch in letters:
                    return True
                if "-" + ch in vo:
                    if k == len(a) - 1:
                        i += 1
                    break
        return False

    def option_values(self, *names: str, value_options: Iterable[str] | None = None) -> list[str]:
        """Every value given to these options: ``--target=x``, ``--target x``, ``-t x``, ``-tx``."""
        wanted = set(names)
        letters = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        vo = set(self._value_options(value_options)) | wanted
        whole_words = self.name in SINGLE_DASH_LONG
        args = self._option_args()
        out: list[str] = []
        i, n = 0, len(args)
        while i < n:
            a = args[i]
            i += 1
            if a == "--":
                break
            if len(a) < 2 or a[0] != "-":
                continue
            key, eq, val = a.partition("=")
            if a[1] == "-" or whole_words or key in wanted:
                if key in wanted:
                    if eq:
                        out.append(val)
                    elif i < n:
                        out.append(args[i])
                if not eq and key in vo:
                    i += 1
                continue
            for k in range(1, len(a)):
                ch = a[k]
                if "-" + ch in vo:
                    rest = a[k + 1 :]
                    if not rest and i < n:
                        rest = args[i]
                        i += 1
                    if ch in letters:
                        out.append(rest)
                    break
        return out

    def option_value(self, *names: str, value_options: Iterable[str] | None = None) -> str | None:
        """The value of the last of these options given (the one most programs honour), or None."""
        values = self.option_values(*names, value_options=value_options)
        return values[-1] if values else None

    def positionals(self, value_options: Iterable[str] | None = None) -> list[str]:
        """Arguments that are not options nor option values (everything after ``--`` counts)."""
        if value_options is None:
            return list(self._default_positionals())  # a copy: callers may change theirs
        return self._positionals(self._value_options(value_options))

    def _default_positionals(self) -> list[str]:
        """positionals() with the built-in value options, worked out once. Shared: not to be changed."""
        cache = self._positionals_cache
        if cache is not None and cache[0] is self.words:
            return cache[1]
        positionals = self._positionals(self._value_options(None))
        self._positionals_cache = (self.words, positionals)
        return positionals

    def _positionals(self, vo: frozenset[str] | set[str]) -> list[str]:
        whole_words = self.name in SINGLE_DASH_LONG
        args = self._option_args()
        out: list[str] = []
        i, n = 0, len(args)
        while i < n:
            a = args[i]
            i += 1
            if a == "--":
                out.extend(args[i:])
                break
            if len(a) < 2 or a[0] != "-":
                out.append(a)
                continue
            if takes_next_word(a, vo, whole_words):
                i += 1
        return out

    def subcommand(self, value_options: Iterable[str] | None = None) -> str | None:
        """The first positional argument: ``update`` in ``apt-get -q -o X=1 update``."""
        if value_options is None:
            positionals = self._default_positionals()
        else:
            positionals = self._positionals(self._value_options(value_options))
        return positionals[0] if positionals else None


class Script:
    """Every simple command of a script, in source order, nested ones included.

    Included: bodies of ``if``/``while``/``until``/``for``/``case``/``{ }``/``( )`` and functions
    (keywords are not commands), ``$(...)``, backticks, ``<(...)``, ``${X:-$(...)}``, and the string
    run by ``sh -c``/``bash -c``/``su -c``/``eval '...'``, and each program ``find -exec``/``-execdir``/``-ok``
    runs (one level deeper, ``find`` last in its ``wrappers``). Not included: here-document bodies
    (see ``Redirect.body``) and ``(( ... ))`` arithmetic. A word computed at run time keeps its
    text as its name (``$(which python) -V`` is named ``$(which python)``).

    ``sets`` is the result of the script's own ``set`` commands, in order (``set -e ... set +e``
    leaves ``e`` off), ignoring those in child shells; ``-o errexit`` style names become letters.
    """

    __slots__ = ("text", "commands", "sets", "incomplete", "truncated", "tokens")

    def __init__(
        self,
        text: str,
        commands: list[Command] | None = None,
        sets: frozenset[str] = frozenset(),
        incomplete: bool = False,
        truncated: bool = False,
        tokens: int = 0,
    ) -> None:
        self.text = text
        self.commands: list[Command] = [] if commands is None else commands  # source order, nested ones included
        self.sets = sets  # options on after the script's own `set`s: 'e', 'pipefail'
        self.incomplete = incomplete  # malformed input or nesting past MAX_DEPTH: the model is partial
        self.truncated = truncated  # cut at parse_script's max_tokens: the commands after the cut are missing
        self.tokens = tokens  # words and operators lexed (what max_tokens counts)

    def __repr__(self) -> str:
        return f"Script({len(self.commands)} commands)"

    def pipelines(self) -> list[list[Command]]:
        groups: dict[int, list[Command]] = {}
        for command in self.commands:
            groups.setdefault(command.pipeline, []).append(command)
        return list(groups.values())

    def find(self, *names: str) -> Iterator[Command]:
        wanted = set(names)
        return (c for c in self.commands if c.name in wanted)


def _basename(value: str) -> str:
    base = value.rsplit("/", 1)[-1]
    if ")" not in base and "}" not in base and "`" not in base:
        return base  # the usual plain name: nothing to count
    # `$(which python)` or `${PY:-/usr/bin/python}` is computed at run time: keep it whole.
    if base.count(")") > base.count("(") or base.count("}") > base.count("{") or base.count("`") % 2:
        return value
    return base
