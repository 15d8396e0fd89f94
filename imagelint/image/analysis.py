"""``analyze(image) -> Analysis``: a pure function from layer listings to every number imagelint reports.

Vocabulary (also in docs/image-analysis.md):

- *shipped* bytes: the regular-file bytes of every layer (tar header sizes; links count 0);
- *hidden* bytes, the true waste: shipped bytes no path of the final filesystem shows, because a
  later layer overwrote the file (copy-ups by chmod/chown/touch included), deleted it or a parent
  directory, or made a parent directory opaque; per layer, the hidden bytes that layer shipped;
- ``efficiency``: visible bytes / shipped bytes (1.0 when nothing is shipped);
- ``directories``: per top-level directory (``/`` for the entries directly in the root), the visible
  bytes and the hidden bytes of the paths below it; the sizes add up to the visible bytes and the
  wasted bytes to the hidden bytes;
- ``dive``: dive 0.13.1's own three numbers (:mod:`imagelint.image.dive`).

Layer rows follow the history: a history entry that made no layer (``empty_layer``) is a row with
``empty: true``, size 0 and ``index: null``; the others are numbered by their position in the
image's layer list (RootFS), as dive and ``docker inspect`` number them.

An :class:`Analysis` is final once made: every part is a frozen dataclass and every collection a
tuple (or a read-only mapping). What ``imagelint analyze`` adds later (each row's Dockerfile line,
the commands with secret values masked) makes a new one: :func:`with_dockerfile_lines`,
:func:`with_redacted_commands`.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from imagelint.image import leftovers
from imagelint.image.dive import DiveMetrics, dive_metrics
from imagelint.image.filesystem import LayerChanges, LayerStack
from imagelint.image.history import parse_created_by
from imagelint.image.model import ROOT, Image

LARGEST_FILES = 20
# Compiler drivers and toolchains, by their usual install paths (symlinks such as cc -> gcc included).
_COMPILER = re.compile(
    r"^(?:usr/(?:local/)?bin|bin)/(?:[\w.-]+-)?(?:gcc|g\+\+|c\+\+|cc|clang|clang\+\+|gfortran|tcc|rustc|javac)"
    r"(?:-\d+(?:\.\d+)*)?$"
    r"|^usr/(?:lib|libexec)/gcc/[^/]+/[^/]+/cc1(?:plus)?$"
    r"|^usr/local/go/bin/go$"
)
# The folders those live in: only their files are matched against the pattern above.
_COMPILER_DIRECTORY = re.compile(r"^(?:usr/(?:local/)?bin|bin|usr/(?:lib|libexec)/gcc/[^/]+/[^/]+|usr/local/go/bin)$")


@dataclass(frozen=True, slots=True)
class LayerRow:
    index: int | None  # position in the image's layer list; None for an empty (metadata-only) entry
    digest: str | None
    size: int
    files_added: int
    files_modified: int
    files_removed: int
    wasted_bytes: int
    created_by: str | None
    empty: bool
    dockerfile_line: int | None = None
    # hiding layer index -> bytes of this layer's that it hid (read-only)
    hidden_by: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    history_index: int | None = None  # position in the image's history (None: the layer has no entry)
    # The recorded instruction as written in a Dockerfile ("RUN apt-get update"; "" when nothing was
    # recorded), read from ``created_by`` whenever a row is made (dataclasses.replace included).
    command: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "command", parse_created_by(self.created_by).display)

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "digest": self.digest,
            "size": self.size,
            "files_added": self.files_added,
            "files_modified": self.files_modified,
            "files_removed": self.files_removed,
            "wasted_bytes": self.wasted_bytes,
            "created_by": self.created_by,
            "empty": self.empty,
            "dockerfile_line": self.dockerfile_line,
        }


@dataclass(frozen=True, slots=True)
class InefficientFile:
    path: str
    count: int  # layers that shipped an entry at this path
    wasted_bytes: int  # hidden bytes at this path
    layers: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"path": self.path, "count": self.count, "wasted_bytes": self.wasted_bytes, "layers": list(self.layers)}


@dataclass(frozen=True, slots=True)
class LargeFile:
    path: str
    size: int
    layer: int

    def to_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "layer": self.layer}


@dataclass(frozen=True, slots=True)
class Leftover:
    path: str  # the folder, absolute: "/var/lib/apt/lists"
    category: str  # leftovers.KINDS category: "apt-lists", "pip-cache", ...
    layer: int  # the layer that shipped these files
    bytes: int = 0  # shipped by that layer
    files: int = 0
    hidden_bytes: int = 0  # part of ``bytes`` a later layer deleted or replaced (still shipped)

    @property
    def visible_bytes(self) -> int:
        return self.bytes - self.hidden_bytes

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "category": self.category,
            "layer": self.layer,
            "bytes": self.bytes,
            "files": self.files,
            "hidden_bytes": self.hidden_bytes,
        }


@dataclass(frozen=True, slots=True)
class DirectoryRow:
    path: str  # "/usr"; "/" for the files directly in the root
    size: int = 0  # visible bytes below it in the final filesystem
    wasted_bytes: int = 0  # hidden bytes that were shipped at paths below it
    files: int = 0  # visible non-directories below it

    def to_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "wasted_bytes": self.wasted_bytes, "files": self.files}


@dataclass(frozen=True, slots=True)
class Analysis:
    name: str
    id: str
    os: str | None
    architecture: str | None
    created: str | None
    size: int
    layer_count: int
    layers: tuple[LayerRow, ...]
    wasted_bytes: int
    efficiency: float
    dive: DiveMetrics
    inefficient_files: tuple[InefficientFile, ...]
    largest_files: tuple[LargeFile, ...]
    leftovers: tuple[Leftover, ...]
    compilers: tuple[LargeFile, ...]  # compiler drivers visible in the final filesystem (for the image rules)
    directories: tuple[DirectoryRow, ...] = ()  # biggest first

    def row_of_layer(self, index: int) -> LayerRow | None:
        return next((row for row in self.layers if row.index == index), None)

    @property
    def wasted_percent(self) -> float:
        """Hidden bytes as a percentage of shipped bytes (0 when nothing is shipped)."""
        return 100.0 * self.wasted_bytes / self.size if self.size else 0.0

    def to_dict(self) -> dict:
        """The ``image`` object of ``imagelint analyze --format json`` (docs/json-output.md)."""
        return {
            "name": self.name,
            "id": self.id,
            "os": self.os,
            "architecture": self.architecture,
            "created": self.created,
            "size": self.size,
            "layer_count": self.layer_count,
            "layers": [row.to_dict() for row in self.layers],
            "wasted_bytes": self.wasted_bytes,
            "efficiency": self.efficiency,
            "dive": {
                "efficiency": self.dive.efficiency,
                "wasted_bytes": self.dive.wasted_bytes,
                "user_wasted_percent": self.dive.user_wasted_percent_or_none,
            },
            "inefficient_files": [f.to_dict() for f in self.inefficient_files],
            "largest_files": [f.to_dict() for f in self.largest_files],
            "leftovers": [item.to_dict() for item in self.leftovers],
            "directories": [item.to_dict() for item in self.directories],
        }


def analyze(image: Image) -> Analysis:
    shipped, wasted, changes, from_stack = _stack_results(image)  # the stack is gone before dive's metrics
    return Analysis(
        name=image.name,
        id=image.id,
        os=image.os,
        architecture=image.architecture,
        created=image.created,
        size=sum(layer.size for layer in image.layers),
        layer_count=len(image.layers),
        layers=_layer_rows(image, changes),
        wasted_bytes=wasted,
        efficiency=1.0 if shipped == 0 else (shipped - wasted) / shipped,
        dive=dive_metrics(image.layers),
        **from_stack,
    )


def _stack_results(image: Image) -> tuple[int, int, list[LayerChanges], dict]:
    """Stack the layers and read every number the true stacking gives. Paths are made into strings
    only for what is reported: the per-path work goes by path index, with per-directory answers kept
    (which top-level directory, which leftover kind, whether compilers live there)."""
    paths = image.paths
    stack = LayerStack(paths)
    for layer in image.layers:
        stack.apply(layer.entries)
    parents, names = paths.parents, paths.names
    contents = stack.contents
    tops: dict[int, int] = {}  # directory index -> its top-level directory's index (ROOT: the root itself)

    def top_of(index: int) -> int:
        directory = parents[index]
        top = tops.get(directory)
        if top is None:
            top = directory
            while top != ROOT and parents[top] != ROOT:
                top = parents[top]
            tops[directory] = top
        return top

    directories: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # top index -> size, wasted, files
    hidden_at: dict[int, int] = defaultdict(int)  # path index -> hidden bytes
    for content in stack.hidden_contents:
        index, size = contents.paths[content], contents.sizes[content]
        hidden_at[index] += size
        directories[top_of(index)][1] += size

    folders: dict[int, str] = {}  # directory index -> its path: a file's path is its folder's and its name

    def path_of(index: int) -> str:
        folder = parents[index]
        prefix = folders.get(folder)
        if prefix is None:
            prefix = folders[folder] = paths.path(folder) + "/" if folder != ROOT else ""
        return prefix + names[index]

    largest: list[_Ranked] = []  # a heap of the biggest visible files
    compilers: list[LargeFile] = []
    per_folder: dict[int, tuple[list[int], bool]] = {}  # directory index -> its top's totals, may it hold compilers
    for index, size, layer, _ in stack.visible():
        directory = parents[index]
        folder = per_folder.get(directory)
        if folder is None:
            folder = per_folder[directory] = (directories[top_of(index)], bool(_COMPILER_DIRECTORY.match(paths.path(directory))))
        totals, holds_compilers = folder
        totals[0] += size
        totals[2] += 1
        if holds_compilers and _COMPILER.match(path := path_of(index)):
            compilers.append(LargeFile("/" + path, size, layer))
        if size:
            if len(largest) < LARGEST_FILES:
                heapq.heappush(largest, _Ranked(size, index, layer, path_of))
            elif size > largest[0].size or (size == largest[0].size and path_of(index) > largest[0].path):
                heapq.heapreplace(largest, _Ranked(size, index, layer, path_of))

    rows = (DirectoryRow("/" + names[top] if top != ROOT else "/", size, wasted, files)
            for top, (size, wasted, files) in directories.items())  # fmt: skip
    results = {
        "inefficient_files": _inefficient_files(stack, hidden_at),
        "largest_files": tuple(LargeFile("/" + item.path, item.size, item.layer) for item in sorted(largest, reverse=True)),
        "leftovers": _leftovers(stack),
        "compilers": tuple(sorted(compilers, key=lambda f: f.path)),
        "directories": tuple(sorted(rows, key=lambda d: (-d.size, -d.wasted_bytes, d.path))),
    }
    return stack.shipped_bytes, stack.hidden_bytes, stack.changes, results


def with_dockerfile_lines(analysis: Analysis, lines: Mapping[int, int]) -> Analysis:
    """``analysis`` with each row's ``dockerfile_line``: ``lines`` maps a history index to the line
    of the instruction that made that entry (:attr:`imagelint.image.join.Join.lines`)."""
    rows = tuple(
        replace(row, dockerfile_line=lines.get(row.history_index) if row.history_index is not None else None)
        for row in analysis.layers
    )
    return replace(analysis, layers=rows)


def with_redacted_commands(analysis: Analysis, redact: Callable[[str], str]) -> Analysis:
    """``analysis`` with every recorded command passed through ``redact`` (its ``command`` follows)."""
    rows = tuple(replace(row, created_by=redact(row.created_by)) if row.created_by else row for row in analysis.layers)
    return replace(analysis, layers=rows)


def _layer_rows(image: Image, changes: list[LayerChanges]) -> tuple[LayerRow, ...]:
    rows: list[LayerRow] = []
    next_layer = 0

    def layer_row(index: int, created_by: str | None, history_index: int | None) -> LayerRow:
        layer, change = image.layers[index], changes[index]
        return LayerRow(
            index=index,
            digest=layer.digest,
            size=layer.size,
            files_added=change.files_added,
            files_modified=change.files_modified,
            files_removed=change.files_removed,
            wasted_bytes=change.hidden_bytes,
            created_by=created_by,
            empty=False,
            hidden_by=MappingProxyType(dict(change.hidden_by)),
            history_index=history_index,
        )

    for position, entry in enumerate(image.history):
        if entry.empty_layer:
            rows.append(LayerRow(None, None, 0, 0, 0, 0, 0, entry.created_by, True, history_index=position))
        elif next_layer < len(image.layers):
            rows.append(layer_row(next_layer, entry.created_by, position))
            next_layer += 1
        # else: history claims more layers than the image has; such entries describe nothing real
    while next_layer < len(image.layers):  # history is optional metadata: layers without an entry
        rows.append(layer_row(next_layer, None, None))
        next_layer += 1
    return tuple(rows)


class _Ranked:
    """A visible file in the running list of the biggest: by size, then path (made only when sizes tie)."""

    __slots__ = ("size", "index", "layer", "_path_of", "_path")

    def __init__(self, size: int, index: int, layer: int, path_of: Callable[[int], str]) -> None:
        self.size, self.index, self.layer, self._path_of = size, index, layer, path_of
        self._path: str | None = None

    @property
    def path(self) -> str:
        if self._path is None:
            self._path = self._path_of(self.index)
        return self._path

    def __lt__(self, other: _Ranked) -> bool:
        return self.size < other.size if self.size != other.size else self.path < other.path


def _inefficient_files(stack: LayerStack, hidden_at: dict[int, int]) -> tuple[InefficientFile, ...]:
    found = []
    path = stack.paths.path
    for index in set(hidden_at).union(stack.copied_paths()):
        layers = stack.copies(index)
        found.append(InefficientFile("/" + path(index), len(layers), hidden_at.get(index, 0), layers))
    found.sort(key=lambda f: (-f.wasted_bytes, -f.count, f.path))
    return tuple(found)


def _leftovers(stack: LayerStack) -> tuple[Leftover, ...]:
    """Per (layer, folder): the regular files a layer shipped into a leftover folder, and the part
    hidden later. Every regular-file entry has its content record, in layer order."""
    paths, contents = stack.paths, stack.contents
    parents, names = paths.parents, paths.names
    hidden = stack.hidden_marks()
    kinds: dict[int, leftovers.LeftoverMatch | None] = {}  # directory index -> what its files are
    groups: dict[tuple[int, str], list] = {}  # (layer, folder) -> category, bytes, files, hidden bytes
    for content, (index, layer, size) in enumerate(zip(contents.paths, contents.layers, contents.sizes)):
        directory = parents[index]
        if directory in kinds:
            found = kinds[directory]
        else:
            found = kinds[directory] = leftovers.match_directory(paths.path(directory))
        if names[index] in leftovers.OWN_RULE_NAMES:
            found = leftovers.match(paths.path(index))
        if found is None:
            continue
        group = groups.setdefault((layer, found.root), [found.kind.category, 0, 0, 0])
        group[1] += size
        group[2] += 1
        if hidden[content]:
            group[3] += size
    items = (Leftover("/" + root, category, index, size, files, hidden) for (index, root), (category, size, files, hidden) in groups.items())
    return tuple(sorted(items, key=lambda g: (g.layer, -g.bytes, g.path)))
