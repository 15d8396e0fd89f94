"""The true layer stacking: which shipped bytes end up visible, and which are hidden, by which layer.

Layers are applied oldest first with the OCI/overlay rules:

- a whiteout ``DIR/.wh.NAME`` deletes ``DIR/NAME`` and everything below it from the layers beneath;
- an opaque marker ``DIR/.wh..wh..opq`` hides everything the layers beneath put in ``DIR``;
- deletions apply to the layers beneath only, so they run before the layer's own entries are added;
- any other entry replaces what was at its path (a copy-up by chmod/chown/touch ships the whole file
  again and hides the old copy); a directory entry over a directory merges, and replacing a
  directory by a non-directory hides the whole subtree;
- a hard link shares its target's content: those bytes are shipped once (the link's tar header has
  size 0) and stay visible while any path of the group is visible.

Bytes of a regular file are *hidden* (true waste) once no visible path reaches them. Each step is a
dictionary operation and every node is removed at most once, so the cost is linear in the number of
entries, whatever the number of whiteouts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from imagelint.image.model import EntryKind, LayerEntry

_NOT_ADDED = (EntryKind.WHITEOUT, EntryKind.OPAQUE, EntryKind.BOOKKEEPING)


class _Content:
    """The bytes of one regular-file entry, shared by the hard links to it."""

    __slots__ = ("size", "layer", "path", "refs")

    def __init__(self, size: int, layer: int, path: str) -> None:
        self.size = size
        self.layer = layer
        self.path = path
        self.refs = 1  # visible paths that reach these bytes


class _Node:
    __slots__ = ("children", "content", "layer", "kind")

    def __init__(self, kind: EntryKind, layer: int, content: _Content | None = None) -> None:
        self.kind = kind
        self.layer = layer  # the layer whose entry (or implied parent directory) put it there
        self.content = content
        self.children: dict[str, _Node] | None = {} if kind is EntryKind.DIR else None


@dataclass(frozen=True, slots=True)
class HiddenFile:
    layer: int  # the layer that shipped the bytes
    path: str
    size: int
    hidden_by: int  # the layer whose entry hid them


@dataclass(frozen=True, slots=True)
class VisibleFile:
    path: str
    size: int
    layer: int
    kind: EntryKind


@dataclass
class LayerChanges:
    files_added: int = 0  # non-directory entries at paths no lower layer had
    files_modified: int = 0  # non-directory entries replacing something from a lower layer
    files_removed: int = 0  # non-directory paths from lower layers deleted (whiteouts, opaque dirs)
    hidden_bytes: int = 0  # bytes this layer shipped that are not visible in the final image
    hidden_by: dict[int, int] = field(default_factory=dict)  # hiding layer -> bytes of this layer's


class LayerStack:
    """Apply layers one by one (``apply``), then read the result."""

    def __init__(self) -> None:
        self._root = _Node(EntryKind.DIR, -1)
        self._parent_path: str | None = None  # the last parent directory found while adding, and its node
        self._parent: _Node | None = None
        self.changes: list[LayerChanges] = []
        self.shipped_bytes = 0
        self.hidden_bytes = 0
        self.hidden_files: list[HiddenFile] = []
        self.copies: dict[str, list[int]] = {}  # non-directory path -> layers that shipped an entry there

    # --- applying a layer ----------------------------------------------------------------------

    def apply(self, entries: list[LayerEntry]) -> LayerChanges:
        layer = len(self.changes)
        changes = LayerChanges()
        self.changes.append(changes)
        for entry in entries:
            if entry.kind is EntryKind.WHITEOUT:
                self._delete(entry.target, layer, changes)
            elif entry.kind is EntryKind.OPAQUE:
                self._empty_directory(entry.target, layer, changes)
        # Entries of one directory come together in a layer tar: the last parent found is kept, which
        # spares a walk from the root for nearly every entry.
        self._parent_path = self._parent = None
        for entry in entries:
            if entry.kind not in _NOT_ADDED:
                self._add(entry, layer, changes)
        return changes

    def _delete(self, path: str, layer: int, changes: LayerChanges) -> None:
        parent = self._lookup(posixpath.dirname(path))
        if parent is None or parent.children is None:
            return
        node = parent.children.pop(posixpath.basename(path), None)
        if node is not None:
            changes.files_removed += self._hide(node, layer)

    def _empty_directory(self, path: str, layer: int, changes: LayerChanges) -> None:
        directory = self._lookup(path)
        if directory is None or directory.children is None:
            return
        for child in directory.children.values():
            changes.files_removed += self._hide(child, layer)
        directory.children = {}

    def _add(self, entry: LayerEntry, layer: int, changes: LayerChanges) -> None:
        directory, _, name = entry.path.rpartition("/")
        if directory == self._parent_path:
            parent = self._parent
        else:
            parent = self._directory(directory, layer, changes)
            self._parent_path, self._parent = directory, parent
        existing = parent.children.get(name)  # type: ignore[union-attr]
        if entry.kind is EntryKind.DIR:
            if existing is not None and existing.kind is EntryKind.DIR:
                existing.layer = layer  # metadata change; the children stay
                return
            if existing is not None:
                changes.files_modified += self._hide(existing, layer)
            parent.children[name] = _Node(EntryKind.DIR, layer)  # type: ignore[index]
            return
        if existing is None:
            changes.files_added += 1
        elif existing.kind is EntryKind.DIR:
            changes.files_added += 1
            changes.files_removed += self._hide(existing, layer)
            cached = self._parent_path
            if cached is not None and (cached == entry.path or cached.startswith(entry.path + "/")):
                self._parent_path = self._parent = None  # that directory is gone
        else:  # the same path twice in one tar is no modification: the later entry just wins
            if existing.layer < layer:
                changes.files_modified += 1
            self._hide(existing, layer)
        parent.children[name] = _Node(entry.kind, layer, self._content_of(entry, layer))  # type: ignore[index]
        self.copies.setdefault(entry.path, []).append(layer)

    def _content_of(self, entry: LayerEntry, layer: int) -> _Content | None:
        if entry.kind is EntryKind.FILE:
            self.shipped_bytes += entry.size
            return _Content(entry.size, layer, entry.path)
        if entry.kind is EntryKind.HARDLINK and entry.link:
            target = self._lookup(entry.link)
            if target is not None and target.content is not None:
                target.content.refs += 1
                return target.content
        return None

    def _directory(self, path: str, layer: int, changes: LayerChanges) -> _Node:
        """The directory at ``path``, creating implied parents; a non-directory in the way is replaced."""
        node = self._root
        if path in ("", "."):
            return node
        for name in path.split("/"):
            child = node.children.get(name)  # type: ignore[union-attr]
            if child is None or child.kind is not EntryKind.DIR:
                if child is not None:
                    changes.files_modified += self._hide(child, layer)
                child = _Node(EntryKind.DIR, layer)
                node.children[name] = child  # type: ignore[index]
            node = child
        return node

    def _lookup(self, path: str) -> _Node | None:
        node = self._root
        if path in ("", "."):
            return node
        for name in path.split("/"):
            if node.children is None:
                return None
            child = node.children.get(name)
            if child is None:
                return None
            node = child
        return node

    def _hide(self, node: _Node, hidden_by: int) -> int:
        """Take ``node`` (and its subtree) out of view; returns how many non-directories went."""
        hidden = 0
        pending = [node]
        while pending:
            current = pending.pop()
            if current.children is not None:
                pending.extend(current.children.values())
                continue
            hidden += 1
            content = current.content
            if content is None:
                continue
            content.refs -= 1
            if content.refs == 0 and content.size:
                self.hidden_bytes += content.size
                shipped_by = self.changes[content.layer]
                shipped_by.hidden_bytes += content.size
                shipped_by.hidden_by[hidden_by] = shipped_by.hidden_by.get(hidden_by, 0) + content.size
                self.hidden_files.append(HiddenFile(content.layer, content.path, content.size, hidden_by))
        return hidden

    # --- reading the result --------------------------------------------------------------------

    @property
    def visible_bytes(self) -> int:
        return self.shipped_bytes - self.hidden_bytes

    def visible_files(self) -> Iterator[VisibleFile]:
        """Every non-directory of the final filesystem; a hard-linked file's bytes are given once."""
        seen: set[int] = set()
        pending: list[tuple[str, _Node]] = [("", self._root)]
        while pending:
            path, node = pending.pop()
            if node.children is not None:
                for name, child in node.children.items():
                    pending.append((f"{path}/{name}" if path else name, child))
                continue
            size = 0
            content = node.content
            if content is not None and id(content) not in seen:
                seen.add(id(content))
                size = content.size
            yield VisibleFile(path, size, node.layer, node.kind)
