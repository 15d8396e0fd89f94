"""What an image source produces: layers as listings of per-path metadata, the config and the history.

No file content is ever kept: an entry is a path, a type, a size, a mode and a link target, so memory
grows with the number of paths in the image, not with its bytes. And little per path: a million
entries must fit in a couple of hundred megabytes, so nothing here is an object per entry.

- :class:`PathTable` holds every path of an image once, as a tree of interned names: a path is an
  index, the table keeps its parent's index and its last name (``"usr/bin/env"`` is ``"env"``
  under ``"usr/bin"``), and each directory's names are a dictionary for lookups. Paths of
  thousands of components cost nothing more than others, and no code walks them recursively.
- :class:`LayerListing` is one layer's entries in packed arrays (path index, kind code, size,
  mode, uid, gid; link targets aside, for the few entries that have one). Iterating it gives
  :class:`LayerEntry` values, made on the fly.

All the layers of an :class:`Image` share one table, so a path has one index across layers (the
analysis keys its arrays by it). Sources that read layers one by one pass the image's table to each
layer; a listing read on its own (in parallel, say) is moved onto the image's table when the image
is made, in layer order, so the indexes never depend on timing.
"""

from __future__ import annotations

import bisect
import enum
import posixpath
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
ROOT = 0  # the path index of the root directory ("" or "." as a path) in every PathTable


class ImageError(Exception):
    """The image cannot be read (bad reference, missing or corrupt archive). One line, says what to do."""


class EntryKind(enum.Enum):
    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    OTHER = "other"  # devices and fifos
    BOOKKEEPING = "bookkeeping"  # aufs files such as .wh..wh.plnk: no meaning for the final tree
    WHITEOUT = "whiteout"  # .wh.NAME: NAME is deleted from the layers below
    OPAQUE = "opaque"  # .wh..wh..opq: the directory's contents from the layers below are hidden


# Each kind's one-byte code in a packed listing (0 is left free: the analysis uses it for "absent").
KIND_CODES: tuple[EntryKind | None, ...] = (
    None,
    EntryKind.FILE,
    EntryKind.DIR,
    EntryKind.SYMLINK,
    EntryKind.HARDLINK,
    EntryKind.OTHER,
    EntryKind.BOOKKEEPING,
    EntryKind.WHITEOUT,
    EntryKind.OPAQUE,
)
CODE_OF: dict[EntryKind, int] = {kind: code for code, kind in enumerate(KIND_CODES) if kind is not None}
FILE_CODE, DIR_CODE = CODE_OF[EntryKind.FILE], CODE_OF[EntryKind.DIR]
SYMLINK_CODE, HARDLINK_CODE = CODE_OF[EntryKind.SYMLINK], CODE_OF[EntryKind.HARDLINK]
WHITEOUT_CODE, OPAQUE_CODE = CODE_OF[EntryKind.WHITEOUT], CODE_OF[EntryKind.OPAQUE]
BOOKKEEPING_CODE = CODE_OF[EntryKind.BOOKKEEPING]


@dataclass(frozen=True, slots=True)
class LayerEntry:
    path: str  # as in the layer tar, cleaned and relative: "app/f.bin", "data/.wh.big.bin"
    kind: EntryKind
    size: int  # tar header size: a regular file's length, 0 for everything else (hard links included)
    mode: int = 0
    link: str | None = None  # symlink target as written; hard link target as a cleaned path
    uid: int = 0  # the tar header's numeric owner (names are not kept: an image has no passwd to trust)
    gid: int = 0

    @property
    def target(self) -> str:
        """The path a whiteout deletes, or the directory an opaque marker empties; else ``path``."""
        if self.kind is EntryKind.OPAQUE:
            return posixpath.dirname(self.path)
        if self.kind is EntryKind.WHITEOUT:
            directory, name = posixpath.split(self.path)
            return posixpath.join(directory, name[len(WHITEOUT_PREFIX) :])
        return self.path


