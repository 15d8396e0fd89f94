"""Every entry of every layer, with what it did to the filesystem below: the rows of
``imagelint analyze --format csv --files``.

A row is a layer's entry (a file, directory, link, device, or a deletion) with its size and mode,
and its change: ``added`` (no lower layer had the path, or a lower layer deleted it since),
``modified`` (it replaces what a lower layer put there; for a directory, its metadata) or ``removed``
(a whiteout deletes the path and everything below it; an opaque marker removes a directory's
contents from the layers below; the row's path is then the directory). Bookkeeping entries
(``.wh..wh.plnk``) have no meaning for the filesystem and make no row.

Rows are kept packed (a few arrays and the image's path table), not as an object each: an image of
a million files gives a million rows. :class:`LayerFiles` is final once made; iterating it makes
each :class:`FileRow` on the fly.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from imagelint.image.model import (
    BOOKKEEPING_CODE,
    KIND_CODES,
    OPAQUE_CODE,
    ROOT,
    WHITEOUT_CODE,
    WHITEOUT_PREFIX,
    Image,
    PathTable,
)

CHANGES = ("added", "modified", "removed")
_ADDED, _MODIFIED, _REMOVED = range(3)


@dataclass(frozen=True, slots=True)
class FileRow:
    layer: int  # position in the image's layer list
    path: str  # absolute: "/usr/bin/env"; for a whiteout the path it deletes, for an opaque marker its directory
    kind: str  # EntryKind value: "file", "dir", "symlink", "hardlink", "other", "whiteout", "opaque"
    size: int  # tar header size (regular files; 0 for the rest)
    mode: int  # permission bits (with setuid, setgid, sticky)
    change: str  # one of CHANGES
    uid: int = 0  # numeric owner from the tar header
    gid: int = 0


class LayerFiles:
    """The rows of every layer, oldest layer first, each layer's in tar order."""

    __slots__ = ("_paths", "_layers", "_indexes", "_kinds", "_sizes", "_modes", "_changes", "_uids", "_gids")

    def __init__(self, paths: PathTable) -> None:
        self._paths = paths
        self._layers = array("i")
        self._indexes = array("i")  # the entry's path index (a whiteout's own ".wh.NAME" path)
        self._kinds = bytearray()
        self._sizes = array("q")
        self._modes = array("I")
        self._changes = bytearray()
        self._uids = array("I")
        self._gids = array("I")

    def __len__(self) -> int:
        return len(self._kinds)

    def __iter__(self) -> Iterator[FileRow]:
        paths = self._paths
        columns = zip(self._layers, self._indexes, self._kinds, self._sizes, self._modes, self._changes, self._uids, self._gids)
        for layer, index, code, size, mode, change, uid, gid in columns:
            if code == WHITEOUT_CODE:
                parent = paths.path(paths.parent(index))
                name = paths.name(index)[len(WHITEOUT_PREFIX) :]
                path = f"{parent}/{name}" if parent else name
            elif code == OPAQUE_CODE:
                path = paths.path(paths.parent(index))
            else:
                path = paths.path(index)
            kind = KIND_CODES[code].value  # type: ignore[union-attr]
            yield FileRow(layer, "/" + path, kind, size, mode & 0o7777, CHANGES[change], uid, gid)

    def _add(self, layer: int, index: int, code: int, size: int, mode: int, change: int, uid: int = 0, gid: int = 0) -> None:
        self._layers.append(layer)
        self._indexes.append(index)
        self._kinds.append(code)
        self._sizes.append(size)
        self._modes.append(mode)
        self._changes.append(change)
        self._uids.append(uid)
        self._gids.append(gid)


def layer_files(image: Image) -> LayerFiles:
    """The rows of ``image`` (see the module's docstring)."""
    paths = image.paths
    rows = LayerFiles(paths)
    last_entry = array("i", [-1]) * len(paths)  # path index -> the last layer with an entry there
    deleted: dict[int, int] = {}  # path index -> the last layer that deleted it (and what is below it)
    emptied: dict[int, int] = {}  # directory index -> the last layer that made it opaque
    parents = paths.parents

    def gone_since(index: int, since: int, layer: int) -> bool:
        """Whether ``index`` was deleted after layer ``since``, up to ``layer``: itself, or an ancestor
        deleted or emptied."""
        if since < deleted.get(index, -1) <= layer:
            return True
        ancestor = parents[index]
        while ancestor > ROOT:
            if since < deleted.get(ancestor, -1) <= layer or since < emptied.get(ancestor, -1) <= layer:
                return True
            ancestor = parents[ancestor]
        return since < emptied.get(ROOT, -1) <= layer

    for number, layer in enumerate(image.layers):
        entries = layer.entries
        columns = zip(entries.indexes, entries.kinds, entries.sizes, entries.modes, entries.uids, entries.gids)
        for index, code, size, mode, uid, gid in columns:
            if code == BOOKKEEPING_CODE:
                continue
            if code == WHITEOUT_CODE:
                target = paths.find_child(parents[index], paths.name(index)[len(WHITEOUT_PREFIX) :])
                if target is not None:
                    deleted[target] = number
                rows._add(number, index, code, size, mode, _REMOVED, uid, gid)
                continue
            if code == OPAQUE_CODE:
                emptied[parents[index]] = number
                rows._add(number, index, code, size, mode, _REMOVED, uid, gid)
                continue
            before = last_entry[index]
            known = before >= 0 and not ((deleted or emptied) and gone_since(index, before, number))
            rows._add(number, index, code, size, mode, _MODIFIED if known else _ADDED, uid, gid)
            last_entry[index] = number
    return rows
