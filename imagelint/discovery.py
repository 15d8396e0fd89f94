"""Which files a ``lint`` run looks at: the paths given, Dockerfiles found below directories, and the
Dockerfiles Compose files build (with the context and target Compose gives them)."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from pathlib import Path

from imagelint.records import Record

# imagelint.compose is imported where a walk or a path may hold Compose files: linting named
# Dockerfiles (the pre-commit case) does not need it.

# The names Dockerfiles go by: docker build's default and its lower-case fallback, the suffix and
# prefix variants projects use for several images (Dockerfile.dev, app.Dockerfile, Dockerfile-ubi9,
# Dockerfile_alpine), and podman's Containerfile with the same variants.
DOCKERFILE_PATTERNS = (
    "Dockerfile", "dockerfile", "Dockerfile.*", "Dockerfile-*", "Dockerfile_*", "*.Dockerfile", "*.dockerfile",
    "Containerfile", "Containerfile.*", "Containerfile-*", "Containerfile_*", "*.Containerfile", "*.containerfile",
)  # fmt: skip
# Folders that never hold the project's own Dockerfiles, only tools' or dependencies' copies.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".terraform",
    }
)
# Found in a directory walk these are templates or ignore files, not Dockerfiles; named
# explicitly on the command line they are still linted.
NOT_DOCKERFILE_SUFFIXES = (
    ".dockerignore", ".gitignore", ".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".erb", ".in", ".m4",
    ".orig", ".bak", ".old", ".rej", ".swp", "~", ".patch", ".diff", ".md", ".rst", ".txt", ".html",
    ".sh", ".ps1", ".bat", ".py", ".json", ".yml", ".yaml", ".toml", ".lock",
)  # fmt: skip
_WHY_NOT = {  # why a name with such a suffix is passed over, for --verbose
    **dict.fromkeys((".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".erb", ".in", ".m4"), "a template"),
    **dict.fromkeys((".orig", ".bak", ".old", ".rej", ".swp", "~", ".patch", ".diff"), "a backup or patch file"),
    **dict.fromkeys((".md", ".rst", ".txt", ".html"), "documentation"),
}


class Target(Record):
    __slots__ = ("path", "shown", "context", "stage", "service", "text", "build_args", "named_contexts")

    def __init__(
        self,
        path: Path | None,  # None: standard input, or a Dockerfile written inline in a Compose file
        shown: str,  # the name used in reports
        context: Path | None = None,  # the build context a Compose file declares
        stage: str | None = None,  # the build target a Compose file declares
        service: str | None = None,  # "compose.yaml: web" for a Dockerfile a Compose service builds
        text: str | None = None,  # the Dockerfile itself, for Compose's dockerfile_inline
        build_args: tuple[tuple[str, str], ...] = (),  # Compose's build.args, as docker build --build-arg
        named_contexts: tuple[str, ...] = (),  # Compose's build.additional_contexts names
    ) -> None:
        self.path = path
        self.shown = shown
        self.context = context
        self.stage = stage
        self.service = service
        self.text = text
        self.build_args = build_args
        self.named_contexts = named_contexts


class Discovery:
    """What a walk of the command line's paths found (filled in as it goes)."""

    __slots__ = ("targets", "errors", "notes", "skipped")

    def __init__(self) -> None:
        self.targets: list[Target] = []
        self.errors: list[str] = []  # one per path that gave nothing to lint
        self.notes: list[str] = []
        self.skipped: list[str] = []  # what directory walks passed over, and why (--verbose)


def special_file_kind(path: str | os.PathLike) -> str | None:
    """What ``path`` is when it exists and is neither a regular file nor a directory ("a FIFO", "a
    character device", ...), following symlinks; None otherwise. Reading such a file can block
    forever (a FIFO) or never end (``/dev/zero``), so inputs are checked with this before any read."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return special_mode_kind(mode)


def special_mode_kind(mode: int) -> str | None:
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):  # fmt: skip
        if test(mode):
            return kind
    return "not a file"


class NotRegularFile(Exception):
    """A path that is a directory, FIFO, device or socket; ``kind`` says which ("a directory", "a FIFO")."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def open_regular(path: str | os.PathLike) -> tuple[int, os.stat_result]:
    """A read-only descriptor of the regular file at ``path`` (through symlinks), and its status.

    Opened without blocking and checked on the open file: a FIFO would wait for a writer forever, a
    device like ``/dev/zero`` never ends, and a check before opening could be raced. ``OSError`` as
    ``os.open`` raises it; :class:`NotRegularFile` (the descriptor closed) for anything else."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        kind = "a directory" if stat.S_ISDIR(status.st_mode) else special_mode_kind(status.st_mode)
        if kind is not None:
            raise NotRegularFile(kind)
    except BaseException:
        os.close(fd)
        raise
    return fd, status


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit + 1`` of them: more than ``limit``
    tells the caller the file is too large. Raises as :func:`open_regular`, and ``OSError`` of a read.

    Asks for what the file holds and one byte more (to see whether it holds more, as a file in
    /proc or one still growing may), not for ``limit + 1`` bytes at once: a buffer of that size
    costs more than reading a file of a few kB; and reads the descriptor itself, as a buffered file
    object costs more than the read. The result is the same."""
    fd, status = open_regular(path)
    try:
        wanted = min(limit + 1, status.st_size + 1)
        data = _read_up_to(fd, wanted)
        if len(data) == wanted and wanted <= limit:
            data += _read_up_to(fd, limit + 1 - wanted)
        return data
    finally:
        os.close(fd)


