"""``imagelint fix --dockerignore``: the ``.dockerignore`` lines that keep out of the build context what
no image needs, planned from a walk of the context and checked against what the Dockerfile copies.

What is proposed (the facts come from :mod:`imagelint.knowledge.context_files`):

* development folders anywhere in the context: ``.git`` and other VCS folders, ``node_modules``,
  virtualenvs, build output beside its manifest, tool caches, editor folders (a name found in
  several folders becomes one ``**/NAME`` line);
* secret files, recognised by name and content (a ``.env`` with assignments, a private key...);
* files of ``large_file_bytes`` (1 MB) or more that no COPY/ADD source (nor a RUN bind mount)
  takes: with a ``COPY . .`` every file is taken, so none.

Nothing a COPY/ADD needs is ever excluded: every context source of the Dockerfile is matched, with
the build context's own matcher (:class:`~imagelint.buildcontext.BuildContext`, the Docker SDK's),
against the existing lines plus the new ones, and a new line that would drop one is not added (the
plan says which and why); so is a line that would undo an existing ``!`` exception.

The file is extended, never rewritten: its bytes stay as they are and the new lines follow, after
a comment, with the file's own line ending. A new file goes to the context root, where both the
classic builder and BuildKit read it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from imagelint.buildcontext import BuildContext
from imagelint.context import LintContext
from imagelint.dockerfile import DockerfileInputError, load
from imagelint.knowledge.context_files import dev_folder, secret_kind
from imagelint.knowledge.context_sources import GLOB_CHARACTERS, clean_source, context_copies
from imagelint.units import format_size

LARGE_FILE_BYTES = 1_000_000
WALK_LIMIT = 200_000  # context entries looked at
HEADER = "# added by imagelint fix --dockerignore"
_SPECIAL = "*?[]\\"
# Both the engine (Go's filepath.Match) and the Docker SDK (Python's fnmatch) read a one-character
# class as that character; a backslash escape only the engine reads.
_CLASSED = {"*": "[*]", "?": "[?]"}
_UNWRITABLE = "[\\\n\r"


class DockerignoreError(Exception):
    """The plan cannot be made or written; the message names the file."""


@dataclass(frozen=True, slots=True)
class Addition:
    pattern: str  # the line to add
    paths: tuple[str, ...]  # the context paths it excludes
    reason: str  # "git history", "secret: private key", "large file no COPY takes"
    bytes: int  # what the build context sends of them today
    complete: bool = True  # False: the walk stopped before counting every file

    @property
    def shown_size(self) -> str:
        return format_size(self.bytes) if self.complete else f"over {format_size(self.bytes)}"


@dataclass
class DockerignorePlan:
    path: Path  # the .dockerignore extended (or created)
    exists: bool
    original: bytes
    additions: list[Addition] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (path, why it is not excluded)

    @property
    def total_bytes(self) -> int:
        return sum(a.bytes for a in self.additions)

    def text(self) -> str:
        """The file with the additions: its text unchanged, then a comment and one line each."""
        text = self.original.decode("utf-8")
        if not self.additions:
            return text
        newline = "\r\n" if "\r\n" in text else "\n"
        if text and not text.endswith("\n"):
            text += newline
        lines = [HEADER, *(a.pattern for a in self.additions)]
        return text + newline.join(lines) + newline


@dataclass(frozen=True, slots=True)
class _Needed:
    path: str  # cleaned context path, maybe with wildcards; "" is the whole context
    line: int  # of the instruction that takes it
    keyword: str

    @property
    def is_glob(self) -> bool:
        return any(ch in GLOB_CHARACTERS for ch in self.path)


def plan_dockerignore(dockerfile: Path, context: Path | None = None, *, large_file_bytes: int = LARGE_FILE_BYTES) -> DockerignorePlan:
    root = context if context is not None else dockerfile.parent
    if not root.is_dir():
        raise DockerignoreError(f"{root}: build context is not a directory")
    try:
        parsed = load(dockerfile)
    except DockerfileInputError as err:
        raise DockerignoreError(str(err)) from None
    lint = LintContext(parsed, context_dir=root, context_explicit=context is not None, dockerfile_path=dockerfile)
    build_context = BuildContext(root, dockerfile)
    path = build_context.dockerignore_path or root / ".dockerignore"
    exists = path.is_file()
    try:
        original = path.read_bytes() if exists else b""
        original.decode("utf-8")
    except OSError as err:
        raise DockerignoreError(f"{path}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise DockerignoreError(f"{path}: not valid UTF-8 (byte {err.start}); not changed") from None
    plan = DockerignorePlan(path, exists, original)
    needed = _needed(lint)
    candidates = _candidates(build_context, needed, dockerfile, path, large_file_bytes)
    plan.additions, plan.kept = _checked(build_context, candidates, needed)
    return plan


def _needed(lint: LintContext) -> list[_Needed]:
    """Every context path the Dockerfile reads: COPY/ADD sources and RUN bind mounts."""
    found = [_Needed(s.path, i.line, i.keyword) for i, sources in context_copies(lint) for s in sources]
    for instruction in lint.of("RUN"):
        for mount in instruction.mounts():
            if mount.type == "bind" and not mount.from_stage:
                source = mount.fields.get("source") or mount.fields.get("src") or ""
                found.append(_Needed(clean_source(source), instruction.line, "RUN --mount"))
    return found


def _candidates(
    build_context: BuildContext, needed: list[_Needed], dockerfile: Path, dockerignore: Path, large: int
) -> list[tuple[str, tuple[str, ...], str]]:
    """(pattern, paths, reason) for what the walk finds, before the check against ``needed``."""
    whole = any(n.path == "" or n.path == "*" for n in needed)
    globbed: dict[str, set[str]] = {}

    def taken(relative: str) -> bool:
        if whole:
            return True
        for item in needed:
            if not item.is_glob:
                if relative == item.path or relative.startswith(item.path + "/"):
                    return True
                continue
            matches = globbed.setdefault(item.path, set(build_context.glob(item.path)))
            parts = relative.split("/")
            if any("/".join(parts[:n]) in matches for n in range(1, len(parts) + 1)):
                return True
        return False

    own = {_relative(build_context.root, dockerfile), _relative(build_context.root, dockerignore)}
    folders: dict[str, list[tuple[str, str]]] = defaultdict(list)  # name -> (path, kind)
    other_folders: set[str] = set()  # names of folders that are no development folder
    files: list[tuple[str, tuple[str, ...], str]] = []

    def prune(relative: str, entry: os.DirEntry) -> bool:
        folder = dev_folder(relative, entry)
        if folder is not None:
            folders[entry.name].append((relative, folder.kind))
        else:
            other_folders.add(entry.name)
        return folder is not None

    for count, (relative, entry) in enumerate(build_context.walk(prune=prune)):
        if count >= WALK_LIMIT:
            break
        if relative in own or not entry.is_file(follow_symlinks=False):
            continue
        kind = secret_kind(relative, entry)
        if kind:
            files.append((_escaped(relative), (relative,), f"secret: {kind}"))
            continue
        try:
            size = entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
        if size >= large and not taken(relative):
            files.append((_escaped(relative), (relative,), "large file no COPY takes"))
    result: list[tuple[str, tuple[str, ...], str]] = []
    for name, found in sorted(folders.items()):
        paths = tuple(sorted(p for p, _ in found))
        kind = found[0][1]
        # One line for a name found in several places, unless a folder of that name is no
        # development folder (`bin/` beside a .csproj is build output, elsewhere it may not be).
        if len(paths) > 1 and name not in other_folders and not any(ch in _SPECIAL or ch.isspace() for ch in name):
            result.append((f"**/{name}", paths, kind))
        else:
            result.extend((_escaped(p), (p,), kind) for p in paths)
    return result + files


def _relative(root: Path, path: Path) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")
    except ValueError:
        return ""


def _escaped(relative: str) -> str:
    """A path as a .dockerignore line matching just it (``*``/``?`` as one-character classes, a
    leading ``#`` too); "" when no line can (``[``, a backslash, a leading ``!``, a line break)."""
    if any(ch in _UNWRITABLE for ch in relative) or relative.startswith("!") or relative != relative.strip():
        return ""
    text = "".join(_CLASSED.get(ch, ch) for ch in relative)
    return "[#]" + text[1:] if text.startswith("#") else text


def _checked(
    build_context: BuildContext, candidates: list[tuple[str, tuple[str, ...], str]], needed: list[_Needed]
) -> tuple[list[Addition], list[tuple[str, str]]]:
    """The candidates that exclude what they should and nothing a COPY/ADD takes, with their sizes."""
    existing = [p.text for p in build_context.ignore_patterns]
    exceptions = [(p.line, p.text[1:].lstrip("/")) for p in build_context.ignore_patterns if p.is_exception]
    taken: list[tuple[str, _Needed]] = []  # context paths the build reads, sent today
    for item in needed:
        if item.path in ("", "*"):
            continue
        paths = build_context.glob(item.path) if item.is_glob else [item.path] if build_context.exists(item.path) else []
        taken.extend((p, item) for p in paths if not build_context.is_ignored(p))
    additions: list[Addition] = []
    kept: list[tuple[str, str]] = []
    queue = list(candidates)
    while queue:
        pattern, paths, reason = queue.pop(0)
        if not pattern:
            kept.append((paths[0], "its name cannot be written as a .dockerignore line both the engine and the Docker SDK read"))
            continue
        if not all(build_context.matches([pattern], p) for p in paths):
            kept.append((paths[0], f"the line {pattern!r} would not match it"))
            continue
        clash = next(((p, item) for p, item in taken if build_context.matches([pattern], p)), None)
        if clash is not None and pattern.startswith("**/") and len(paths) > 1:
            queue[:0] = [(_escaped(p), (p,), reason) for p in paths]  # one line per folder, then
            continue
        if clash is not None:
            path, item = clash
            kept.append((paths[0], f"{item.keyword} at line {item.line} takes {path}"))
            continue
        undone = next((line for line, text in exceptions if not any(ch in text for ch in GLOB_CHARACTERS) and build_context.matches([pattern], text)), None)
        if undone is not None:
            kept.append((paths[0], f"line {undone} of {build_context.dockerignore_path} brings part of it back"))
            continue
        sizes = [build_context.measure(p) for p in paths]
        additions.append(Addition(pattern, paths, reason, sum(s for s, _ in sizes), all(c for _, c in sizes)))
    # Each line was checked alone; the lines together exclude their union, so this only guards.
    for path, item in taken:
        if build_context.matches(existing + [a.pattern for a in additions], path):
            for addition in [a for a in additions if build_context.matches(existing + [a.pattern], path)]:
                additions.remove(addition)
                kept.append((addition.paths[0], f"{item.keyword} at line {item.line} takes {path}"))
    return additions, kept


def write_dockerignore(plan: DockerignorePlan) -> None:
    """Write the plan's file atomically: an existing file is replaced only if unchanged since it was
    read (its mode kept); a new one is created only if none appeared meanwhile."""
    from imagelint.fixer import FixWriteError, write_fixed

    text = plan.text()
    if plan.exists:
        try:
            write_fixed(plan.path, plan.original, text)
        except FixWriteError as err:
            raise DockerignoreError(str(err)) from None
        return
    try:
        fd, temporary = tempfile.mkstemp(prefix=".dockerignore.", suffix=".tmp", dir=plan.path.parent)
    except OSError as err:
        raise DockerignoreError(f"{plan.path}: cannot write beside it ({err.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        try:
            os.link(temporary, plan.path)  # fails if the file appeared meanwhile: never overwrite it
        except FileExistsError:
            raise DockerignoreError(f"{plan.path}: created by something else meanwhile; not overwritten (run again)") from None
        except OSError:
            if plan.path.exists():
                raise DockerignoreError(f"{plan.path}: created by something else meanwhile; not overwritten") from None
            os.replace(temporary, plan.path)  # no hard links on this file system
    except OSError as err:
        raise DockerignoreError(f"{plan.path}: cannot write ({err.strerror or err})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
