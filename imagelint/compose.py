"""The Dockerfiles a Compose project builds, each with the build context, target, build args and
named contexts Compose gives it.

Per the Compose specification (docs/compose.md says what is read and what is not):

- ``build`` is a context path, or a mapping with ``context`` (default ``.``), ``dockerfile``
  (relative to the context), ``dockerfile_inline``, ``target``, ``args`` (a mapping or a list of
  ``NAME=value``; a name without a value takes it from the environment, or is not passed) and
  ``additional_contexts`` (named contexts, which ``COPY --from=name`` may read).
- Several files (``docker compose -f a.yaml -f b.yaml``) merge later over earlier, service by
  service: ``build`` keys override, ``args`` and ``additional_contexts`` merge by name. Relative
  paths in all of them are relative to the first file's folder, the project directory.
- ``extends`` (a service of the same file, or of ``file:``) merges the same way under the service;
  paths in another file are relative to that file.
- ``include`` loads each listed file as a project of its own (its own folder, its own ``.env``);
  its services join the project, and one whose name is taken is left out with a note.
- ``profiles`` do not matter: every service with a ``build`` is linted.
- Interpolation: ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?err}``,
  ``${VAR?err}``, ``${VAR:+alt}``, ``${VAR+alt}``, nested in the operand, and ``$$`` for ``$``;
  from the environment first, then the ``.env`` file of the project directory. Only the keys
  read here are interpolated, so an unset variable elsewhere (``environment:``) costs nothing.

Remote contexts (git and HTTP URLs) cannot be linted and are reported as notes. PyYAML is imported
only when a Compose file is read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from imagelint.documents import DocumentError, load_yaml, read_bytes
from imagelint.lazy_pattern import LazyPattern
from imagelint.variables import closing_brace

# The files docker compose reads when none is named: the first present, and its override.
DEFAULT_OVERRIDES = {
    "compose.yaml": ("compose.override.yaml", "compose.override.yml"),
    "compose.yml": ("compose.override.yml", "compose.override.yaml"),
    "docker-compose.yaml": ("docker-compose.override.yaml", "docker-compose.override.yml"),
    "docker-compose.yml": ("docker-compose.override.yml", "docker-compose.override.yaml"),
}
_REMOTE_CONTEXT = LazyPattern(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
_NAME = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = LazyPattern(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?$", re.DOTALL)
_MERGED_BY_NAME = ("args", "additional_contexts")


class ComposeError(Exception):
    """The Compose file cannot be read or is not a Compose file; the message names the file."""


@dataclass(frozen=True, slots=True)
class ComposeBuild:
    service: str
    context: Path  # the build context directory
    dockerfile: Path | None  # None when the Dockerfile is inline
    dockerfile_inline: str | None
    target: str | None
    args: tuple[tuple[str, str], ...] = ()  # build args, as docker build --build-arg NAME=value
    named_contexts: tuple[str, ...] = ()  # additional_contexts names: COPY --from=NAME reads them
    source: str = ""  # the Compose file that names the service, as shown


@dataclass(frozen=True, slots=True)
class ComposeProject:
    builds: list[ComposeBuild]
    notes: list[str]
    remote: list[str]  # services built from a remote context (git or HTTP URL), not linted


def default_override(path: Path) -> Path | None:
    """The override file docker compose reads along with ``path`` when no ``-f`` is given."""
    for name in DEFAULT_OVERRIDES.get(path.name, ()):
        if (path.parent / name).is_file():
            return path.parent / name
    return None


def read(path: Path, shown: str) -> ComposeProject:
    """Every service's build in ``path`` (a Compose file); ``shown`` names it in messages."""
    return read_files([(path, shown)])


def read_files(files: list[tuple[Path, str]]) -> ComposeProject:
    """One project from several Compose files (``docker compose -f a -f b``), later over earlier."""
    loader = _Loader()
    builds = loader.project(files, files[0][0].parent, files[0][0].parent / ".env", chain=())
    return ComposeProject(builds, list(dict.fromkeys(loader.notes + loader.variables_notes())), loader.remote)


