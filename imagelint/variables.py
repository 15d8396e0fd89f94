"""ARG/ENV scopes and ``$VAR`` expansion with BuildKit's word semantics."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(slots=True)
class Scope:
    """Variables visible at one point of a Dockerfile. Copied on write, so instructions can share."""

    args: dict[str, str | None] = field(default_factory=dict)  # None: declared without a default
    envs: dict[str, str] = field(default_factory=dict)
    globals: Scope | None = None  # ARGs declared before the first FROM

    def copy(self) -> Scope:
        return Scope(dict(self.args), dict(self.envs), self.globals)

    def child_for_stage(self) -> Scope:
        """``FROM earlier-stage``: BuildKit starts the stage with its parent's ENV and build args."""
        return Scope(dict(self.args), dict(self.envs), self.globals)

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


@dataclass(frozen=True, slots=True)
class Expansion:
    text: str
    used: tuple[str, ...]  # every variable referenced
    undefined: tuple[str, ...]  # referenced, not defined and with no fallback
    unset: tuple[str, ...] = ()  # declared without a value (``ARG V``) and used with no fallback


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
    fallback expands to the empty string and is listed in ``undefined``.
    """
    if "$" not in text:
        return Expansion(text, (), ())
    is_global = scope.globals is None
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
            out.append(_apply_modifier(name, value, defined, modifier, scope, undefined, for_from))
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
    return Expansion("".join(out), tuple(used), tuple(undefined), tuple(unset))


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
) -> str:
    if not modifier:
        if not defined:
            undefined.append(name)
        return value or ""
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
        return value or ""
    if op == ":-":
        return value if is_set and value is not None else expand(word, scope, for_from=for_from).text
    if op == ":+":
        return expand(word, scope, for_from=for_from).text if is_set else ""
    if not is_set:
        undefined.append(name)
    return value or ""
