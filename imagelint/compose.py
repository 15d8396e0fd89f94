"""The Dockerfiles a Compose file builds, each with the build context and target Compose uses.

Per the Compose specification: ``build`` is a context path, or a mapping with ``context``
(default ``.``, relative to the Compose file's folder), ``dockerfile`` (relative to the context),
``dockerfile_inline`` and ``target``. ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}`` and ``$$``
are interpolated from the environment and the ``.env`` file beside the Compose file, as ``docker
compose`` does. Remote contexts (git and HTTP URLs) cannot be linted and are reported as notes.

PyYAML is imported only when a Compose file is read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

COMPOSE_NAME = re.compile(r"^(docker-)?compose(\.[\w.-]+)?\.ya?ml$")
_REMOTE_CONTEXT = re.compile(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
_VARIABLE = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?$", re.DOTALL)


class ComposeError(Exception):
    """The Compose file cannot be read or is not a Compose file; the message names the file."""


@dataclass(frozen=True, slots=True)
class ComposeBuild:
    service: str
    context: Path  # the build context directory
    dockerfile: Path | None  # None when the Dockerfile is inline
    dockerfile_inline: str | None
    target: str | None


@dataclass(frozen=True, slots=True)
class ComposeProject:
    builds: list[ComposeBuild]
    notes: list[str]
    remote: list[str]  # services built from a remote context (git or HTTP URL), not linted


def is_compose_name(name: str) -> bool:
    """``compose.yaml``, ``docker-compose.yml``, ``compose.prod.yaml``, ``docker-compose.override.yml``..."""
    return bool(COMPOSE_NAME.match(name))


def read(path: Path, shown: str) -> ComposeProject:
    """Every service's build in ``path`` (a Compose file); ``shown`` names it in messages."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ComposeError(f"{shown}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ComposeError(f"{shown}: not a Compose file (not UTF-8 text)") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise ComposeError(f"{shown}: not a Compose file ({problem}{where})") from None
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
        raise ComposeError(f"{shown}: not a Compose file (no 'services' mapping)")

    project_dir = path.parent
    variables = Interpolator(project_dir / ".env")
    builds: list[ComposeBuild] = []
    notes: list[str] = []
    remote: list[str] = []
    for service, definition in document["services"].items():
        if not isinstance(definition, dict) or "build" not in definition:
            continue
        where = f"{shown}: service '{service}'"
        build = definition["build"]
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, dict):
            raise ComposeError(f"{where}: 'build' must be a path or a mapping")
        context_text = variables.expand(str(build.get("context", ".")), where)
        if _REMOTE_CONTEXT.match(context_text):
            notes.append(f"{where}: remote build context {context_text} was not linted")
            remote.append(str(service))
            continue
        context = Path(os.path.normpath(project_dir / context_text))
        target = build.get("target")
        target = variables.expand(str(target), where) if target is not None else None
        inline = build.get("dockerfile_inline")
        if inline is not None:
            builds.append(ComposeBuild(str(service), context, None, str(inline), target or None))
            continue
        dockerfile_text = variables.expand(str(build.get("dockerfile", "Dockerfile")), where)
        dockerfile = Path(os.path.normpath(context / dockerfile_text))
        builds.append(ComposeBuild(str(service), context, dockerfile, None, target or None))
    notes.extend(variables.notes)
    return ComposeProject(builds, notes, remote)


class Interpolator:
    """Compose's variable interpolation, from the environment first, then the ``.env`` file."""

    def __init__(self, env_file: Path) -> None:
        self.values = {**_read_env_file(env_file), **os.environ}
        self.notes: list[str] = []

    def expand(self, text: str, where: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            braced = match.group("braced")
            if braced is None:
                return self._value(match.group("bare"), where)
            parts = _BRACED.match(braced)
            if parts is None:
                raise ComposeError(f"{where}: invalid interpolation '${{{braced}}}'")
            name, op, arg = parts.group("name"), parts.group("op"), parts.group("arg") or ""
            value = self.values.get(name)
            if op in (":-", "-"):
                unset = value is None or (op == ":-" and value == "")
                return self.expand(arg, where) if unset else value
            if op in (":?", "?"):
                if value is None or (op == ":?" and value == ""):
                    raise ComposeError(f"{where}: required variable {name} is not set{f' ({arg})' if arg else ''}")
                return value
            if op in (":+", "+"):
                present = value is not None and (op == "+" or value != "")
                return self.expand(arg, where) if present else ""
            return self._value(name, where)

        return _VARIABLE.sub(replace, text)

    def _value(self, name: str, where: str) -> str:
        if name not in self.values:
            self.notes.append(f"{where}: variable {name} is not set; an empty string is used, as docker compose does")
            return ""
        return self.values[name]


def _read_env_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name.strip()] = value
    return values
