"""Children of each path in a tree whose paths come and go (a layer stack), in packed arrays.

The trees the analysis keeps (:mod:`.filesystem`, :mod:`.dive`) are views of one
:class:`~imagelint.image.model.PathTable`: which of its paths are there now, and each present
directory's present children, in the order they were added. :class:`ChildLists` holds those orders
as doubly linked lists over path indexes (four integers per path, no object per node), so adding,
removing and emptying are constant-time and every walk over a subtree is a loop, never a recursion.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

_NONE = -1


class ChildLists:
    """Per path index: its first and last child, its previous and next sibling (-1: none)."""

    __slots__ = ("_first", "_last", "_previous", "_next")

    def __init__(self, size: int) -> None:
        self._first = array("i", [_NONE]) * size
        self._last = array("i", [_NONE]) * size
        self._previous = array("i", [_NONE]) * size
        self._next = array("i", [_NONE]) * size

    def extend(self, more: int) -> None:
        """Room for ``more`` path indexes (the table grew)."""
        for values in (self._first, self._last, self._previous, self._next):
            values.extend(array("i", [_NONE]) * more)

    def append(self, parent: int, child: int) -> None:
        """``child`` becomes ``parent``'s last child (it must be in no list now)."""
        last = self._last[parent]
        self._previous[child] = last
        self._next[child] = _NONE
        if last == _NONE:
            self._first[parent] = child
        else:
            self._next[last] = child
        self._last[parent] = child

    def remove(self, parent: int, child: int) -> None:
        """Take ``child`` out of ``parent``'s list (it must be in it)."""
        previous, following = self._previous[child], self._next[child]
        if previous == _NONE:
            self._first[parent] = following
        else:
            self._next[previous] = following
        if following == _NONE:
            self._last[parent] = previous
        else:
            self._previous[following] = previous

    def clear(self, parent: int) -> None:
        """Forget ``parent``'s children (a directory made anew, or emptied)."""
        self._first[parent] = self._last[parent] = _NONE

    def children(self, parent: int) -> Iterator[int]:
        """``parent``'s children in the order they were added (none may be removed meanwhile)."""
        child = self._first[parent]
        following = self._next
        while child != _NONE:
            yield child
            child = following[child]

    def children_last_first(self, parent: int) -> Iterator[int]:
        """``parent``'s children, the last added first."""
        child = self._last[parent]
        previous = self._previous
        while child != _NONE:
            yield child
            child = previous[child]

    def has_children(self, parent: int) -> bool:
        return self._first[parent] != _NONE