@dataclass
class _Loader:
    notes: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    interpolators: list[Interpolator] = field(default_factory=list)
    documents: dict[str, dict] = field(default_factory=dict)

    def variables_notes(self) -> list[str]:
        return [note for variables in self.interpolators for note in variables.notes]

    def project(self, files: list[tuple[Path, str]], project_dir: Path, env_file: Path, chain: tuple[str, ...]) -> list[ComposeBuild]:
        variables = Interpolator(env_file)
        self.interpolators.append(variables)
        services: dict[str, dict] = {}
        sources: dict[str, str] = {}
        includes: list[tuple[object, str]] = []
        has_services = False
        for path, shown in files:
            document = self.document(path, shown)
            if isinstance(document.get("services"), dict):
                has_services = True
            elif document.get("services") is not None:
                raise ComposeError(f"{shown}: not a Compose file ('services' must be a mapping)")
            for name, definition in (document.get("services") or {}).items():
                where = f"{shown}: service '{name}'"
                layer = self.service_layer(definition, variables, where)
                services[str(name)] = _merge_service(services.get(str(name), {}), layer)
                sources.setdefault(str(name), shown)
            includes += [(entry, shown) for entry in _as_list(document.get("include"), f"{shown}: 'include'")]
        if not has_services and not includes:
            raise ComposeError(f"{files[0][1]}: not a Compose file (no 'services' mapping)")
        builds: list[ComposeBuild] = []
        for name, definition in services.items():
            where = f"{sources[name]}: service '{name}'"
            seen = ((os.path.abspath(files[0][0]), name),)
            definition = self.extended(definition, files[0][0], files[0][1], project_dir, variables, where, seen, local=services)
            build = self.build(name, definition, project_dir, variables, where, sources[name])
            if build is not None:
                builds.append(build)
        for entry, shown in includes:
            for build in self.included(entry, shown, project_dir, variables, chain + tuple(str(p.resolve()) for p, _ in files)):
                if build.service in services:
                    self.notes.append(f"{build.source}: service '{build.service}' is already defined by {sources[build.service]}; the included one was not linted")
                    continue
                services[build.service] = {}
                sources[build.service] = build.source
                builds.append(build)
        return builds

    def document(self, path: Path, shown: str) -> dict:
        import yaml

        key = os.path.abspath(path)
        if key in self.documents:
            return self.documents[key]
        try:
            text = read_bytes(path).decode("utf-8")
        except OSError as err:
            raise ComposeError(f"{shown}: cannot read ({err.strerror})") from None
        except UnicodeDecodeError:
            raise ComposeError(f"{shown}: not a Compose file (not UTF-8 text)") from None
        except DocumentError as err:
            raise ComposeError(f"{shown}: {err}") from None
        try:
            document = load_yaml(text)
        except DocumentError as err:
            raise ComposeError(f"{shown}: {err}") from None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = getattr(err, "problem", None) or "invalid YAML"
            raise ComposeError(f"{shown}: not a Compose file ({problem}{where})") from None
        if not isinstance(document, dict):
            raise ComposeError(f"{shown}: not a Compose file (no 'services' mapping)")
        self.documents[key] = document
        return document

    def service_layer(self, definition: object, variables: Interpolator, where: str) -> dict:
        """The parts of one file's service definition that matter here, interpolated."""
        if definition is None:
            return {}
        if not isinstance(definition, dict):
            raise ComposeError(f"{where}: a service must be a mapping")
        layer: dict = {}
        if "build" in definition:
            layer["build"] = _build_mapping(definition["build"], variables, where)
        if "extends" in definition:
            extends = definition["extends"]
            if isinstance(extends, str):
                extends = {"service": extends}
            if not isinstance(extends, dict) or not isinstance(extends.get("service"), str):
                raise ComposeError(f"{where}: 'extends' must name a service ('extends: base' or 'extends: {{service: base}}')")
            layer["extends"] = {key: variables.expand(str(value), where) for key, value in extends.items() if key in ("service", "file")}
        return layer

    def extended(
        self, definition: dict, path: Path, shown: str, base_dir: Path, variables: Interpolator, where: str, seen: tuple,
        local: dict[str, dict] | None = None,
    ) -> dict:
        """``definition`` with the service it ``extends`` merged under it (recursively). ``local``:
        the project's services, merged from all its files, which ``extends`` without ``file`` names."""
        extends = definition.get("extends")
        if extends is None:
            return definition
        other_path, other_shown, other_dir, other_local = path, shown, base_dir, local
        if "file" in extends:
            other_local = None
            other_path = Path(os.path.normpath(base_dir / extends["file"]))
            other_shown = _shown_beside(shown, os.path.relpath(other_path, path.parent))
            other_dir = other_path.parent
        name = extends["service"]
        key = (os.path.abspath(other_path), name)
        if key in seen:
            raise ComposeError(f"{where}: 'extends' goes round in a circle back to service '{name}'")
        base_where = f"{other_shown}: service '{name}'"
        if other_local is not None:
            if name not in other_local:
                raise ComposeError(f"{where}: extends service '{name}', which {other_shown} does not define")
            base = other_local[name]
        else:
            if not other_path.is_file():
                raise ComposeError(f"{where}: extends file {extends['file']} not found")
            services = self.document(other_path, other_shown).get("services")
            if not isinstance(services, dict) or name not in services:
                raise ComposeError(f"{where}: extends service '{name}', which {other_shown} does not define")
            base = self.service_layer(services[name], variables, base_where)
        base = self.extended(base, other_path, other_shown, other_dir, variables, base_where, seen + (key,), other_local)
        if other_dir != base_dir and "build" in base:
            # Paths in another file are relative to that file: pin the context before merging.
            build = dict(base["build"])
            context = build.get("context", ".")
            if not _REMOTE_CONTEXT.match(context):
                build["context"] = os.path.normpath(other_dir / context)
            base["build"] = build
        merged = _merge_service(base, {k: v for k, v in definition.items() if k != "extends"})
        merged.pop("extends", None)
        return merged

    def build(self, service: str, definition: dict, project_dir: Path, variables: Interpolator, where: str, source: str) -> ComposeBuild | None:
        build = definition.get("build")
        if build is None:
            return None
        context_text = build.get("context", ".")
        if _REMOTE_CONTEXT.match(context_text):
            self.notes.append(f"{where}: remote build context {context_text} was not linted")
            self.remote.append(service)
            return None
        context = Path(os.path.normpath(project_dir / context_text))
        target = build.get("target") or None
        args = tuple((name, value) for name, value in build.get("args", {}).items() if value is not None)
        named = tuple(build.get("additional_contexts", {}))
        inline = build.get("dockerfile_inline")
        if inline is not None:
            return ComposeBuild(service, context, None, inline, target, args, named, source)
        dockerfile = Path(os.path.normpath(context / build.get("dockerfile", "Dockerfile")))
        return ComposeBuild(service, context, dockerfile, None, target, args, named, source)

    def included(self, entry: object, shown: str, base_dir: Path, variables: Interpolator, chain: tuple[str, ...]) -> list[ComposeBuild]:
        where = f"{shown}: 'include'"
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or "path" not in entry:
            raise ComposeError(f"{where}: each entry is a path or a mapping with 'path'")
        paths = [variables.expand(str(p), where) for p in _as_list(entry["path"], where)]
        if not paths:
            return []
        files = []
        for text in paths:
            path = Path(os.path.normpath(base_dir / text))
            if str(path.resolve()) in chain:
                raise ComposeError(f"{where}: {text} includes itself (directly or through other files)")
            if not path.is_file():
                raise ComposeError(f"{where}: {text} not found")
            files.append((path, _shown_beside(shown, os.path.relpath(path, base_dir))))
        project_dir = files[0][0].parent
        if entry.get("project_directory") is not None:
            project_dir = Path(os.path.normpath(base_dir / variables.expand(str(entry["project_directory"]), where)))
        env_files = _as_list(entry.get("env_file"), where)
        env_file = Path(os.path.normpath(base_dir / variables.expand(str(env_files[0]), where))) if env_files else project_dir / ".env"
        return self.project(files, project_dir, env_file, chain)