def _read_up_to(fd: int, count: int) -> bytes:
    """``count`` bytes from ``fd``, fewer only at its end (one read may return less: /proc files)."""
    data = os.read(fd, count)
    if len(data) in (0, count):
        return data
    pieces = [data]
    count -= len(data)
    while count > 0 and (piece := os.read(fd, count)):
        pieces.append(piece)
        count -= len(piece)
    return b"".join(pieces)


# Compose file names: discovery checks every file name of a walk with it, so it lives here rather
# than in imagelint.compose, which a run imports only when it reads a Compose file.
COMPOSE_NAME = re.compile(r"^(docker-)?compose(\.[\w.-]+)?\.ya?ml$")


def is_compose_name(name: str) -> bool:
    """``compose.yaml``, ``docker-compose.yml``, ``compose.prod.yaml``, ``docker-compose.override.yml``..."""
    return bool(COMPOSE_NAME.match(name))


def is_dockerfile_name(name: str) -> bool:
    if name.lower().endswith(NOT_DOCKERFILE_SUFFIXES):
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def why_not_a_dockerfile(name: str) -> str | None:
    """For a name that looks like a Dockerfile's but is not taken (``Dockerfile.md``,
    ``app-Dockerfile``), why not; None for a Dockerfile name or one nothing like it."""
    folded = name.lower()
    if "dockerfile" not in folded and "containerfile" not in folded or is_dockerfile_name(name):
        return None
    suffix = next((s for s in NOT_DOCKERFILE_SUFFIXES if folded.endswith(s)), None)
    if suffix is not None:
        return f"{_WHY_NOT.get(suffix, f'a {suffix} file')}, not a Dockerfile; name it on the command line to lint it"
    return "not a Dockerfile name (Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile, ...); name it on the command line to lint it"


def discover(paths: list[str], compose_files: list[str] | None = None) -> Discovery:
    """What to lint for the given paths (default: the current directory, unless ``compose_files``).

    ``compose_files`` are one Compose project, later files merged over earlier ones (``docker
    compose -f a.yaml -f b.yaml``); the paths are linted besides.

    A Compose file named on the command line (``compose.yaml``, ``docker-compose.yml``, any
    ``*.yml``/``*.yaml``) stands for the Dockerfiles its services build. A directory walk takes
    Dockerfiles, and Compose files by their usual names: those with ``build`` sections decide the
    context and target of the Dockerfiles they name, which are then not linted a second time; a
    ``compose.override.yaml`` beside a ``compose.yaml`` is merged into it, as docker compose does.
    """
    found = Discovery()
    plain: list[Target] = []
    composed: list[Target] = []
    if compose_files:
        missing = [given for given in compose_files if not Path(given).is_file()]
        for given in missing:
            kind = special_file_kind(given)
            found.errors.append(f"{given}: not a regular file ({kind})" if kind else f"{given}: no such Compose file")
        if not missing:
            composed += _compose_targets([(Path(given), given) for given in compose_files], found, explicit=True)
    for given in paths or ([] if compose_files else ["."]):
        if given == "-":
            plain.append(Target(None, "-"))
            continue
        path = Path(given)
        kind = special_file_kind(path)
        if kind is not None:  # never opened: a FIFO would block, /dev/zero never end
            found.errors.append(f"{given}: not a regular file ({kind})")
        elif path.is_dir():
            dockerfiles, compose_files = _walk(path, found)
            before = len(composed)
            for compose_file in compose_files:
                project = [(compose_file, _display(compose_file))]
                override = _default_override(compose_file)
                if override is not None:
                    project.append((override, _display(override)))
                composed += _compose_targets(project, found, explicit=False)
            if not dockerfiles and len(composed) == before:
                found.errors.append(
                    f"{given}: no Dockerfile found in this directory (looked for {', '.join(DOCKERFILE_PATTERNS)})"
                )
            plain += [Target(file, _display(file)) for file in dockerfiles]
        elif path.exists():
            if _is_compose_path(path):
                composed += _compose_targets([(path, given)], found, explicit=True)
            else:
                plain.append(Target(path, given))
        else:
            found.errors.append(f"{given}: no such file or directory")
    built_by_compose = {_key(t.path) for t in composed if t.path is not None}
    seen: set = set()
    for target in composed + plain:
        if target.path is not None and target.context is None and _key(target.path) in built_by_compose:
            continue  # a Compose file builds it: linted with that context and target instead
        key = (
            _key(target.path) if target.path is not None else target.shown,
            target.context, target.stage, target.text, target.build_args, target.named_contexts,
        )  # fmt: skip
        if target.path is None and target.text is None:
            key = ("-", len(seen))  # each '-' reads standard input
        if key not in seen:
            seen.add(key)
            found.targets.append(target)
    return found


