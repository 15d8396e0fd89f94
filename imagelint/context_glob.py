"""Wildcard COPY sources (``src/*/config.json``, ``**/*.txt``) matched against a build context
that may hold hostile symbolic links.

``Path.glob`` follows every link to a folder: ``a -> .`` loops, four such links under one folder
make ``*/*/*/*/*/*/*/*/*/*/*/*/x`` visit 4^12 folders, and ``up -> /`` lists files outside the
context. Here a link to a folder is followed only when it stays inside the context and does not
lead back to a folder already on the path (the loop is cut there), ``**`` never follows links (as
``Path.glob``), and at most ``most_entries`` folder entries are looked at in all. Otherwise names
match as ``Path.glob`` matches them: case-sensitive, hidden files included.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from imagelint.lazy_pattern import LazyPattern

_MAGIC = LazyPattern(r"[*?\[]")
MOST_ENTRIES = 100_000  # folder entries a single pattern may look at (a large monorepo has a few 10,000)


def glob_context(root: Path, pattern: str, most_entries: int = MOST_ENTRIES) -> list[str]:
    """Context-relative paths (``src/app/x.txt``) that ``pattern`` matches, sorted."""
    parts = [part for part in pattern.strip("/").split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return []  # ``..`` leaves the context: nothing there is sent
    try:
        top = os.path.realpath(root)
        identity = _identity(top)
    except OSError:
        return []
    if identity is None:
        return []
    found: set[str] = set()
    budget = [most_entries]
    # (context-relative folder, index of the part to match, identities of the folders on the path)
    todo: list[tuple[str, int, frozenset]] = [("", 0, frozenset({identity}))]
    while todo and budget[0] > 0:
        folder, index, seen = todo.pop()
        part = parts[index]
        last = index == len(parts) - 1
        if part == "**":
            # zero folders: the next part matches here; then every folder below, links not followed
            if last:
                found.add(folder or ".")
            else:
                todo.append((folder, index + 1, seen))
            for name, is_dir in _entries(top, folder, budget):
                if is_dir is True:  # a real folder, not a link to one
                    child = _join(folder, name)
                    child_id = _identity(os.path.join(top, child))
                    if child_id is not None and child_id not in seen:
                        todo.append((child, index, seen | {child_id}))
            continue
        if _MAGIC.search(part):
            names = [name for name, _ in _entries(top, folder, budget) if fnmatch.fnmatchcase(name, part)]
        else:
            names = [part] if os.path.lexists(os.path.join(top, folder, part)) else []
        for name in names:
            child = _join(folder, name)
            if last:
                if os.path.exists(os.path.join(top, child)) and _inside(top, child):
                    found.add(child)
                continue
            child_id = _folder_identity(top, child)
            if child_id is not None and child_id not in seen:
                todo.append((child, index + 1, seen | {child_id}))
    return sorted(found)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _entries(top: str, folder: str, budget: list[int]) -> list[tuple[str, bool | None]]:
    """(name, True for a real folder / False for anything else / None for a link) of one folder,
    charged to ``budget``."""
    out: list[tuple[str, bool | None]] = []
    try:
        with os.scandir(os.path.join(top, folder) if folder else top) as entries:
            for entry in entries:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
                try:
                    kind = None if entry.is_symlink() else entry.is_dir(follow_symlinks=False)
                except OSError:
                    kind = False
                out.append((entry.name, kind))
    except OSError:
        pass
    return out


def _identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def _inside(top: str, relative: str) -> bool:
    """Whether the path, links resolved, is the context or inside it."""
    real = os.path.realpath(os.path.join(top, relative))
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _folder_identity(top: str, relative: str) -> tuple[int, int] | None:
    """The identity of a folder to descend into: None for a file, a dangling link, or a link that
    leads out of the context."""
    path = os.path.join(top, relative)
    if not os.path.isdir(path) or not _inside(top, relative):
        return None
    return _identity(path)