def _shown_beside(shown: str, relative: str) -> str:
    """A file named from another file's folder, written the way that file was shown."""
    if os.path.isabs(relative):
        return relative
    return os.path.normpath(os.path.join(os.path.dirname(shown), relative))


def _as_list(value: object, where: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    if isinstance(value, list):
        return value
    raise ComposeError(f"{where}: must be a list")


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _build_mapping(build: object, variables: Interpolator, where: str) -> dict:
    """One file's ``build``, in the long form, interpolated: ``args`` and ``additional_contexts``
    as mappings (an arg without a value takes the environment's, or None: not passed)."""
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict):
        raise ComposeError(f"{where}: 'build' must be a path or a mapping")
    out: dict = {}
    for key in ("context", "dockerfile", "dockerfile_inline", "target"):
        if build.get(key) is not None:
            text = _scalar(build[key])
            out[key] = text if key == "dockerfile_inline" else variables.expand(text, f"{where}: build.{key}")
    for key in _MERGED_BY_NAME:
        if build.get(key) is not None:
            out[key] = _named_values(build[key], variables, f"{where}: build.{key}", from_environment=key == "args")
    return out


def _named_values(value: object, variables: Interpolator, where: str, *, from_environment: bool) -> dict[str, str | None]:
    pairs: list[tuple[str, object]] = []
    if isinstance(value, dict):
        pairs = [(str(name), item) for name, item in value.items()]
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                raise ComposeError(f"{where}: list items must be NAME=value strings")
            name, equals, text = variables.expand(str(item), where).partition("=")
            pairs.append((name, text if equals else None))
        return {name: (text if text is not None else variables.values.get(name) if from_environment else None) for name, text in pairs}
    else:
        raise ComposeError(f"{where}: must be a mapping or a list of NAME=value")
    out: dict[str, str | None] = {}
    for name, item in pairs:
        if item is None:
            out[name] = variables.values.get(name) if from_environment else None
        elif isinstance(item, (dict, list)):
            raise ComposeError(f"{where}.{name}: must be a string")
        else:
            out[name] = variables.expand(_scalar(item), where)
    return out


