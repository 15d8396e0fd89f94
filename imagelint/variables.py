"""ARG/ENV scopes and ``$VAR`` expansion with BuildKit's word semantics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

from imagelint.limits import EXPANDED_BYTES, NESTING, VARIABLE_BYTES, Limit
from imagelint.records import Record

# Build args every build defines without an ARG line (BuildKit's predefined proxy args).
PROXY_ARGS = frozenset(
    {
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
        "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    }
)
# Automatic platform args: usable in FROM lines; inside a stage only after ``ARG NAME``.
PLATFORM_ARGS = {
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
    "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
}


V = TypeVar("V")
_MISSING = object()
# Lookups in a Layered mapping go through at most this many layers: a copy taken past it puts
# every entry into one dict again (so N copies of N variables cost about N²/32, not N²).
_MOST_LAYERS = 32


class _Layer:
    __slots__ = ("entries", "below", "depth")

    def __init__(self, entries: dict, below: _Layer | None) -> None:
        self.entries = entries
        self.below = below
        self.depth = below.depth + 1 if below is not None else 0


class Layered(Mapping[str, V]):
    """A ``str -> value`` mapping whose copies share the entries they were copied with.

    Every ARG and ENV line gives the instructions after it a new scope: copying whole dicts would
    cost N²/2 entries for N variables (a chain of thousands of stages, each adding one, took
    gigabytes). Here a copy freezes the entries so far into a layer both sides keep, and each side
    writes only into a layer of its own. Iteration order is a dict's: first insertion first.
    """

    __slots__ = ("_own", "_below")

    def __init__(self, entries: Mapping[str, V] | None = None, *, _below: _Layer | None = None) -> None:
        self._own: dict[str, V] = dict(entries) if entries else {}
        self._below = _below

    def copy(self) -> Layered[V]:
        if self._own:
            below = _Layer(self._own, self._below)
            if below.depth >= _MOST_LAYERS:
                below = _Layer(self._flattened(), None)
            self._own, self._below = {}, below  # this side's later writes go above the frozen layer too
        return Layered(_below=self._below)

    def _flattened(self) -> dict[str, V]:
        layers = []
        layer = _Layer(self._own, self._below)
        while layer is not None:
            layers.append(layer.entries)
            layer = layer.below
        merged: dict[str, V] = {}
        for entries in reversed(layers):  # oldest first: a key keeps the place of its first insertion
            merged.update(entries)
        return merged

    def __setitem__(self, name: str, value: V) -> None:
        self._own[name] = value

    def __getitem__(self, name: str) -> V:
        value = self._own.get(name, _MISSING)
        layer = self._below
        while value is _MISSING and layer is not None:
            value = layer.entries.get(name, _MISSING)
            layer = layer.below
        if value is _MISSING:
            raise KeyError(name)
        return value  # type: ignore[return-value]

    def __contains__(self, name: object) -> bool:
        if name in self._own:
            return True
        layer = self._below
        while layer is not None:
            if name in layer.entries:
                return True
            layer = layer.below
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._flattened() if self._below is not None else self._own)

    def __len__(self) -> int:
        return len(self._flattened() if self._below is not None else self._own)


class ExpansionBudget:
    """Characters that the expansions of one Dockerfile may still add (limits.EXPANDED_BYTES).

    Each value is bounded by limits.VARIABLE_BYTES, but 30,000 ``COPY $BIG/x`` lines would each
    copy a 1 MB value, for every rule that looks: the file's scopes share one budget."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left

    def __repr__(self) -> str:
        return f"ExpansionBudget({self.left})"


