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
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from imagelint.image.model import WHITEOUT_PREFIX, EntryKind, Layer

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


class _Node:
    __slots__ = ("children", "is_dir", "size")

    def __init__(self, is_dir: bool = False, size: int = 0) -> None:
        self.children: dict[str, _Node] = {}
        self.is_dir = is_dir
        self.size = size

    def copy(self) -> _Node:
        twin = _Node(self.is_dir, self.size)
        twin.children = {name: child.copy() for name, child in self.children.items()}
        return twin

    def subtree_size(self) -> int:
        total = 0
        pending = [self]
        while pending:
            node = pending.pop()
            total += node.size
            pending.extend(node.children.values())
        return total


def dive_metrics(layers: list[Layer]) -> DiveMetrics:
    records: dict[str, list[int]] = {}  # path -> [visits, sum of sizes, smallest size]
    stacked: _Node | None = None  # the layers below the current one, stacked as dive stacks them
    for index, layer in enumerate(layers):
        tree = _layer_tree(layer)
        below = tree if index == 0 else stacked  # dive "stacks" the range 0..-1 as a copy of layer 0
        assert below is not None
        for path, node in _leaves(tree):
            if node_is_whiteout(path):
                path = _strip_whiteout(path)
                previous = _find(below, path)
                if previous is None:
                    break  # dive's walk of this layer stops at the first whiteout it cannot resolve
                size = previous.subtree_size() if previous.is_dir else 0
            else:
                size = node.size
            record = records.get(path)
            if record is None:
                records[path] = [1, size, size]
            else:
                record[0] += 1
                record[1] += size
                record[2] = min(record[2], size)
        if index == 0:
            stacked = tree.copy()
        _stack(stacked, tree)  # type: ignore[arg-type]

    smallest_total = sum(record[2] for record in records.values())
    discovered_total = sum(record[1] for record in records.values())
    efficiency = 1.0 if discovered_total == 0 else smallest_total / discovered_total
    repeated = [DiveFile(path, r[0], r[1]) for path, r in records.items() if r[0] >= 2]
    repeated.sort(key=lambda f: (-f.cumulative_size, f.path))
    wasted = sum(f.cumulative_size for f in repeated)
    user_size = sum(0 if layer.symlinked else layer.size for layer in layers[1:])
    if user_size:
        user_wasted = wasted / user_size
    else:
        user_wasted = math.nan if wasted == 0 else math.inf
    return DiveMetrics(efficiency, wasted, user_wasted, tuple(repeated))


def _layer_tree(layer: Layer) -> _Node:
    root = _Node(is_dir=True)
    if layer.symlinked:
        return root  # dive opens the symlink entry itself as the layer tar: no files
    for entry in layer.entries:
        _add_path(root, entry.path, entry.kind is EntryKind.DIR, entry.size)
    return root


def _add_path(root: _Node, path: str, is_dir: bool, size: int) -> None:
    """Insert like dive: placeholders for missing parents; the payload replaces, children stay.
    ``path`` is a cleaned layer path ("a/b"): no empty component."""
    names = path.split("/")
    node = root
    for name in names:
        child = node.children.get(name)
        if child is None:
            if name.startswith(_OPAQUE_PREFIX):
                return
            child = _Node()
            node.children[name] = child
        node = child
    if names:
        node.is_dir = is_dir
        node.size = size


def _leaves(root: _Node) -> Iterator[tuple[str, _Node]]:
    """Leaves in dive's visiting order: depth first, children sorted by name."""

    def walk(node: _Node, prefix: str) -> Iterator[tuple[str, _Node]]:
        for name in sorted(node.children):
            child = node.children[name]
            path = f"{prefix}/{name}"
            if child.children:
                yield from walk(child, path)
            else:
                yield path, child

    return walk(root, "")


def node_is_whiteout(path: str) -> bool:
    return path.rsplit("/", 1)[-1].startswith(WHITEOUT_PREFIX)


def _strip_whiteout(path: str) -> str:
    directory, name = path.rsplit("/", 1)
    return f"{directory}/{name[len(WHITEOUT_PREFIX):]}"


def _find(root: _Node, path: str) -> _Node | None:
    node = root
    for name in path.split("/"):
        if not name:
            continue
        child = node.children.get(name)
        if child is None:
            return None
        node = child
    return node


def _stack(lower: _Node, upper: _Node) -> None:
    """dive's ``Stack``: every upper node, children first, in name order; a whiteout removes its
    target from the lower tree, any other node is added (a placeholder parent first) or has its
    payload replaced, its children kept. Done as one walk of both trees in step, rather than a
    lookup from the root for every node."""
    for name in sorted(upper.children):
        child = upper.children[name]
        if name.startswith(WHITEOUT_PREFIX):
            if child.children:  # never in a real layer, but dive would add them (under the ".wh." name)
                _stack(lower.children.setdefault(name, _Node()), child)
            lower.children.pop(name[len(WHITEOUT_PREFIX) :], None)
            continue
        target = lower.children.get(name)
        if target is None:
            target = lower.children[name] = _Node()  # as _add_path makes a missing parent
        _stack(target, child)
        target.is_dir = child.is_dir
        target.size = child.size
