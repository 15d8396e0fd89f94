"""The build context: which files exist, which ``.dockerignore`` keeps out, and how big they are.

``.dockerignore`` lines mean what they mean to the Docker SDK's ``build`` (:mod:`imagelint.ignore_patterns`),
so imagelint and the build agree on what is sent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

from imagelint.context_glob import glob_context
from imagelint.ignore_patterns import IgnorePatterns
from imagelint.records import Record


class IgnorePattern(Record):
    __slots__ = ("line", "text")

    def __init__(
        self,
        line: int,
        text: str,  # as written, stripped
    ) -> None:
        self.line = line
        self.text = text

    @property
    def is_exception(self) -> bool:
        return self.text.startswith("!")


class BuildContext:
    def __init__(self, root: Path, dockerfile: Path | None = None) -> None:
        self.root = root
        self.dockerfile = dockerfile

    @cached_property
    def dockerignore_path(self) -> Path | None:
        """BuildKit prefers ``<Dockerfile>.dockerignore`` beside the Dockerfile over the context's."""
        # Asked once per linted file: the candidates are looked up as strings, and a Path is made
        # only for the one found (pathlib's joins cost more than the lookups).
        if self.dockerfile is not None and os.path.isfile(os.fspath(self.dockerfile) + ".dockerignore"):
            return self.dockerfile.with_name(self.dockerfile.name + ".dockerignore")
        if os.path.isfile(os.path.join(self.root, ".dockerignore")):
            return self.root / ".dockerignore"
        return None

    @cached_property
    def ignore_patterns(self) -> list[IgnorePattern]:
        if self.dockerignore_path is None:
            return []
        try:
            text = self.dockerignore_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        patterns = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                patterns.append(IgnorePattern(number, stripped))
        return patterns

    @cached_property
    def _matcher(self):
        if not self.ignore_patterns:
            return None
        return _pattern_matcher(tuple(p.text for p in self.ignore_patterns))

    def is_ignored(self, relative: str) -> bool:
        """Whether ``.dockerignore`` keeps this context path (file or directory) out of the build."""
        if self._matcher is None:
            return False
        relative = relative.strip("/")
        if relative in ("", "."):
            return False
        return bool(self._matcher.matches(relative))

    def line_hits(self, relative: str) -> list[bool]:
        """For each of :attr:`ignore_patterns`, whether that line alone matches the path (or a
        folder above it): one pass, where asking line by line would compile each line again."""
        relative = relative.strip("/")
        if self._matcher is None or relative in ("", ".") or self._matcher.always_sent(relative):
            return [False] * len(self.ignore_patterns)  # .dockerignore itself is sent whatever a line says
        return self._matcher.hits(relative)

    def exists(self, relative: str) -> bool:
        return self._probe(relative, os.path.exists)

    def is_dir(self, relative: str) -> bool:
        return self._probe(relative, os.path.isdir)

    def is_file(self, relative: str) -> bool:
        return self._probe(relative, os.path.isfile)

    def _probe(self, relative: str, test: Callable[[str], bool]) -> bool:
        """``test`` (an ``os.path`` predicate, False for a path the system cannot even look up: a
        name longer than NAME_MAX written in a COPY, a NUL byte) of a context path.

        The path is joined as ``self.root / relative`` would join it, without building the Path
        (the rules probe many paths): empty and ``.`` parts are dropped, so ``x/`` and ``x/.``
        name ``x`` itself even when it is a file."""
        parts = [part for part in relative.split("/") if part and part != "."]
        return test(os.path.join(self.root, *parts) if parts else os.fspath(self.root))

    def glob(self, pattern: str) -> list[str]:
        """Context paths matching a COPY source with wildcards (``*``, ``?``, ``[...]``); links
        that loop or lead out of the context are not followed (:mod:`imagelint.context_glob`)."""
        return glob_context(self.root, pattern)

    @cached_property
    def top_level(self) -> list[str]:
        try:
            return sorted(entry.name for entry in os.scandir(self.root))
        except OSError:
            return []

    def size_of(self, relative: str, limit_files: int = 200_000) -> int:
        """Bytes under a context path that the build would send (ignored parts excluded)."""
        path = self.root / relative
        if self._probe(relative, os.path.islink) or self.is_file(relative):
            try:
                return path.lstat().st_size
            except OSError:
                return 0
        total = 0
        seen = 0
        for dirpath, dirnames, filenames in os.walk(path):
            rel_dir = os.path.relpath(dirpath, self.root)
            if self._matcher is not None:
                dirnames[:] = [d for d in dirnames if not self._dir_fully_ignored(os.path.join(rel_dir, d))]
            for name in filenames:
                rel = os.path.join(rel_dir, name)
                if self._matcher is not None and self.is_ignored(rel):
                    continue
                try:
                    total += os.lstat(os.path.join(dirpath, name)).st_size
                except OSError:
                    pass
                seen += 1
                if seen >= limit_files:
                    return total
        return total

    def _dir_fully_ignored(self, relative: str) -> bool:
        if not self.is_ignored(relative):
            return False
        # An exception pattern below this directory re-includes part of it.
        prefix = relative.strip("/") + "/"
        return not any(p.is_exception and p.text[1:].lstrip("/").startswith(prefix) for p in self.ignore_patterns)

    # --- added for the dockerignore rules ------------------------------------------------------

    def matches(self, patterns: Sequence[str], relative: str) -> bool:
        """Whether a list of ``.dockerignore`` patterns (not necessarily this context's, e.g. one
        line alone, or the lines before an exception) excludes a context path."""
        relative = relative.strip("/")
        if not patterns or relative in ("", "."):
            return False
        return bool(_pattern_matcher(tuple(patterns)).matches(relative))

    def walk(
        self, relative: str = "", *, prune: Callable[[str, os.DirEntry], bool] | None = None
    ) -> Iterator[tuple[str, os.DirEntry]]:
        """Entries below a context path that the build sends, parents before children.

        Ignored entries are left out, but a directory ignored with an exception below it
        (``node_modules`` + ``!node_modules/keep``) is still searched. Symbolic links are yielded,
        never followed. ``prune(relative, entry)`` returning True yields a directory but does not
        descend into it. Stop iterating to bound the work on huge trees.
        """
        start = relative.strip("/")
        stack = [start]
        while stack:
            current = stack.pop()
            try:
                with os.scandir(self.root / current if current else self.root) as entries:
                    children = sorted(entries, key=lambda e: e.name)
            except OSError:
                continue
            descend = []
            for entry in children:
                rel = f"{current}/{entry.name}" if current else entry.name
                is_dir = entry.is_dir(follow_symlinks=False)
                if self._matcher is not None and self.is_ignored(rel):
                    if is_dir and not self._dir_fully_ignored(rel):
                        descend.append(rel)
                    continue
                yield rel, entry
                if is_dir and not (prune is not None and prune(rel, entry)):
                    descend.append(rel)
            stack.extend(reversed(descend))

    def measure(self, relative: str, limit_files: int = 20_000) -> tuple[int, bool]:
        """(bytes the build sends under a context path, whether every file was counted)."""
        path = self.root / relative
        if not self.is_dir(relative) or self._probe(relative, os.path.islink):
            try:
                return (path.lstat().st_size if self.exists(relative) else 0), True
            except OSError:
                return 0, True
        total = files = 0
        for _, entry in self.walk(relative):
            if entry.is_dir(follow_symlinks=False):
                continue
            try:
                total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                pass
            files += 1
            if files >= limit_files:
                return total, False
        return total, True


@lru_cache(maxsize=256)
def _pattern_matcher(patterns: tuple[str, ...]) -> IgnorePatterns:
    return IgnorePatterns(patterns)