class Scope:
    """Variables visible at one point of a Dockerfile. Copied on write, so instructions can share.
    (Plain slotted classes here and in the Dockerfile model: dataclasses cost start-up.)"""

    __slots__ = ("args", "envs", "globals", "budget")

    def __init__(
        self,
        args: Layered[str | None] | None = None,
        envs: Layered[str] | None = None,
        globals: Scope | None = None,
        budget: ExpansionBudget | None = None,
    ) -> None:
        self.args: Layered[str | None] = Layered() if args is None else args  # None: declared without a default
        self.envs: Layered[str] = Layered() if envs is None else envs
        self.globals = globals  # ARGs declared before the first FROM
        self.budget = budget  # shared by every scope of one Dockerfile

    def __repr__(self) -> str:
        return f"Scope(args={dict(self.args.items())!r}, envs={dict(self.envs.items())!r})"

    def copy(self) -> Scope:
        return Scope(self.args.copy(), self.envs.copy(), self.globals, self.budget)

    def child_for_stage(self) -> Scope:
        """``FROM earlier-stage``: BuildKit starts the stage with its parent's ENV and build args."""
        return Scope(self.args.copy(), self.envs.copy(), self.globals, self.budget)

    def declare_arg(self, name: str, default: str | None) -> None:
        if default is None and self.globals is not None:
            default = self.globals.args.get(name, PLATFORM_ARGS.get(name))
        self.args[name] = default

    def set_env(self, name: str, value: str) -> None:
        self.envs[name] = value

    def is_defined(self, name: str) -> bool:
        return name in self.envs or name in self.args or name in PROXY_ARGS

    def lookup(self, name: str) -> str | None:
        if name in self.envs:
            return self.envs[name]
        return self.args.get(name)


def global_lookup(scope: Scope, name: str) -> str | None:
    value = scope.lookup(name)
    if value is None and scope.globals is None:
        value = PLATFORM_ARGS.get(name)
    return value


class Expansion(Record):
    __slots__ = ("text", "used", "undefined", "unset", "over_limit")

    def __init__(
        self,
        text: str,
        used: tuple[str, ...],  # every variable referenced
        undefined: tuple[str, ...],  # referenced, not defined and with no fallback
        unset: tuple[str, ...] = (),  # declared without a value (``ARG V``) and used with no fallback
        # The limit the value ran into, making it unknown: limits.VARIABLE_BYTES (the text is cut
        # there) or limits.NESTING (``${A:-${B:-...}}`` deeper than that: the inner word is left as is).
        over_limit: Limit | None = None,
    ) -> None:
        self.text = text
        self.used = used
        self.undefined = undefined
        self.unset = unset
        self.over_limit = over_limit


def end_of_name(text: str, start: int, end: int | None = None) -> int:
    """Offset after the variable name that starts at ``text[start]`` (letters, digits, ``_``), before ``end``."""
    if end is None:
        end = len(text)
    i = start
    while i < end and (text[i].isalnum() or text[i] == "_"):
        i += 1
    return i


def expand(text: str, scope: Scope, *, for_from: bool = False) -> Expansion:
    """Expand ``$A``, ``${A}``, ``${A:-x}``, ``${A:+x}``, ``${A-x}``, ``${A+x}``, ``${A:?x}``.

    Single-quoted text and ``\\$`` stay literal. A variable that is neither defined nor given a
    fallback expands to the empty string and is listed in ``undefined``. The result is bounded
    (see :attr:`Expansion.over_limit`), so doubling ARGs (``ARG B=$A$A``...) cannot fill memory.
    """
    if "$" not in text:
        return Expansion(text, (), ())
    room, limit = VARIABLE_BYTES.value(), VARIABLE_BYTES
    budget = scope.budget
    if budget is not None and budget.left < room:
        room, limit = max(budget.left, 0), EXPANDED_BYTES
    expansion = _expand(text, scope, for_from, 0, room, limit)
    if budget is not None:
        budget.left -= max(0, len(expansion.text) - len(text))
    return expansion


