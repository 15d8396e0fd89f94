"""What each layer did to the filesystem, and the image's tree as of any layer: the data behind
``imagelint explore``, the JSON report's per-layer ``changes`` and its ``tree`` summary.

:class:`ChangeIndex` is built once from an :class:`~imagelint.image.model.Image`: for every path
index of the image's :class:`~imagelint.image.model.PathTable`, the entries that touched it, in layer
order, packed in a few arrays (a path's entries are a slice of them: ``starts[p]:starts[p + 1]``).
A whiteout is filed under the path it deletes and an opaque marker under the directory it empties,
so the state of any path as of any layer is read from its own entries and its ancestors'.

:meth:`ChangeIndex.tree` gives the tree as of layer ``k`` (:class:`LayerTree`) in one pass over the
path indexes (parents come before their children in a table, so no recursion and no object per
node): which paths are there, which entry each shows, and each directory's aggregated bytes. The
rules are those of :mod:`imagelint.image.filesystem` (deletions in a layer apply to the layers
below it only; a non-directory over a directory hides the subtree; a directory with no entry of
its own is there while something below it is). Everything else (a node's change, the layer that
later hides it, a removed subtree's contents) is asked of one node at a time, for what is shown.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imagelint.image.model import (
    BOOKKEEPING_CODE,
    DIR_CODE,
    FILE_CODE,
    KIND_CODES,
    OPAQUE_CODE,
    ROOT,
    WHITEOUT_CODE,
    WHITEOUT_PREFIX,
    Image,
    PathTable,
)

if TYPE_CHECKING:
    from imagelint.image.file_tree import ChangeTree

ADDED, MODIFIED, REMOVED = "added", "modified", "removed"
CHANGE_KINDS = (ADDED, MODIFIED, REMOVED)
DEFAULT_MAX_CHANGES = 1000
SUMMARY_DEPTH = 3  # the JSON tree summary lists directories down to /usr/lib/python3
_HIDDEN = 1 << 30  # a cut no layer reaches: nothing below is visible
_IMPLICIT = -2  # a directory with no entry of its own in view (made by the entries below it)
_NONE = -1
_OWN, _HAS_CHILD = 1, 2
_SPECIAL = bytes(1 if code in (WHITEOUT_CODE, OPAQUE_CODE, BOOKKEEPING_CODE) else 0 for code in range(256))  # LayerTree.present bits: its own entry is visible; something below is


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One path of a :class:`LayerTree`, as shown: sizes of directories are their subtree's bytes."""

    index: int  # path index in the image's table
    name: str
    path: str  # absolute: "/usr/bin/env"
    kind: str  # EntryKind value: "file", "dir", "symlink", "hardlink", "other"
    size: int  # a file's bytes; a directory's visible bytes below it (a removed node's, as before)
    mode: int  # permission bits of the entry shown (0 for a directory with no entry of its own)
    layer: int | None  # the layer whose entry is shown (None: an implicit directory)
    change: str | None  # what the tree's layer did here: ADDED, MODIFIED, REMOVED or None
    hidden_by: int | None  # the later layer that deletes or replaces this entry (its bytes are waste)
    link: str | None = None
    wasted_bytes: int = 0  # a directory's hidden bytes below it over the whole image (the analysis')

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"


@dataclass(frozen=True, slots=True)
class ChangedPath:
    path: str  # absolute; for a whiteout the path it deletes, for an opaque marker its directory
    size: int  # added/modified: the entry's bytes; removed: the visible bytes it took away

    def to_dict(self) -> dict:
        return {"path": self.path, "size": self.size}


@dataclass(frozen=True, slots=True)
class LayerChangeList:
    """A layer's changed paths, in tar order, each list bounded; ``omitted`` counts what was left out."""

    added: tuple[ChangedPath, ...]
    modified: tuple[ChangedPath, ...]
    removed: tuple[ChangedPath, ...]
    omitted: Mapping[str, int]  # change kind -> paths not listed

    def to_dict(self) -> dict:
        return {
            "added": [item.to_dict() for item in self.added],
            "modified": [item.to_dict() for item in self.modified],
            "removed": [item.to_dict() for item in self.removed],
            "omitted": {kind: self.omitted.get(kind, 0) for kind in CHANGE_KINDS},
        }


