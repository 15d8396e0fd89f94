"""Small value classes written by hand, for the modules every ``imagelint lint`` imports.

A one-file lint is mostly start-up, and on Python 3.11 a record type is costly to define: a frozen
dataclass compiles four or five generated methods (about 1.5 ms), a ``typing.NamedTuple`` builds a
tuple type and a forward reference per field (about 0.3 ms). A plain class costs a few
microseconds. A :class:`Record` lists its fields in ``__slots__`` and writes its ``__init__``; this
base gives it equality, a hash and a repr over those fields, in order, as a dataclass would.

Records are not changed once made (nothing enforces it: the code never assigns to their fields),
which is what makes the hash safe. Where code needs tuple behaviour or ``_replace``, or builds
millions of instances, the module uses a named tuple instead.
"""

from __future__ import annotations


class Record:
    __slots__ = ()

    def _values(self) -> tuple:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"
