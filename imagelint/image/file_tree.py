"""Every layer's changes as one packed tree, for the HTML report's file tree per layer, and the wasted
bytes grouped by directory.

:class:`ChangeTree` numbers the paths some layer changed, with their parent directories, in a table
of its own (node 0 is the root): a name and a parent per node. Each layer's changes are four integers
per changed path (node, change, bytes, the layer that hides it or -1), in tar order. The page embeds
this as JSON data and builds the tree's elements only when a directory is opened, so a layer of
100,000 files costs the page nothing until someone looks.
"""

from __future__ import annotations

import posixpath
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from imagelint.image.changes import CHANGE_KINDS, REMOVED, ChangeIndex
from imagelint.image.model import DIR_CODE, ROOT

NO_LAYER = -1
_AS_DIGITS = bytes(48 + (code > 0) for code in range(256))  # a 0/1 flag per node as "0"/"1" for the page


class ChangeTree:
    """Nodes (names, parents, whether a directory) and, per layer index, its packed changes."""

    __slots__ = ("names", "parents", "directories", "changes")

    def __init__(self) -> None:
        self.names: list[str] = [""]
        self.parents = array("i", [-1])
        self.directories = bytearray(b"\x01")
        self.changes: dict[int, array] = {}  # layer index -> node, change code (1 + CHANGE_KINDS), bytes, hidden by

    def __len__(self) -> int:
        return len(self.names)

    def to_dict(self) -> dict:
        """The page's data: short keys, flat lists (the page is the only reader)."""
        return {
            "names": self.names,
            "parents": list(self.parents),
            "dirs": self.directories.decode("ascii"),
            "kinds": list(CHANGE_KINDS),
            "layers": {str(layer): list(values) for layer, values in self.changes.items()},
        }


def change_tree(index: ChangeIndex) -> ChangeTree:
    """Every layer's changes (:meth:`ChangeIndex.changed_entries`), unbounded, with what hides each."""
    tree = ChangeTree()
    node_of: dict[int, int] = {ROOT: 0}  # path index -> node
    paths = index.paths
    parents = paths.parents

    def node(path: int, directory: bool) -> int:
        found = node_of.get(path)
        if found is None:
            parent = node(parents[path], True)
            found = node_of[path] = len(tree.names)
            tree.names.append(paths.name(path))
            tree.parents.append(parent)
            tree.directories.append(0)
        if directory:
            tree.directories[found] = 1
        return found

    for layer in range(index.layer_count):
        values = array("q")
        sizes = index.image.layers[layer].entries.sizes
        for entry, target, kind in index.changed_entries(layer):
            slot = index.slot_of(layer, entry, target)
            if kind == REMOVED:
                before = index.visible_slot(target, layer - 1)
                directory = before < 0 or index.kinds[before] == DIR_CODE
                size, hidden_by = index.subtree_bytes(target, layer - 1)[0], NO_LAYER
            else:
                directory = False
                size = sizes[entry]
                hidden = index.hidden_by(target, slot)
                hidden_by = NO_LAYER if hidden is None else hidden
            values.extend((node(target, directory), 1 + CHANGE_KINDS.index(kind), size, hidden_by))
        tree.changes[layer] = values
    tree.directories = tree.directories.translate(_AS_DIGITS)
    return tree


@dataclass(frozen=True, slots=True)
class WastedGroup:
    path: str  # a directory ("/data/many/") holding several wasted paths, or the one path
    files: int
    wasted_bytes: int


def wasted_by_directory(wasted: Iterable[tuple[str, int]], limit: int) -> tuple[tuple[WastedGroup, ...], int]:
    """``(path, hidden bytes)`` pairs grouped by their directory, most wasted first: a directory of one
    wasted path is that path. Returns the first ``limit`` groups and how many more there are."""
    groups: dict[str, list] = {}
    for path, size in wasted:
        if size:
            group = groups.setdefault(posixpath.dirname(path), [0, 0, path])
            group[0] += 1
            group[1] += size
    rows = [
        WastedGroup(only if files == 1 else directory.rstrip("/") + "/", files, size)
        for directory, (files, size, only) in groups.items()
    ]
    rows.sort(key=lambda row: (-row.wasted_bytes, row.path))
    return tuple(rows[:limit]), max(0, len(rows) - limit)
