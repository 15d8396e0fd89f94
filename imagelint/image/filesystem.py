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
constant-time operation on packed arrays indexed by the image's path indexes
(:class:`~imagelint.image.model.PathTable`), and a node is hidden at most once each time it is added,
so the cost is linear in the number of entries, whatever the number of whiteouts or the depth of
the paths. The state is a few integers per path and one record per regular file, no object per
node.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from imagelint.image.child_lists import ChildLists
from imagelint.image.model import (
    BOOKKEEPING_CODE,
    DIR_CODE,
    FILE_CODE,
    HARDLINK_CODE,
    KIND_CODES,
    OPAQUE_CODE,
    ROOT,
    WHITEOUT_CODE,
    WHITEOUT_PREFIX,
    EntryKind,
    LayerListing,
    PathTable,
)

_ABSENT = 0  # the kind of a path that is not in the stack now
_NOT_ADDED = frozenset((WHITEOUT_CODE, OPAQUE_CODE, BOOKKEEPING_CODE))
# Marks the entries that delete (whiteouts and opaque markers) in a listing's kind codes, so that
# finding them is one C-level scan instead of a look at every entry.
_DELETIONS = bytes(1 if code in (WHITEOUT_CODE, OPAQUE_CODE) else 0 for code in range(256))


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


class Contents:
    """The bytes of each regular-file entry (one record per entry, in the order they were applied),
    shared by the hard links to them: size, the layer and path that shipped them, how many visible
    paths reach them."""

    __slots__ = ("sizes", "layers", "paths", "refs")

    def __init__(self) -> None:
        self.sizes = array("q")
        self.layers = array("i")
        self.paths = array("i")  # path index
        self.refs = array("i")  # visible paths that reach these bytes

    def add(self, size: int, layer: int, path: int) -> int:
        self.sizes.append(size)
        self.layers.append(layer)
        self.paths.append(path)
        self.refs.append(1)
        return len(self.refs) - 1

    def __len__(self) -> int:
        return len(self.refs)