@dataclass(frozen=True, slots=True)
class SummaryRow:
    path: str  # "/usr/lib"; "/" for the root
    size: int  # visible bytes below it in the final filesystem
    wasted_bytes: int  # hidden bytes shipped below it
    files: int  # visible non-directories below it

    def to_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "wasted_bytes": self.wasted_bytes, "files": self.files}


@dataclass(frozen=True, slots=True)
class TreeSummary:
    depth: int
    directories: tuple[SummaryRow, ...]  # by path (a parent before its children)
    omitted: int  # directories within ``depth`` left out (the smallest)

    def to_dict(self) -> dict:
        return {"depth": self.depth, "directories": [row.to_dict() for row in self.directories], "omitted": self.omitted}


class ChangeIndex:
    """Every path's entries across the layers (see the module's docstring)."""

    __slots__ = ("image", "paths", "starts", "layers", "entries", "kinds", "_trees", "_wasted")

    def __init__(self, image: Image, wasted_at: Mapping[str, int] | None = None) -> None:
        """``wasted_at``: hidden bytes per absolute path (the analysis' ``inefficient_files``), summed
        here per directory."""
        self.image = image
        self.paths: PathTable = image.paths
        count = len(self.paths)
        sizes = array("i", [0]) * (count + 1)
        targets = [self._targets(layer.entries) for layer in image.layers]
        for layer_targets in targets:
            for target in layer_targets:
                if target >= 0:
                    sizes[target + 1] += 1
        for index in range(count):
            sizes[index + 1] += sizes[index]
        self.starts = sizes  # now each path's first slot
        total = sizes[count]
        self.layers = array("i", [0]) * total  # per slot: the layer of the entry
        self.entries = array("i", [0]) * total  # ... its position in that layer's listing
        self.kinds = bytearray(total)  # ... its kind code
        filled = array("i", sizes[:count])
        for number, layer_targets in enumerate(targets):
            kinds = image.layers[number].entries.kinds
            for entry, target in enumerate(layer_targets):
                if target < 0:
                    continue
                slot = filled[target]
                filled[target] = slot + 1
                self.layers[slot], self.entries[slot], self.kinds[slot] = number, entry, kinds[entry]
        self._trees: dict[int, LayerTree] = {}
        self._wasted = self._wasted_per_directory(wasted_at or {})

    def _targets(self, listing) -> array:
        """Per entry of a listing: the path index it is filed under (-1: none, e.g. bookkeeping)."""
        paths = self.paths
        targets = array("i", listing.indexes)
        kinds = listing.kinds
        marks = kinds.translate(_SPECIAL)  # one C-level scan finds the few entries filed elsewhere
        entry = marks.find(1)
        while entry >= 0:
            code = kinds[entry]
            if code == WHITEOUT_CODE:
                index = targets[entry]
                deleted = paths.name(index)[len(WHITEOUT_PREFIX) :]
                found = paths.find_child(paths.parent(index), deleted) if deleted else None
                targets[entry] = _NONE if found is None else found
            elif code == OPAQUE_CODE:
                targets[entry] = paths.parent(targets[entry])
            else:
                targets[entry] = _NONE
            entry = marks.find(1, entry + 1)
        return targets

    def _wasted_per_directory(self, wasted_at: Mapping[str, int]) -> dict[int, int]:
        wasted: dict[int, int] = {}
        parents = self.paths.parents
        for path, size in wasted_at.items():
            index = self.paths.find(path.lstrip("/"))
            if index is None or not size:
                continue
            while index > ROOT:
                index = parents[index]
                wasted[index] = wasted.get(index, 0) + size
        return wasted

    @property
    def layer_count(self) -> int:
        return len(self.image.layers)

    def wasted_below(self, index: int) -> int:
        return self._wasted.get(index, 0)

    # --- one path at a time ----------------------------------------------------------------------

    def _slots(self, index: int) -> range:
        return range(self.starts[index], self.starts[index + 1])

    def size_of(self, slot: int) -> int:
        return self.image.layers[self.layers[slot]].entries.sizes[self.entries[slot]]

    def mode_of(self, slot: int) -> int:
        return self.image.layers[self.layers[slot]].entries.modes[self.entries[slot]]

    def link_of(self, slot: int) -> str | None:
        return self.image.layers[self.layers[slot]].entries.link(self.entries[slot])

    def _step(self, index: int, cut: int, layer: int) -> tuple[int, int]:
        """(the slot visible at ``index`` as of ``layer`` or -1, the cut for its children), given the
        cut its parent passes down: entries of layers below a cut are hidden."""
        if cut > layer:
            return _NONE, _HIDDEN
        shown, own_cut, children_cut = _NONE, cut, cut
        layers, kinds = self.layers, self.kinds
        for slot in self._slots(index):
            at = layers[slot]
            if at > layer:
                break
            code = kinds[slot]
            if code == WHITEOUT_CODE:
                own_cut = children_cut = max(own_cut, at)
            elif code == OPAQUE_CODE:
                children_cut = max(children_cut, at)
            else:
                shown = slot
                if code != DIR_CODE:
                    children_cut = max(children_cut, at)
        if shown >= 0 and layers[shown] < own_cut:
            shown = _NONE
        if shown >= 0 and kinds[shown] != DIR_CODE:
            return shown, _HIDDEN
        return shown, children_cut

    def _cut_above(self, index: int, layer: int, memo: dict[int, int] | None = None) -> int:
        """The cut ``index``'s parent passes down as of ``layer`` (its ancestors walked from the root).
        ``memo`` keeps the answers per parent, for callers that ask about many paths of one layer."""
        parents = self.paths.parents
        parent = parents[index]
        if memo is not None and parent in memo:
            return memo[parent]
        chain = []
        ancestor = parent
        while ancestor > ROOT:
            chain.append(ancestor)
            ancestor = parents[ancestor]
        cut = self._step(ROOT, 0, layer)[1]
        for ancestor in reversed(chain):
            cut = self._step(ancestor, cut, layer)[1]
        if memo is not None:
            memo[parent] = cut
        return cut

    def visible_slot(self, index: int, layer: int) -> int:
        """The slot of the entry ``index`` shows as of ``layer`` (-1: none of its own)."""
        if layer < 0:
            return _NONE
        return self._step(index, self._cut_above(index, layer), layer)[0]

    def present(self, index: int, layer: int, memo: dict[int, int] | None = None) -> bool:
        """Whether ``index`` is in the filesystem as of ``layer`` (an implicit directory included:
        the walk below it stops at the first visible entry)."""
        if layer < 0:
            return False
        pending = [(index, self._cut_above(index, layer, memo))]
        children = self.paths.children
        while pending:
            current, cut = pending.pop()
            slot, children_cut = self._step(current, cut, layer)
            if slot >= 0:
                return True
            if children_cut <= layer:
                pending.extend((child, children_cut) for child in children(current).values())
        return False

    def subtree_bytes(self, index: int, layer: int) -> tuple[int, bool]:
        """(visible bytes at and below ``index`` as of ``layer``, whether anything there is visible),
        walking only that subtree."""
        if layer < 0:
            return 0, False
        total, found = 0, False
        pending = [(index, self._cut_above(index, layer))]
        children = self.paths.children
        while pending:
            current, cut = pending.pop()
            slot, children_cut = self._step(current, cut, layer)
            if slot >= 0:
                found = True
                if self.kinds[slot] == FILE_CODE:
                    total += self.size_of(slot)
            if children_cut <= layer:
                pending.extend((child, children_cut) for child in children(current).values())
        return total, found

    def hidden_by(self, index: int, slot: int) -> int | None:
        """The first layer after ``slot``'s that deletes or replaces the entry (itself, or a parent
        deleted, emptied or replaced by a non-directory); None when it stays to the end."""
        since = self.layers[slot]
        own_kind = self.kinds[slot]
        first: int | None = None
        for later in self._slots(index):
            at = self.layers[later]
            if at <= since:
                continue
            code = self.kinds[later]
            # A directory entry over a directory only changes its metadata.
            if code != OPAQUE_CODE and not (code == DIR_CODE and own_kind == DIR_CODE):
                first = at
                break
        parents = self.paths.parents
        ancestor = parents[index]
        while ancestor >= ROOT:
            for later in self._slots(ancestor):
                at = self.layers[later]
                if at > since and (first is None or at < first) and self.kinds[later] != DIR_CODE:
                    first = at
                    break
            if ancestor == ROOT:
                break
            ancestor = parents[ancestor]
        return first

    # --- whole trees -----------------------------------------------------------------------------

    def tree(self, layer: int) -> LayerTree:
        """The tree as of ``layer`` (the last two asked for are kept)."""
        tree = self._trees.get(layer)
        if tree is None:
            tree = LayerTree(self, layer)
            if len(self._trees) >= 2:
                self._trees.pop(next(iter(self._trees)))
            self._trees[layer] = tree
        return tree

    def change_codes(self, layer: int) -> bytearray:
        """Per path index, what ``layer`` did there as an index into ``(None, *CHANGE_KINDS)``: the
        same answers as :meth:`LayerTree.change_at`, for every path at once (two tree passes)."""
        now = self.tree(layer)
        before = self.tree(layer - 1) if layer > 0 else None
        codes = bytearray(len(self.paths))
        layers, kinds = self.layers, self.kinds
        for path in range(1, len(self.paths)):
            was = bool(before.present[path]) if before is not None else False
            if not now.present[path]:
                if was:
                    codes[path] = 3
                continue
            if not was:
                codes[path] = 1
                continue
            slot = now.shown[path]
            if slot < 0 or layers[slot] != layer:
                continue
            previous = before.shown[path]  # type: ignore[union-attr]
            if previous < 0:  # a directory the layers below had made implicitly
                codes[path] = 0 if kinds[slot] == DIR_CODE else 1
                continue
            if kinds[slot] != DIR_CODE or kinds[previous] != DIR_CODE or self.mode_of(slot) & 0o7777 != self.mode_of(previous) & 0o7777:
                codes[path] = 2
        return codes

    def changed_entries(self, layer: int) -> Iterator[tuple[int, int, str]]:
        """(entry number, path index, change kind) of each entry of ``layer`` that changed something:
        its non-directories (ADDED where the layers below have nothing now, else MODIFIED), and its
        whiteouts and opaque markers that remove something (REMOVED: the deleted path, the emptied
        directory), in tar order."""
        listing = self.image.layers[layer].entries
        targets = self._targets(listing)
        memo: dict[int, int] = {}  # a layer's entries come directory by directory
        starts, slot_layers, children = self.starts, self.layers, self.paths.children
        for entry, (code, target) in enumerate(zip(listing.kinds, targets)):
            if target < 0 or code == DIR_CODE:
                continue
            # Most entries are new paths: no layer below has an entry there (its slots are in layer
            # order) and no path lies below it, so :meth:`present` would find nothing; it is not asked.
            if slot_layers[starts[target]] >= layer and not children(target):
                was_there = False
            else:
                was_there = self.present(target, layer - 1, memo)
            if code in (WHITEOUT_CODE, OPAQUE_CODE):
                if was_there:  # else it deletes nothing the layers below had
                    yield entry, target, REMOVED
            else:
                yield entry, target, MODIFIED if was_there else ADDED

    def slot_of(self, layer: int, entry: int, target: int) -> int:
        """The slot of entry number ``entry`` of ``layer``, filed under ``target``."""
        for slot in self._slots(target):
            if self.layers[slot] == layer and self.entries[slot] == entry:
                return slot
        raise KeyError((layer, entry))

    def layer_changes(self, layer: int, limit: int = DEFAULT_MAX_CHANGES) -> LayerChangeList:
        """The paths ``layer`` changed (:meth:`changed_entries`), at most ``limit`` of each kind: an
        added or modified path with its entry's bytes, a removed one with the visible bytes it took away."""
        listed: dict[str, list[ChangedPath]] = {kind: [] for kind in CHANGE_KINDS}
        omitted = dict.fromkeys(CHANGE_KINDS, 0)
        sizes = self.image.layers[layer].entries.sizes
        path = self.paths.path
        for entry, target, kind in self.changed_entries(layer):
            if len(listed[kind]) >= limit:
                omitted[kind] += 1
                continue
            size = self.subtree_bytes(target, layer - 1)[0] if kind == REMOVED else sizes[entry]
            listed[kind].append(ChangedPath("/" + path(target), size))
        return LayerChangeList(*(tuple(listed[kind]) for kind in CHANGE_KINDS), omitted=omitted)  # type: ignore[misc]

    def summary(self, depth: int = SUMMARY_DEPTH, limit: int = DEFAULT_MAX_CHANGES) -> TreeSummary:
        """The final filesystem's directories down to ``depth``, with their bytes, files and hidden
        bytes; the ``limit`` biggest (by size, then waste) are kept."""
        tree = self.tree(self.layer_count - 1) if self.layer_count else None
        if tree is None:
            return TreeSummary(depth, (), 0)
        parents, paths = self.paths.parents, self.paths
        depth_of = array("b", [0]) * len(paths)
        for index in range(1, len(paths)):
            depth_of[index] = min(depth_of[parents[index]] + 1, 127)
        files = array("i", [0]) * len(paths)  # visible non-directories below each path
        present, shown, kinds = tree.present, tree.shown, self.kinds
        for index in range(len(paths) - 1, 0, -1):
            if present[index] & _OWN and kinds[shown[index]] != DIR_CODE:  # _OWN: it shows an entry (a slot)
                files[index] += 1
            files[parents[index]] += files[index]
        candidates = {index for index in range(len(paths)) if depth_of[index] <= depth and (files[index] or index in self._wasted)
                      and (present[index] & _HAS_CHILD or index in self._wasted)}  # fmt: skip
        rows = [
            SummaryRow("/" + paths.path(index) if index != ROOT else "/", tree.totals[index] if present[index] else 0,
                       self._wasted.get(index, 0), files[index])
            for index in candidates
        ]  # fmt: skip
        rows.sort(key=lambda row: (-row.size, -row.wasted_bytes, row.path))
        kept = sorted(rows[:limit], key=lambda row: row.path)
        return TreeSummary(depth, tuple(kept), max(0, len(rows) - limit))