class PathTable:
    """Every path met in an image's layers, once, as an index (see the module's docstring).

    Indexes are given in the order paths are first met, parents before children; :data:`ROOT` is 0.
    Not thread-safe: a table is filled by one reader at a time.
    """

    __slots__ = ("_parents", "_names", "_children")

    def __init__(self) -> None:
        self._parents = array("i", [-1])  # each index's parent index (-1 for the root)
        self._names: list[str] = [""]  # each index's last name ("" for the root)
        self._children: dict[int, dict[str, int]] = {}  # directory index -> name -> index

    def __len__(self) -> int:
        return len(self._names)

    def child(self, parent: int, name: str) -> int:
        """The index of ``name`` under ``parent``, given a new one if the path is new."""
        children = self.names_under(parent)
        index = children.get(name)
        return index if index is not None else self.add_child(parent, name, children)

    def names_under(self, parent: int) -> dict[str, int]:
        """``parent``'s name -> index dictionary, for a writer that adds many names to one directory
        (:meth:`add_child`); made empty if ``parent`` had none."""
        children = self._children.get(parent)
        if children is None:
            children = self._children[parent] = {}
        return children

    def add_child(self, parent: int, name: str, children: dict[str, int]) -> int:
        """A new index for ``name`` (not in ``children``, ``parent``'s :meth:`names_under`)."""
        index = children[name] = len(self._names)
        self._names.append(name)
        self._parents.append(parent)
        return index

    def find_child(self, parent: int, name: str) -> int | None:
        children = self._children.get(parent)
        return None if children is None else children.get(name)

    def intern(self, path: str) -> int:
        """The index of a cleaned relative path (``"a/b"``; ``""`` or ``"."`` is the root)."""
        index = ROOT
        if path and path != ".":
            for name in path.split("/"):
                index = self.child(index, name)
        return index

    def find(self, path: str) -> int | None:
        """The index of a cleaned relative path, or None when no layer has it."""
        index: int | None = ROOT
        if path and path != ".":
            for name in path.split("/"):
                index = self.find_child(index, name)  # type: ignore[arg-type]
                if index is None:
                    return None
        return index

    def parent(self, index: int) -> int:
        return self._parents[index]

    def name(self, index: int) -> str:
        return self._names[index]

    def path(self, index: int) -> str:
        """The relative path of an index (``""`` for the root), built without recursion."""
        names = []
        parents, all_names = self._parents, self._names
        while index > 0:
            names.append(all_names[index])
            index = parents[index]
        names.reverse()
        return "/".join(names)

    def children(self, index: int) -> dict[str, int]:
        """The names met directly under ``index`` (read only; in any layer, present or not)."""
        return self._children.get(index) or {}

    @property
    def parents(self) -> array:
        """Each index's parent index, for loops that cannot afford a call per path (read only)."""
        return self._parents

    @property
    def names(self) -> list[str]:
        """Each index's last name (read only)."""
        return self._names


class LayerListing(Sequence[LayerEntry]):
    """One layer's entries, packed: per entry a path index in :attr:`paths`, a kind code
    (:data:`KIND_CODES`), a size, a mode, a uid and a gid; link targets only for the entries that
    have one."""

    __slots__ = ("paths", "indexes", "kinds", "sizes", "modes", "uids", "gids", "_link_entries", "_link_texts", "_last_directory",
                 "_last_index", "_last_names")  # fmt: skip

    def __init__(self, paths: PathTable | None = None) -> None:
        self.paths = paths if paths is not None else PathTable()
        self.indexes = array("i")  # per entry: its path's index
        self.kinds = bytearray()  # per entry: its kind code
        self.sizes = array("q")
        self.modes = array("I")  # the mode's low 32 bits (permissions, and the type bits some tars add)
        # Numeric owners, 4 bytes each: 8 MB for a million entries.
        self.uids = array("I")
        self.gids = array("I")
        self._link_entries = array("i")  # entries that have a link target, in order
        self._link_texts: list[str] = []
        # Entries of one directory come together in a layer tar: the last parent found is kept.
        self._last_directory: str | None = None
        self._last_index = ROOT
        self._last_names: dict[str, int] = {}

    def add(self, path: str, kind: int, size: int = 0, mode: int = 0, link: str | None = None,
            uid: int = 0, gid: int = 0) -> None:
        """Append an entry: ``path`` cleaned and relative (not the root), ``kind`` a code."""
        directory, _, name = path.rpartition("/")
        if directory != self._last_directory:
            self._last_index = self.paths.intern(directory)
            self._last_directory, self._last_names = directory, self.paths.names_under(self._last_index)
        index = self._last_names.get(name)
        if index is None:
            index = self.paths.add_child(self._last_index, name, self._last_names)
        if link is not None:
            self._link_entries.append(len(self.kinds))
            self._link_texts.append(link)
        self.indexes.append(index)
        self.kinds.append(kind)
        self.sizes.append(size)
        self.modes.append(mode & 0xFFFFFFFF)
        # Masked like the mode: a base-256 header field can hold a negative or huge number.
        self.uids.append(uid & 0xFFFFFFFF)
        self.gids.append(gid & 0xFFFFFFFF)

    def link(self, entry: int) -> str | None:
        """The link target of entry number ``entry``, if it has one."""
        position = bisect.bisect_left(self._link_entries, entry)
        if position < len(self._link_entries) and self._link_entries[position] == entry:
            return self._link_texts[position]
        return None

    def links(self) -> Iterator[tuple[int, str]]:
        """(entry number, link target) of every entry that has a target, in order."""
        return zip(self._link_entries, self._link_texts)

    def moved_to(self, paths: PathTable) -> LayerListing:
        """The same entries with their paths in ``paths`` (this listing is left unchanged)."""
        moved = LayerListing(paths)
        mine = self.paths
        index_of = array("i", [ROOT]) * len(mine)  # my index -> its index in ``paths``
        parents, names = mine.parents, mine.names
        for index in range(1, len(mine)):  # parents come before their children
            index_of[index] = paths.child(index_of[parents[index]], names[index])
        moved.indexes = array("i", (index_of[index] for index in self.indexes))
        moved.kinds = bytearray(self.kinds)
        moved.sizes = array("q", self.sizes)
        moved.modes = array("I", self.modes)
        moved.uids = array("I", self.uids)
        moved.gids = array("I", self.gids)
        moved._link_entries = array("i", self._link_entries)
        moved._link_texts = list(self._link_texts)
        return moved

    def __len__(self) -> int:
        return len(self.kinds)

    def __getitem__(self, entry):  # type: ignore[override]
        if isinstance(entry, slice):
            return [self[i] for i in range(*entry.indices(len(self)))]
        if entry < 0:
            entry += len(self)
        kind = KIND_CODES[self.kinds[entry]]
        path = self.paths.path(self.indexes[entry])
        return LayerEntry(path, kind, self.sizes[entry], self.modes[entry], self.link(entry),  # type: ignore[arg-type]
                          self.uids[entry], self.gids[entry])

    def __iter__(self) -> Iterator[LayerEntry]:
        links = dict(self.links())
        path, kinds = self.paths.path, KIND_CODES
        rows = zip(self.indexes, self.kinds, self.sizes, self.modes, self.uids, self.gids)
        for entry, (index, code, size, mode, uid, gid) in enumerate(rows):
            yield LayerEntry(path(index), kinds[code], size, mode, links.get(entry), uid, gid)  # type: ignore[arg-type]