def _default_override(compose_file: Path) -> Path | None:
    from imagelint.compose import default_override

    return default_override(compose_file)


def _key(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path))


def _is_compose_path(path: Path) -> bool:
    return is_compose_name(path.name) or path.suffix.lower() in (".yml", ".yaml")


def _is_default_override(path: Path, walked: list[Path]) -> bool:
    """A ``compose.override.yaml`` that a ``compose.yaml`` the walk found reads along with it."""
    from imagelint.compose import DEFAULT_OVERRIDES, default_override

    return any(path.parent / base in walked and default_override(path.parent / base) == path for base in DEFAULT_OVERRIDES)


def _compose_targets(files: list[tuple[Path, str]], found: Discovery, *, explicit: bool) -> list[Target]:
    """The Dockerfiles a Compose project (one file, or several merged) builds. A broken Compose file
    (or a missing Dockerfile) named on the command line is an error; one met in a directory walk is
    a note, and the Dockerfiles the walk finds are still linted on their own."""
    from imagelint.compose import ComposeError, read_files

    path, shown = files[0]
    try:
        project = read_files(files)
    except ComposeError as err:
        (found.errors if explicit else found.notes).append(str(err) if explicit else f"{err}; skipped")
        return []
    found.notes.extend(dict.fromkeys(project.notes))
    if explicit and not project.builds and not project.remote:
        found.errors.append(f"{shown}: no service has a 'build' section, so there is no Dockerfile to lint")
    base = os.path.dirname(shown)
    targets = []
    for build in project.builds:
        service = f"{build.source}: {build.service}"
        more = {"build_args": build.args, "named_contexts": build.named_contexts}
        if build.dockerfile is None:
            name = f"{build.source}#services.{build.service}.build.dockerfile_inline"
            targets.append(Target(None, name, build.context, build.target, service, build.dockerfile_inline, **more))
            continue
        if not build.dockerfile.is_file():
            missing = f"{service}: Dockerfile {_shown_below(build.dockerfile, path.parent, base)} not found"
            (found.errors if explicit else found.notes).append(missing)
            continue
        shown_file = _shown_below(build.dockerfile, path.parent, base)
        targets.append(Target(build.dockerfile, shown_file, build.context, build.target, service, **more))
    return targets


def _shown_below(file: Path, compose_dir: Path, shown_dir: str) -> str:
    """A path from a Compose file, written the way the Compose file itself was given."""
    try:
        relative = os.path.relpath(file, compose_dir)
    except ValueError:
        return str(file)
    if os.path.isabs(relative):
        return relative
    return os.path.normpath(os.path.join(shown_dir, relative)) if shown_dir else os.path.normpath(relative)


def _walk(root: Path, found: Discovery) -> tuple[list[Path], list[Path]]:
    """Dockerfiles and Compose files below ``root``; one with such a name that is not a regular file
    (a FIFO, a device, a socket) is skipped with a note."""
    dockerfiles: list[Path] = []
    compose_files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(_display(Path(dirpath)))  # the folder resolved, the entries in it as named (a link stays a link)
        for name in sorted(dirnames):
            if name in SKIPPED_DIRS:
                found.skipped.append(f"{here / name}/: a tool's or dependencies' folder, not searched")
            elif os.path.islink(os.path.join(dirpath, name)):
                found.skipped.append(f"{here / name}/: a symbolic link to a folder, not followed")
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            wanted = dockerfiles if is_dockerfile_name(name) else compose_files if is_compose_name(name) else None
            if wanted is None:
                why = why_not_a_dockerfile(name)
                if why is not None:
                    found.skipped.append(f"{here / name}: {why}")
                continue
            file = Path(dirpath) / name
            kind = special_file_kind(file)
            if kind is not None:
                found.notes.append(f"{_display(file)}: not a regular file ({kind}); skipped")
                found.skipped.append(f"{_display(file)}: not a regular file ({kind})")
                continue
            wanted.append(file)
    compose_files.sort()
    return sorted(dockerfiles), [f for f in compose_files if not _is_default_override(f, compose_files)]


def _display(path: Path) -> str:
    """Paths relative to the current directory when below it, as users expect in CI logs."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