class LayerTree:
    """The filesystem as of one layer: per path index, whether it is there (:attr:`present`), the
    slot of the entry it shows, and its aggregated bytes (:attr:`totals`)."""

    __slots__ = ("index", "layer", "present", "shown", "totals")

    def __init__(self, index: ChangeIndex, layer: int) -> None:
        self.index, self.layer = index, layer
        count = len(index.paths)
        parents = index.paths.parents
        cuts = array("i", [0]) * count
        shown = array("i", [_NONE]) * count
        step = index._step
        starts, slot_layers, kinds = index.starts, index.layers, index.kinds
        first, cuts[ROOT] = step(ROOT, 0, layer)
        shown[ROOT] = first if first >= 0 else _IMPLICIT
        for path in range(1, count):
            cut = cuts[parents[path]]
            slot = starts[path]
            if starts[path + 1] - slot != 1 or cut > layer:
                slot, children_cut = step(path, cut, layer)
            else:  # one entry at this path, most paths: what _step gives, without the call
                at, code = slot_layers[slot], kinds[slot]
                if at > layer:
                    slot, children_cut = _NONE, cut
                elif code == WHITEOUT_CODE or code == OPAQUE_CODE:
                    slot, children_cut = _NONE, max(cut, at)
                elif at < cut:  # deleted by an ancestor's later whiteout or opaque marker
                    slot, children_cut = _NONE, cut
                elif code != DIR_CODE:
                    children_cut = _HIDDEN
                else:
                    children_cut = cut
            cuts[path] = children_cut
            shown[path] = slot if slot >= 0 else (_IMPLICIT if children_cut <= layer else _NONE)
        del cuts
        present = bytearray(count)
        totals = array("q", bytes(8 * count))
        sizes_by_layer = [shipped.entries.sizes for shipped in index.image.layers]
        entries = index.entries
        for path in range(count - 1, -1, -1):  # children have higher indexes than their parents
            slot = shown[path]
            if slot >= 0:
                present[path] |= _OWN
                if kinds[slot] == FILE_CODE:
                    totals[path] += sizes_by_layer[slot_layers[slot]][entries[slot]]  # index.size_of(slot), inlined
            if present[path] and path != ROOT:
                parent = parents[path]
                present[parent] |= _HAS_CHILD
                totals[parent] += totals[path]
        present[ROOT] |= _HAS_CHILD
        self.present, self.shown, self.totals = present, shown, totals

    def kinds_code(self, path: int) -> int:
        slot = self.shown[path]
        return self.index.kinds[slot] if slot >= 0 else DIR_CODE

    def children(self, path: int, *, removed: bool = True) -> list[int]:
        """``path``'s children in this tree, in no particular order; with ``removed``, also those
        this tree's layer took away (shown as removed)."""
        found = []
        present, index = self.present, self.index
        for child in index.paths.children(path).values():
            if present[child]:
                found.append(child)
            elif removed and self.layer > 0 and index.present(child, self.layer - 1):
                found.append(child)
        return found

    def change_at(self, path: int) -> str | None:
        """What this tree's layer did at ``path``: ADDED (no lower layer had it, or it was deleted
        since), MODIFIED (a non-directory shipped again; a directory whose mode changed) or REMOVED."""
        index, layer = self.index, self.layer
        if not self.present[path]:
            return REMOVED if layer > 0 and index.present(path, layer - 1) else None
        slot = self.shown[path]
        if slot < 0:  # a directory made by the entries below it: new if the layers below had none
            return None if index.present(path, layer - 1) else ADDED
        if index.layers[slot] != layer:
            return None
        before = index.visible_slot(path, layer - 1)
        if before < 0:
            return None if index.kinds[slot] == DIR_CODE and index.present(path, layer - 1) else ADDED
        if index.kinds[slot] == DIR_CODE and index.kinds[before] == DIR_CODE:
            return MODIFIED if index.mode_of(slot) & 0o7777 != index.mode_of(before) & 0o7777 else None
        return MODIFIED

    def node(self, path: int) -> TreeNode:
        """``path`` as shown in this tree (a removed node as the layer below had it)."""
        index, table = self.index, self.index.paths
        change = self.change_at(path)
        if change == REMOVED:
            slot = index.visible_slot(path, self.layer - 1)
            size = index.subtree_bytes(path, self.layer - 1)[0]
        else:
            slot = self.shown[path]
            size = self.totals[path]
        code = index.kinds[slot] if slot >= 0 else DIR_CODE
        kind = KIND_CODES[code].value  # type: ignore[union-attr]
        return TreeNode(
            index=path,
            name=table.name(path) or "/",
            path="/" + table.path(path),
            kind=kind,
            size=size,
            mode=index.mode_of(slot) & 0o7777 if slot >= 0 else 0,
            layer=index.layers[slot] if slot >= 0 else None,
            change=change,
            hidden_by=index.hidden_by(path, slot) if slot >= 0 and change != REMOVED else None,
            link=index.link_of(slot) if slot >= 0 and code != DIR_CODE else None,
            wasted_bytes=index.wasted_below(path) if code == DIR_CODE else 0,
        )


@dataclass(frozen=True, slots=True)
class ImageChanges:
    """What the reports show of the change index: each layer's bounded change lists (by layer
    index) and the final tree's summary by directory."""

    layers: tuple[LayerChangeList, ...]
    tree: TreeSummary
    max_changes: int
    # The whole index, for ``imagelint explore`` only: it keeps the image's listings alive.
    index: ChangeIndex | None = None
    file_tree: ChangeTree | None = None  # every layer's changes, unbounded (the HTML report)


def image_changes(image: Image, wasted_at: Mapping[str, int], max_changes: int = DEFAULT_MAX_CHANGES, *,
                  keep_index: bool = False, file_tree: bool = False) -> ImageChanges:  # fmt: skip
    """The reports' part of :class:`ChangeIndex` for ``image``; ``wasted_at`` as for the index."""
    from imagelint.image.file_tree import change_tree

    index = ChangeIndex(image, wasted_at)
    layers = tuple(index.layer_changes(layer, max_changes) for layer in range(index.layer_count))
    return ImageChanges(layers, index.summary(limit=max_changes), max_changes, index if keep_index else None,
                        change_tree(index) if file_tree else None)  # fmt: skip
