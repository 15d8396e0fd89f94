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
from imagelint.image.model import EntryKind, Image

LARGEST_FILES = 20
# Compiler drivers and toolchains, by their usual install paths (symlinks such as cc -> gcc included).
_COMPILER = re.compile(
    r"^(?:usr/(?:local/)?bin|bin)/(?:[\w.-]+-)?(?:gcc|g\+\+|c\+\+|cc|clang|clang\+\+|gfortran|tcc|rustc|javac)"
    r"(?:-\d+(?:\.\d+)*)?$"
    r"|^usr/(?:lib|libexec)/gcc/[^/]+/[^/]+/cc1(?:plus)?$"
    r"|^usr/local/go/bin/go$"
)


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
    stack = LayerStack()
    for layer in image.layers:
        stack.apply(layer.entries)
    hidden_at: dict[str, int] = defaultdict(int)
    hidden_keys: set[tuple[int, str]] = set()
    directories: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # top-level directory -> size, wasted, files
    for hidden in stack.hidden_files:
        hidden_at[hidden.path] += hidden.size
        hidden_keys.add((hidden.layer, hidden.path))
        directories[_top_directory(hidden.path)][1] += hidden.size

    largest: list[tuple[int, str, LargeFile]] = []  # a heap of the biggest visible files
    compilers: list[LargeFile] = []
    for visible in stack.visible_files():
        totals = directories[_top_directory(visible.path)]
        totals[0] += visible.size
        totals[2] += 1
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
    rows = (DirectoryRow(path, size, wasted, files) for path, (size, wasted, files) in directories.items())
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
        largest_files=tuple(item for _, _, item in sorted(largest, reverse=True)),
        leftovers=_leftovers(image, hidden_keys),
        compilers=tuple(sorted(compilers, key=lambda f: f.path)),
        directories=tuple(sorted(rows, key=lambda d: (-d.size, -d.wasted_bytes, d.path))),
    )


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


def _top_directory(path: str) -> str:
    """The top-level directory holding ``path`` (relative: "usr/bin/env" -> "/usr"); "/" for "env"."""
    top, slash, _ = path.partition("/")
    return "/" + top if slash else "/"


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


def _inefficient_files(copies: dict[str, list[int]], hidden_at: dict[str, int]) -> tuple[InefficientFile, ...]:
    found = []
    for path in set(hidden_at) | {p for p, layers in copies.items() if len(layers) > 1}:
        layers = tuple(copies.get(path, ()))
        found.append(InefficientFile("/" + path, len(layers), hidden_at.get(path, 0), layers))
    found.sort(key=lambda f: (-f.wasted_bytes, -f.count, f.path))
    return tuple(found)


def _leftovers(image: Image, hidden_keys: set[tuple[int, str]]) -> tuple[Leftover, ...]:
    groups: dict[tuple[int, str], list] = {}  # (layer, folder) -> category, bytes, files, hidden bytes
    for index, layer in enumerate(image.layers):
        for entry in layer.entries:
            if entry.kind is not EntryKind.FILE:
                continue
            found = leftovers.match(entry.path)
            if found is None:
                continue
            group = groups.setdefault((index, found.root), [found.kind.category, 0, 0, 0])
            group[1] += entry.size
            group[2] += 1
            if (index, entry.path) in hidden_keys:
                group[3] += entry.size
    items = (Leftover("/" + root, category, index, size, files, hidden) for (index, root), (category, size, files, hidden) in groups.items())
    return tuple(sorted(items, key=lambda g: (g.layer, -g.bytes, g.path)))