def _expand(text: str, scope: Scope, for_from: bool, depth: int, room: int, limit: Limit = VARIABLE_BYTES) -> Expansion:
    """:func:`expand` at ``depth`` levels of ``${A:-...}`` words, with at most ``room`` characters
    of values (``limit`` is the limit that room comes from)."""
    if depth > NESTING.value():
        return Expansion(text, (), (), (), NESTING)
    is_global = scope.globals is None
    over_limit: Limit | None = None
    size = 0
    out: list[str] = []
    used: list[str] = []
    undefined: list[str] = []
    unset: list[str] = []
    i = 0
    n = len(text)
    in_single = False
    while i < n:
        ch = text[i]
        if ch == "'" :
            in_single = not in_single
            out.append(ch)
            i += 1
            continue
        if in_single:
            out.append(ch)
            i += 1
            continue
        if ch == "\\" and i + 1 < n and text[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if ch != "$" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        if text[i + 1] == "{":
            close = closing_brace(text, i + 2)
            if close < 0:
                out.append(text[i:])
                break
            inner = text[i + 2 : close]
            name_end = end_of_name(inner, 0)
            name = inner[:name_end]
            modifier = inner[name_end:]
            i = close + 1
            if not name:
                out.append("${" + inner + "}")
                continue
            used.append(name)
            value = global_lookup(scope, name) if is_global else scope.lookup(name)
            defined = scope.is_defined(name) or (is_global and name in PLATFORM_ARGS)
            piece, inner_over = _apply_modifier(name, value, defined, modifier, scope, undefined, for_from, depth, room - size, limit)
            out.append(piece)
            size += len(piece)
            over_limit = over_limit or inner_over
            if size > room:
                over_limit = limit
                break
            if defined and value is None and not modifier.startswith((":-", "-", ":+", "+")):
                unset.append(name)
            continue
        name_end = end_of_name(text, i + 1)
        if name_end == i + 1:
            out.append("$")
            i += 1
            continue
        name = text[i + 1 : name_end]
        i = name_end
        used.append(name)
        value = global_lookup(scope, name) if is_global else scope.lookup(name)
        defined = scope.is_defined(name) or (is_global and name in PLATFORM_ARGS)
        if not defined:
            undefined.append(name)
        elif value is None:
            unset.append(name)
        out.append(value or "")
        size += len(value or "")
        if size > room:
            over_limit = limit
            break
    text = "".join(out)
    if over_limit is not None and over_limit is not NESTING:
        text = text[:room]
    return Expansion(text, tuple(used), tuple(undefined), tuple(unset), over_limit)


def closing_brace(text: str, start: int, end: int | None = None) -> int:
    """Offset of the ``}`` that closes a ``${`` whose body starts at ``start`` (nested braces
    counted), looking before ``end``; -1 when it is not closed."""
    depth = 1
    for i in range(start, len(text) if end is None else end):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _apply_modifier(
    name: str,
    value: str | None,
    defined: bool,
    modifier: str,
    scope: Scope,
    undefined: list[str],
    for_from: bool,
    depth: int,
    room: int,
    limit: Limit,
) -> tuple[str, Limit | None]:
    """The text ``${name<modifier>}`` stands for, and the limit a word in it ran into, if any."""
    if not modifier:
        if not defined:
            undefined.append(name)
        return value or "", None
    if modifier.startswith((":-", ":+", ":?")):
        op, word = modifier[:2], modifier[2:]
        is_set = bool(value)
    elif modifier[0] in "-+?":
        op, word = ":" + modifier[0], modifier[1:]
        is_set = defined
    else:
        # ${A#pat}, ${A%pat}, ${A/x/y}: the value matters less than knowing A is used.
        if not defined:
            undefined.append(name)
        return value or "", None
    if op == ":-" and not (is_set and value is not None) or op == ":+" and is_set:
        if "$" not in word:
            return word, None
        inner = _expand(word, scope, for_from, depth + 1, max(room, 0), limit)
        return inner.text, inner.over_limit
    if op == ":+":
        return "", None
    if op == ":-":
        return value or "", None
    if not is_set:
        undefined.append(name)
    return value or "", None