class LayerStack:
    """Apply layers one by one (``apply``), then read the result.

    Per path index: its kind now (``_ABSENT`` when not in the stack), the layer that put it there,
    its content record (regular files and hard links), its children in the order they came, and how
    many layers shipped a non-directory there. All layers must share one path table (an
    :class:`~imagelint.image.model.Image`'s do).
    """

    def __init__(self, paths: PathTable | None = None) -> None:
        self.changes: list[LayerChanges] = []
        self.shipped_bytes = 0
        self.hidden_bytes = 0
        self.contents = Contents()
        self.hidden_contents = array("i")  # content records hidden, in the order they were hidden
        self.hidden_by = array("i")  # ... and the layer that hid each
        self._paths: PathTable | None = None
        self._size = 0
        # Content records of one path shipped twice by one layer: pairs (earlier record, later record).
        self._duplicates = array("i")
        if paths is not None:
            self._bind(paths)

    def _bind(self, paths: PathTable) -> None:
        self._paths = paths
        self._kind = bytearray()
        self._layer = array("i")
        self._content = array("i")
        self._last_content = array("i")  # the latest content record shipped at each path
        self._copy_count = array("i")  # non-directory entries shipped at each path
        self._first_copy = array("i")  # the layer of the first
        self._more_copies: dict[int, list[int]] = {}  # path index -> layers, for paths shipped twice or more
        self._children = ChildLists(0)
        self._fit()
        self._kind[ROOT] = DIR_CODE

    def _fit(self) -> None:
        """Grow the per-path arrays to the table's size (it grows while layers are read)."""
        more = len(self._paths) - self._size  # type: ignore[arg-type]
        if more <= 0:
            return
        self._kind.extend(bytes(more))
        for values in (self._layer, self._content, self._last_content, self._first_copy):
            values.extend(array("i", [-1]) * more)
        self._copy_count.extend(array("i", [0]) * more)
        self._children.extend(more)
        self._size += more

    # --- applying a layer ----------------------------------------------------------------------

    def apply(self, entries: LayerListing) -> LayerChanges:
        if self._paths is None:
            self._bind(entries.paths)
        elif entries.paths is not self._paths:
            raise ValueError("the layers of one stack must share one path table")
        self._fit()
        layer = len(self.changes)
        changes = LayerChanges()
        self.changes.append(changes)
        kinds, indexes = entries.kinds, entries.indexes
        marks = kinds.translate(_DELETIONS)
        entry = marks.find(1)
        while entry >= 0:
            if kinds[entry] == WHITEOUT_CODE:
                self._delete(indexes[entry], layer, changes)
            else:
                self._empty_directory(self._paths.parent(indexes[entry]), layer, changes)  # type: ignore[union-attr]
            entry = marks.find(1, entry + 1)
        sizes = entries.sizes
        # Most entries are a file where no layer shipped anything before, in a directory that is
        # there: that case is done here, with everything it touches at hand (it is most of the time).
        kind, layers, content_of = self._kind, self._layer, self._content
        parents = self._paths.parents  # type: ignore[union-attr]
        copy_count, first_copy, last_content = self._copy_count, self._first_copy, self._last_content
        contents = self.contents
        content_sizes, content_layers, content_paths, content_refs = contents.sizes, contents.layers, contents.paths, contents.refs
        append_child = self._children.append
        added = shipped = 0
        for entry, code in enumerate(kinds):
            if code in _NOT_ADDED:
                continue
            index = indexes[entry]
            if code == FILE_CODE and not kind[index] and not copy_count[index] and kind[parents[index]] == DIR_CODE:
                size = sizes[entry]
                added += 1
                shipped += size
                append_child(parents[index], index)
                kind[index] = FILE_CODE
                layers[index] = layer
                content_of[index] = last_content[index] = len(content_refs)
                content_sizes.append(size)
                content_layers.append(layer)
                content_paths.append(index)
                content_refs.append(1)
                copy_count[index] = 1
                first_copy[index] = layer
                continue
            self._add(entries, entry, index, code, sizes[entry], layer, changes)
        changes.files_added += added
        self.shipped_bytes += shipped
        return changes

    def _delete(self, whiteout: int, layer: int, changes: LayerChanges) -> None:
        paths = self._paths
        deleted = paths.name(whiteout)[len(WHITEOUT_PREFIX) :]  # type: ignore[union-attr]
        if not deleted:
            return  # ".wh." alone names nothing
        parent = paths.parent(whiteout)  # type: ignore[union-attr]
        target = paths.find_child(parent, deleted)  # type: ignore[union-attr]
        if target is None or self._kind[target] == _ABSENT:
            return
        self._children.remove(parent, target)
        changes.files_removed += self._hide(target, layer)

    def _empty_directory(self, directory: int, layer: int, changes: LayerChanges) -> None:
        if self._kind[directory] != DIR_CODE:
            return
        for child in self._children.children(directory):  # hiding leaves this list alone
            changes.files_removed += self._hide(child, layer)
        self._children.clear(directory)

    def _add(self, entries: LayerListing, entry: int, index: int, code: int, size: int, layer: int,
             changes: LayerChanges) -> None:  # fmt: skip
        kind = self._kind
        parent = self._paths.parent(index)  # type: ignore[union-attr]
        if kind[parent] != DIR_CODE:
            self._make_directories(parent, layer, changes)
        existing = kind[index]
        if code == DIR_CODE:
            if existing == DIR_CODE:
                self._layer[index] = layer  # metadata change; the children stay
                return
            if existing:
                changes.files_modified += self._hide(index, layer)  # replaced where it stands
            else:
                self._children.append(parent, index)
            self._put(index, DIR_CODE, layer, -1)
            self._children.clear(index)
            return
        shared = -1
        if code == HARDLINK_CODE:
            # Looked up before anything is hidden below: a link may name the file it replaces.
            shared = self._content_at(entries.link(entry))
        if not existing:
            changes.files_added += 1
            self._children.append(parent, index)
        elif existing == DIR_CODE:
            changes.files_added += 1
            changes.files_removed += self._hide(index, layer)
        else:  # the same path twice in one tar is no modification: the later entry just wins
            if self._layer[index] < layer:
                changes.files_modified += 1
            self._hide(index, layer)
        content = -1
        if code == FILE_CODE:
            self.shipped_bytes += size
            content = self.contents.add(size, layer, index)
            previous = self._last_content[index]
            if previous >= 0 and self.contents.layers[previous] == layer:
                self._duplicates.extend((previous, content))
            self._last_content[index] = content
        elif shared >= 0:
            self.contents.refs[shared] += 1
            content = shared
        self._put(index, code, layer, content)
        count = self._copy_count[index] + 1
        self._copy_count[index] = count
        if count == 1:
            self._first_copy[index] = layer
        elif count == 2:
            self._more_copies[index] = [self._first_copy[index], layer]
        else:
            self._more_copies[index].append(layer)

    def _put(self, index: int, code: int, layer: int, content: int) -> None:
        self._kind[index] = code
        self._layer[index] = layer
        self._content[index] = content

    def _content_at(self, link: str | None) -> int:
        """The content record a hard link's target holds now (-1: none)."""
        if not link:
            return -1
        target = self._paths.find(link)  # type: ignore[union-attr]
        if target is None or self._kind[target] == _ABSENT:
            return -1
        return self._content[target]

    def _make_directories(self, directory: int, layer: int, changes: LayerChanges) -> None:
        """Make ``directory`` and its missing parents directories; a non-directory in the way is replaced."""
        chain = []
        parents, kind = self._paths.parents, self._kind  # type: ignore[union-attr]
        while kind[directory] != DIR_CODE:  # the root always is one
            chain.append(directory)
            directory = parents[directory]
        for index in reversed(chain):
            if kind[index]:
                changes.files_modified += self._hide(index, layer)  # replaced where it stands
            else:
                self._children.append(parents[index], index)
            self._put(index, DIR_CODE, layer, -1)
            self._children.clear(index)

    def _hide(self, index: int, hidden_by: int) -> int:
        """Take ``index`` (and its subtree) out of view; returns how many non-directories went. The
        caller takes ``index`` out of its parent's list or puts something else there."""
        hidden = 0
        for current, code in self._walk(index):
            self._kind[current] = _ABSENT
            if code == DIR_CODE:
                continue
            hidden += 1
            content = self._content[current]
            if content < 0:
                continue
            contents = self.contents
            refs = contents.refs[content] - 1
            contents.refs[content] = refs
            size = contents.sizes[content]
            if refs == 0 and size:
                self.hidden_bytes += size
                shipped_by = self.changes[contents.layers[content]]
                shipped_by.hidden_bytes += size
                shipped_by.hidden_by[hidden_by] = shipped_by.hidden_by.get(hidden_by, 0) + size
                self.hidden_contents.append(content)
                self.hidden_by.append(hidden_by)
        return hidden

    def _walk(self, index: int) -> Iterator[tuple[int, int]]:
        """(path index, kind code) of ``index`` and everything below it, depth first, a directory's
        last child first; a directory comes before its children. Memory: one iterator per level."""
        kind, children = self._kind, self._children
        code = kind[index]
        yield index, code
        if code != DIR_CODE:
            return
        levels = [children.children_last_first(index)]
        while levels:
            current = next(levels[-1], None)
            if current is None:
                levels.pop()
                continue
            code = kind[current]
            yield current, code
            if code == DIR_CODE:
                levels.append(children.children_last_first(current))

    # --- reading the result --------------------------------------------------------------------

    @property
    def paths(self) -> PathTable:
        return self._paths if self._paths is not None else PathTable()

    @property
    def visible_bytes(self) -> int:
        return self.shipped_bytes - self.hidden_bytes

    @property
    def hidden_files(self) -> list[HiddenFile]:
        """Every regular file's bytes that ended hidden, in the order they were hidden."""
        contents, path = self.contents, self.paths.path
        return [
            HiddenFile(contents.layers[content], path(contents.paths[content]), contents.sizes[content], hidden_by)
            for content, hidden_by in zip(self.hidden_contents, self.hidden_by)
        ]

    def hidden_marks(self) -> bytearray:
        """Per content record: 1 if bytes shipped at its path by its layer were hidden (a path a
        layer shipped twice counts as one)."""
        marks = bytearray(len(self.contents))
        for content in self.hidden_contents:
            marks[content] = 1
        if not self._duplicates:
            return marks
        # Pairs chain the records of one (layer, path) in order: each record's group is its first one's.
        pairs = self._duplicates
        group = array("i", range(len(self.contents)))
        for position in range(0, len(pairs), 2):
            group[pairs[position + 1]] = group[pairs[position]]
        hidden_group = bytearray(len(self.contents))
        for position in range(0, len(pairs), 2):
            for content in (pairs[position], pairs[position + 1]):
                if marks[content]:
                    hidden_group[group[content]] = 1
        for position in range(0, len(pairs), 2):
            for content in (pairs[position], pairs[position + 1]):
                if hidden_group[group[content]]:
                    marks[content] = 1
        return marks

    def copies(self, index: int) -> tuple[int, ...]:
        """The layers that shipped a non-directory entry at ``index``, in order."""
        count = self._copy_count[index]
        if count == 0:
            return ()
        if count == 1:
            return (self._first_copy[index],)
        return tuple(self._more_copies[index])

    def copied_paths(self) -> Iterator[int]:
        """The path indexes shipped by more than one entry."""
        return iter(self._more_copies)

    def visible(self) -> Iterator[tuple[int, int, int, int]]:
        """(path index, bytes, layer, kind code) of every non-directory of the final filesystem,
        depth first; a hard-linked file's bytes come with the first of its paths met, 0 with the others."""
        seen = bytearray(len(self.contents))
        kind, layers, content_of, sizes = self._kind, self._layer, self._content, self.contents.sizes
        children = self._children.children_last_first
        levels = [children(ROOT)]  # the walk of _walk, with the directories left out
        while levels:
            index = next(levels[-1], None)
            if index is None:
                levels.pop()
                continue
            code = kind[index]
            if code == DIR_CODE:
                levels.append(children(index))
                continue
            size = 0
            content = content_of[index]
            if content >= 0 and not seen[content]:
                seen[content] = 1
                size = sizes[content]
            yield index, size, layers[index], code

    def visible_files(self) -> Iterator[VisibleFile]:
        """Every non-directory of the final filesystem; a hard-linked file's bytes are given once."""
        path = self.paths.path
        for index, size, layer, code in self.visible():
            yield VisibleFile(path(index), size, layer, KIND_CODES[code])  # type: ignore[arg-type]