def _merge_service(base: dict, override: dict) -> dict:
    """Compose's merge of two definitions of one service, for the keys read here."""
    merged = dict(base)
    for key, value in override.items():
        if key == "build" and isinstance(merged.get("build"), dict):
            build = dict(merged["build"])
            for build_key, build_value in value.items():
                if build_key in _MERGED_BY_NAME:
                    build[build_key] = {**build.get(build_key, {}), **build_value}
                else:
                    build[build_key] = build_value
            if "dockerfile_inline" in value:
                build.pop("dockerfile", None)
            elif "dockerfile" in value:
                build.pop("dockerfile_inline", None)
            merged["build"] = build
        else:
            merged[key] = value
    return merged


class Interpolator:
    """Compose's variable interpolation, from the environment first, then the ``.env`` file."""

    def __init__(self, env_file: Path) -> None:
        self.values = {**_read_env_file(env_file), **os.environ}
        self.notes: list[str] = []

    def expand(self, text: str, where: str) -> str:
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch != "$" or i + 1 >= n:
                out.append(ch)
                i += 1
                continue
            following = text[i + 1]
            if following == "$":
                out.append("$")
                i += 2
            elif following == "{":
                close = closing_brace(text, i + 2)
                if close < 0:
                    raise ComposeError(f"{where}: invalid interpolation '{text[i:]}' (no closing brace)")
                out.append(self._braced(text[i + 2 : close], where))
                i = close + 1
            elif (name := _NAME.match(text, i + 1)) is not None:
                out.append(self._value(name.group(), where))
                i = name.end()
            else:  # "$" not followed by a name or "{" stays as it is
                out.append("$")
                i += 1
        return "".join(out)

    def _braced(self, braced: str, where: str) -> str:
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
                message = self.expand(arg, where)
                raise ComposeError(f"{where}: required variable {name} is not set{f' ({message})' if message else ''}")
            return value
        if op in (":+", "+"):
            present = value is not None and (op == "+" or value != "")
            return self.expand(arg, where) if present else ""
        return self._value(name, where)

    def _value(self, name: str, where: str) -> str:
        if name not in self.values:
            self.notes.append(f"{where}: variable {name} is not set; an empty string is used, as docker compose does")
            return ""
        return self.values[name]


def _read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines: ``#`` comments (after a space, in unquoted values), ``export``,
    single quotes (literal) and double quotes (``\\n`` escapes)."""
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
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        elif len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace("\\n", "\n").replace('\\"', '"')
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        values[name.strip()] = value
    return values
