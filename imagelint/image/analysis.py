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
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass, field

from imagelint.image import leftovers
from imagelint.image.dive import DiveMetrics, dive_metrics
from imagelint.image.filesystem import LayerChanges, LayerStack
from imagelint.image.model import EntryKind, Image

LARGEST_FILES = 20
# Compiler drivers and toolchains, by their usual install paths (symlinks such as cc -> gcc included).
_COMPILER = re.compile(
    r"^(?:usr/(?:local/)?bin|bin)/(?:[\w.-]+-)?(?:gcc|g\+\+|c\+\+|cc|clang|clang\+\+|gfortran|tcc|rustc|javac)"
    r"(?:-\d+(?:\.\d+)*)?$"
    r"|^usr/(?:lib|libexec)/gcc/[^/]+/[^/]+/cc1(?:plus)?$"
    r"|^usr/local/go/bin/go$"
)


@dataclass
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
    hidden_by: dict[int, int] = field(default_factory=dict)  # hiding layer index -> bytes of this layer's
    history_index: int | None = None  # position in the image's history (None: the layer has no entry)

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


@dataclass
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


@dataclass(slots=True)
class DirectoryRow:
    path: str  # "/usr"; "/" for the files directly in the root
    size: int = 0  # visible bytes below it in the final filesystem
    wasted_bytes: int = 0  # hidden bytes that were shipped at paths below it
    files: int = 0  # visible non-directories below it

    def to_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "wasted_bytes": self.wasted_bytes, "files": self.files}


@dataclass
class Analysis:
    name: str
    id: str
    os: str | None
    architecture: str | None
    created: str | None
    size: int
    layer_count: int
    layers: list[LayerRow]
    wasted_bytes: int
    efficiency: float
    dive: DiveMetrics
    inefficient_files: list[InefficientFile]
    largest_files: list[LargeFile]
    leftovers: list[Leftover]
    compilers: list[LargeFile]  # compiler drivers visible in the final filesystem (for the image rules)
    directories: list[DirectoryRow] = field(default_factory=list)  # biggest first

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
    stack = LayerStack()
    for layer in image.layers:
        stack.apply(layer.entries)
    hidden_at: dict[str, int] = defaultdict(int)
    hidden_keys: set[tuple[int, str]] = set()
    directories: dict[str, DirectoryRow] = {}
    for hidden in stack.hidden_files:
        hidden_at[hidden.path] += hidden.size
        hidden_keys.add((hidden.layer, hidden.path))
        _directory_row(directories, hidden.path).wasted_bytes += hidden.size

    largest: list[tuple[int, str, LargeFile]] = []  # a heap of the biggest visible files
    compilers: list[LargeFile] = []
    for visible in stack.visible_files():
        row = _directory_row(directories, visible.path)
        row.size += visible.size
        row.files += 1
        item = LargeFile("/" + visible.path, visible.size, visible.layer)
        if _COMPILER.match(visible.path):
            compilers.append(item)
        if visible.size:
            ranked = (visible.size, visible.path, item)
            if len(largest) < LARGEST_FILES:
                heapq.heappush(largest, ranked)
            elif ranked > largest[0]:
                heapq.heapreplace(largest, ranked)

    shipped = stack.shipped_bytes
    return Analysis(
        name=image.name,
        id=image.id,
        os=image.os,
        architecture=image.architecture,
        created=image.created,
        size=sum(layer.size for layer in image.layers),
        layer_count=len(image.layers),
        layers=_layer_rows(image, stack.changes),
        wasted_bytes=stack.hidden_bytes,
        efficiency=1.0 if shipped == 0 else stack.visible_bytes / shipped,
        dive=dive_metrics(image.layers),
        inefficient_files=_inefficient_files(stack.copies, hidden_at),
        largest_files=[item for _, _, item in sorted(largest, reverse=True)],
        leftovers=_leftovers(image, hidden_keys),
        compilers=sorted(compilers, key=lambda f: f.path),
        directories=sorted(directories.values(), key=lambda d: (-d.size, -d.wasted_bytes, d.path)),
    )


def _directory_row(rows: dict[str, DirectoryRow], path: str) -> DirectoryRow:
    """The row of the top-level directory holding ``path`` (relative: "usr/bin/env"); "/" for "env"."""
    top, slash, _ = path.partition("/")
    key = "/" + top if slash else "/"
    row = rows.get(key)
    if row is None:
        row = rows[key] = DirectoryRow(key)
    return row


def _layer_rows(image: Image, changes: list[LayerChanges]) -> list[LayerRow]:
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
            hidden_by=dict(change.hidden_by),
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
    return rows


def _inefficient_files(copies: dict[str, list[int]], hidden_at: dict[str, int]) -> list[InefficientFile]:
    found = []
    for path in set(hidden_at) | {p for p, layers in copies.items() if len(layers) > 1}:
        layers = tuple(copies.get(path, ()))
        found.append(InefficientFile("/" + path, len(layers), hidden_at.get(path, 0), layers))
    found.sort(key=lambda f: (-f.wasted_bytes, -f.count, f.path))
    return found


def _leftovers(image: Image, hidden_keys: set[tuple[int, str]]) -> list[Leftover]:
    groups: dict[tuple[int, str], Leftover] = {}
    for index, layer in enumerate(image.layers):
        for entry in layer.entries:
            if entry.kind is not EntryKind.FILE:
                continue
            found = leftovers.match(entry.path)
            if found is None:
                continue
            key = (index, found.root)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Leftover("/" + found.root, found.kind.category, index)
            group.bytes += entry.size
            group.files += 1
            if (index, entry.path) in hidden_keys:
                group.hidden_bytes += entry.size
    return sorted(groups.values(), key=lambda g: (g.layer, -g.bytes, g.path))
