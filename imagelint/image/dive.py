"""dive 0.13.1's image metrics, reproduced exactly so teams can keep their ``.dive-ci`` thresholds.

These numbers are *dive's*, quirks included (see docs and ../shared/guide/anchors-images.md §1.3):

- every layer is turned into its own tree; missing parent directories become placeholder nodes
  (size 0, not marked as directories); a path component starting with ``.wh..wh..`` stops the
  insertion, so opaque directories are ignored; a layer read through a symlinked ``layer.tar``
  (Docker's legacy save of a duplicate layer) is an empty tree;
- in each layer tree (the base layer included) only the *leaves* are visited, in sorted depth-first
  order; a leaf counts its tar size, a whiteout leaf counts 0, or, when the path was a directory in
  the layers below, the size of that whole subtree; a whiteout whose path is absent below ends that
  layer's walk;
- per path, ``min`` and the sum over its visits are kept: efficiency = sum of mins / sum of sums;
  wastedBytes = sum of the sums of every path seen at least twice (the surviving copy included);
  userWastedPercent = wastedBytes / the sizes of all layers but the first.

dive re-stacks all lower layers for every whiteout; here the lower stack is kept up to date as the
layers are walked, which gives the same answers in time linear in the number of entries.

The trees are views of the image's :class:`~imagelint.image.model.PathTable` (a few integers per
path, no object per node, no recursion however deep the paths). dive walks each tree in sorted
order, and the order shows in two places only, both handled without sorting whole trees:

- the walk of a layer's leaves ends at the first whiteout that cannot be resolved, so when a layer
  has such whiteouts, only the leaves before the first of them (by their sorted components) count;
- stacking visits a directory's names in sorted order, so ``.wh.NAME`` and ``NAME`` in one
  directory of one layer apply in that order: the deletion first when ``.wh.NAME`` sorts first
  (it does for names starting with a letter or digit), else after ``NAME`` was added.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from imagelint.image.child_lists import ChildLists
from imagelint.image.model import DIR_CODE, ROOT, WHITEOUT_PREFIX, Layer, PathTable

_OPAQUE_PREFIX = WHITEOUT_PREFIX + WHITEOUT_PREFIX + "."  # ".wh..wh.." as dive tests it


@dataclass(frozen=True, slots=True)
class DiveFile:
    path: str
    count: int
    cumulative_size: int  # dive's "size" column: the sum over every copy


@dataclass(frozen=True, slots=True)
class DiveMetrics:
    efficiency: float
    wasted_bytes: int
    # NaN (0/0) or infinite when every layer after the first is empty: see ``user_wasted_percent_or_none``
    user_wasted_percent: float
    inefficient_files: tuple[DiveFile, ...]  # every path dive lists, largest first

    @property
    def user_wasted_percent_or_none(self) -> float | None:
        """JSON has no NaN or infinity: both become null (dive prints ``NaN %`` for one-layer images)."""
        return None if not math.isfinite(self.user_wasted_percent) else self.user_wasted_percent


def dive_metrics(layers: list[Layer]) -> DiveMetrics:
    trees = _DiveTrees(layers[0].entries.paths if layers else PathTable())
    for index, layer in enumerate(layers):
        trees.walk_layer(index, layer)
    smallest_total, discovered_total = trees.totals()
    efficiency = 1.0 if discovered_total == 0 else smallest_total / discovered_total
    repeated = trees.repeated()
    repeated.sort(key=lambda f: (-f.cumulative_size, f.path))
    wasted = sum(f.cumulative_size for f in repeated)
    user_size = sum(0 if layer.symlinked else layer.size for layer in layers[1:])
    if user_size:
        user_wasted = wasted / user_size
    else:
        user_wasted = math.nan if wasted == 0 else math.inf
    return DiveMetrics(efficiency, wasted, user_wasted, tuple(repeated))


class _DiveTrees:
    """dive's per-layer trees and its stack of the layers walked so far, over one path table.

    The stack (``stacked``): per path, whether it is there, dive's payload (``is_dir``, size) and
    its children. The current layer's tree: paths stamped with the layer's number (``_stamp``),
    those with a child in it (``_has_child``), and the entry whose payload each holds (``_payload``,
    -1 for a placeholder parent). Per path visited as a leaf: visits, sum of sizes, smallest size.
    """

    def __init__(self, paths: PathTable) -> None:
        size = len(paths)
        self.paths = paths
        self._present = bytearray(size)
        self._present[ROOT] = 1
        self._is_dir = bytearray(size)
        self._is_dir[ROOT] = 1
        self._size = array("q", [0]) * size
        self._children = ChildLists(size)
        self._stamp = array("i", [0]) * size
        self._has_child = array("i", [0]) * size
        self._payload = array("i", [-1]) * size
        self._visits = array("i", [0]) * size
        self._sums = array("q", [0]) * size
        self._smallest = array("q", [0]) * size
        self._visited = array("i")  # paths with a record, in the order first visited
        # Records whose key is no path: dive strips a whiteout named just ".wh." to "/DIR/" (or "/").
        self._odd: dict[str, list[int]] = {}

    # --- one layer -------------------------------------------------------------------------------

    def walk_layer(self, index: int, layer: Layer) -> None:
        stamp = index + 1
        if layer.symlinked:  # dive reads a symlinked layer as empty
            nodes, whiteouts = array("i"), []
        else:
            nodes, whiteouts = self._tree(layer, stamp)
        if index == 0:  # dive stacks the range 0..-1 as a copy of the first tree
            self._add_payloads(nodes, layer, stamp)
        self._visit_leaves(nodes, whiteouts, layer, stamp)
        self._stack(nodes, whiteouts, layer, stamp, copied=index == 0)

    def _tree(self, layer: Layer, stamp: int) -> tuple[array, list[int]]:
        """Stamp the layer's tree as dive builds it (placeholders for missing parents; a name starting
        with ``.wh..wh..`` stops the insertion there): its paths, parents first, and those of them
        whose name starts with ``.wh.``."""
        parents, names = self.paths.parents, self.paths.names
        stamps, has_child, payload = self._stamp, self._has_child, self._payload
        nodes = array("i")
        whiteouts = []
        chain: list[int] = []
        for entry, index in enumerate(layer.entries.indexes):
            if stamps[index] == stamp:
                payload[index] = entry  # met again (a directory after its files): the payload is replaced
                continue
            parent = parents[index]
            if parent == ROOT or stamps[parent] == stamp:  # the usual case: one new node
                name = names[index]
                if name[0] == "." and name.startswith(WHITEOUT_PREFIX):
                    if name.startswith(_OPAQUE_PREFIX):
                        continue  # never added
                    whiteouts.append(index)
                stamps[index] = stamp
                payload[index] = entry
                has_child[parent] = stamp
                nodes.append(index)
                continue
            node = index
            while node != ROOT and stamps[node] != stamp:
                chain.append(node)
                node = parents[node]
            complete = True
            for position in range(len(chain) - 1, -1, -1):  # from the top down
                if names[chain[position]].startswith(_OPAQUE_PREFIX):
                    del chain[: position + 1]  # it and what is below it are never added
                    complete = False
                    break
            for node in reversed(chain):
                stamps[node] = stamp
                payload[node] = -1
                has_child[parents[node]] = stamp
                nodes.append(node)
                if names[node].startswith(WHITEOUT_PREFIX):
                    whiteouts.append(node)
            chain.clear()
            if complete:
                payload[index] = entry  # the payload is replaced; children stay
        return nodes, whiteouts

    def _visit_leaves(self, nodes: array, whiteouts: list[int], layer: Layer, stamp: int) -> None:
        has_child, payload, sizes = self._has_child, self._payload, layer.entries.sizes
        whiteout_leaves = [node for node in whiteouts if has_child[node] != stamp]
        unresolved = [node for node in whiteout_leaves if self._deleted(node) is None]
        cutoff = min(self._components(node) for node in unresolved) if unresolved else None
        skipped = set(whiteouts)
        visits, sums, smallest, visited = self._visits, self._sums, self._smallest, self._visited
        for node in nodes:
            if has_child[node] == stamp or node in skipped:
                continue  # dive visits leaves only; whiteouts below
            if cutoff is not None and self._components(node) >= cutoff:
                continue  # dive's walk of this layer stops at the first whiteout it cannot resolve
            entry = payload[node]
            size = sizes[entry] if entry >= 0 else 0  # a placeholder parent has no size
            count = visits[node]
            if count == 0:
                visited.append(node)
                smallest[node] = size
            elif size < smallest[node]:
                smallest[node] = size
            visits[node] = count + 1
            sums[node] += size
        for node in whiteout_leaves:
            if cutoff is not None and self._components(node) >= cutoff:
                continue
            previous = self._deleted(node)
            size = self._subtree_size(previous) if self._is_dir[previous] else 0  # type: ignore[index]
            if self.paths.name(node) == WHITEOUT_PREFIX:
                parent = self.paths.parent(node)
                self._record_odd("/" + self.paths.path(parent) + "/" if parent != ROOT else "/", size)
            else:
                self._record(previous, size)  # type: ignore[arg-type]

    def _deleted(self, whiteout: int) -> int | None:
        """The stacked path a whiteout leaf names (its name without ``.wh.``), if it is there; a
        whiteout named just ``.wh.`` names its own directory (dive's path lookup skips the empty name)."""
        stripped = self.paths.name(whiteout)[len(WHITEOUT_PREFIX) :]
        parent = self.paths.parent(whiteout)
        target = self.paths.find_child(parent, stripped) if stripped else parent
        return target if target is not None and self._present[target] else None

    def _components(self, node: int) -> list[str]:
        """The names from the root down: dive's sorted depth-first order is their order."""
        names, parents = self.paths.names, self.paths.parents
        found = []
        while node != ROOT:
            found.append(names[node])
            node = parents[node]
        found.reverse()
        return found

    def _record(self, node: int, size: int) -> None:
        visits = self._visits[node]
        if visits == 0:
            self._visited.append(node)
            self._smallest[node] = size
        elif size < self._smallest[node]:
            self._smallest[node] = size
        self._visits[node] = visits + 1
        self._sums[node] += size

    def _record_odd(self, key: str, size: int) -> None:
        record = self._odd.get(key)
        if record is None:
            self._odd[key] = [1, size, size]
        else:
            record[0] += 1
            record[1] += size
            record[2] = min(record[2], size)

    # --- dive's Stack ------------------------------------------------------------------------------

    def _stack(self, nodes: array, whiteouts: list[int], layer: Layer, stamp: int, *, copied: bool = False) -> None:
        """Stack the layer's tree on the lower layers: a whiteout removes what it names, any other
        node is added (a placeholder first) or has its payload replaced, its children kept; a
        whiteout-named node with children is added, its payload left alone. Removals that sort
        after the name they remove (see the module's docstring) wait until the additions are done.
        ``copied``: the stack already holds the layer's tree (the first layer), so only what a
        removal took out needs adding again."""
        names, paths = self.paths.names, self.paths
        later: list[int] = []
        removed = False
        for node in whiteouts:
            stripped = names[node][len(WHITEOUT_PREFIX) :]
            target = paths.find_child(paths.parent(node), stripped) if stripped else None
            if target is None:
                continue
            if self._stamp[target] == stamp and stripped < names[node]:
                later.append(target)  # dive adds NAME first, then removes it
            else:
                removed = self._remove(target) or removed
        if removed or not copied:
            self._add_payloads(nodes, layer, stamp, whiteouts=set(whiteouts))
        for target in later:
            self._remove(target)

    def _add_payloads(self, nodes: array, layer: Layer, stamp: int, *, whiteouts: set[int] | None = None) -> None:
        """Put each node in the stack (parents first) with the layer's payload. A node of
        ``whiteouts`` (names starting with ``.wh.``) is only put there, as a placeholder if it is
        new, when it has children (dive's Stack); with ``whiteouts`` None every node is copied."""
        parents = self.paths.parents
        present, is_dir, sizes_now, payload = self._present, self._is_dir, self._size, self._payload
        kinds, sizes = layer.entries.kinds, layer.entries.sizes
        clear, append = self._children.clear, self._children.append
        for node in nodes:
            if whiteouts and node in whiteouts:
                if self._has_child[node] == stamp and not present[node]:
                    self._make_present(node)  # a placeholder, before its children come
                continue
            if not present[node]:
                present[node] = 1
                clear(node)
                append(parents[node], node)
            entry = payload[node]
            if entry < 0:
                is_dir[node], sizes_now[node] = 0, 0  # a placeholder: no size, not even a directory
            else:
                is_dir[node], sizes_now[node] = kinds[entry] == DIR_CODE, sizes[entry]

    def _make_present(self, node: int) -> None:
        """A placeholder in the stack (its parent is there already)."""
        self._present[node] = 1
        self._is_dir[node] = 0
        self._size[node] = 0
        self._children.clear(node)
        self._children.append(self.paths.parent(node), node)

    def _remove(self, node: int) -> bool:
        """Take ``node`` and its subtree out of the stack; whether it was there."""
        if not self._present[node]:
            return False
        self._children.remove(self.paths.parent(node), node)
        pending = [node]
        while pending:
            current = pending.pop()
            self._present[current] = 0
            pending.extend(self._children.children(current))
        return True

    def _subtree_size(self, node: int) -> int:
        total = 0
        pending = [node]
        while pending:
            current = pending.pop()
            total += self._size[current]
            pending.extend(self._children.children(current))
        return total

    # --- the result ----------------------------------------------------------------------------------

    def totals(self) -> tuple[int, int]:
        """The sum over every recorded path of its smallest size, and of its sum of sizes."""
        smallest, sums = self._smallest, self._sums
        visited = self._visited
        odd = self._odd.values()
        return (sum(smallest[node] for node in visited) + sum(record[2] for record in odd),
                sum(sums[node] for node in visited) + sum(record[1] for record in odd))  # fmt: skip

    def repeated(self) -> list[DiveFile]:
        """The paths visited at least twice (dive's inefficient files), in no order."""
        path, visits, sums = self.paths.path, self._visits, self._sums
        found = [DiveFile("/" + path(node), visits[node], sums[node]) for node in self._visited if visits[node] >= 2]
        found += [DiveFile(key, record[0], record[1]) for key, record in self._odd.items() if record[0] >= 2]
        return found