@dataclass(slots=True)
class Layer:
    entries: LayerListing
    size: int  # sum of the tar header sizes of its entries (what dive calls the layer size)
    source: str  # where it was read: "<id>/layer.tar" or "blobs/sha256/<hex>"
    digest: str | None = None  # the uncompressed layer digest (config rootfs.diff_ids)
    # Reached through a symlinked tar entry: Docker's legacy save writes a duplicate identical layer
    # that way. The files are really there; dive 0.13.1 reads such a layer as empty.
    symlinked: bool = False


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    created_by: str | None  # None when the builder recorded nothing (docker import)
    empty_layer: bool
    created: str | None = None
    comment: str | None = None


@dataclass
class Image:
    name: str  # as the user named it, or the archive's first tag
    id: str  # sha256 digest of the config
    config: dict  # the image config document (architecture, os, config, rootfs, history)
    layers: list[Layer]  # rootfs order, oldest first
    history: list[HistoryEntry] = field(default_factory=list)  # oldest first

    def __post_init__(self) -> None:
        # One table for all layers: a listing read on its own is moved onto the first layer's table,
        # in layer order (a listing shared by two positions is moved once).
        if not self.layers:
            return
        paths = self.layers[0].entries.paths
        moved: dict[int, LayerListing] = {}
        for layer in self.layers:
            if layer.entries.paths is not paths:
                key = id(layer.entries)
                if key not in moved:
                    moved[key] = layer.entries.moved_to(paths)
                layer.entries = moved[key]

    @property
    def paths(self) -> PathTable:
        """The table every layer's paths are in (an empty one for an image without layers)."""
        return self.layers[0].entries.paths if self.layers else PathTable()

    @property
    def runtime_config(self) -> dict:
        """The ``config`` object: User, Env, ExposedPorts, Healthcheck, Cmd, ..."""
        return self.config.get("config") or {}

    @property
    def os(self) -> str | None:
        return self.config.get("os")

    @property
    def architecture(self) -> str | None:
        return self.config.get("architecture")

    @property
    def created(self) -> str | None:
        return self.config.get("created")


def classify(name: str, is_regular: bool) -> EntryKind | None:
    """Whiteout kinds by the file's base name (only regular files carry whiteout meaning)."""
    base = posixpath.basename(name)
    if not is_regular or not base.startswith(WHITEOUT_PREFIX):
        return None
    if base == OPAQUE_MARKER:
        return EntryKind.OPAQUE
    if base.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
        return EntryKind.BOOKKEEPING
    return EntryKind.WHITEOUT


def clean_path(name: str) -> str:
    """A tar member name as a relative, normalised path ("./a//b/" -> "a/b"); "." for the root."""
    if name and name[0] not in "./" and "//" not in name and "/." not in name:
        # Already clean, as nearly every name in a layer is: normpath is the slow part of a listing.
        return name.rstrip("/")
    cleaned = posixpath.normpath("/" + name).lstrip("/")
    return cleaned or "."
