"""Regular expressions compiled on first use instead of at import.

Compiling a pattern costs tens of microseconds to a millisecond; modules such as ``secrets`` hold
dozens that a one-file lint rarely needs, and compiling them all at import was a visible share of
``imagelint lint`` start-up. A :class:`LazyPattern` stands where a ``re.Pattern`` would and
compiles itself the first time it is matched.
"""

from __future__ import annotations

import re


class LazyPattern:
    """``re.compile(pattern, flags)``, done on first use. Matching methods and every other
    ``re.Pattern`` attribute go to the compiled pattern; ``pattern`` is known without compiling,
    so other patterns can be built from it."""

    __slots__ = ("pattern", "_flags", "_compiled")

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self._flags)
        return self._compiled

    # The common methods spelt out, so that a match costs no __getattr__ lookup.
    def search(self, *args):
        return self.compiled.search(*args)

    def match(self, *args):
        return self.compiled.match(*args)

    def fullmatch(self, *args):
        return self.compiled.fullmatch(*args)

    def finditer(self, *args):
        return self.compiled.finditer(*args)

    def findall(self, *args):
        return self.compiled.findall(*args)

    def sub(self, *args, **kwargs):
        return self.compiled.sub(*args, **kwargs)

    def subn(self, *args, **kwargs):
        return self.compiled.subn(*args, **kwargs)

    def split(self, *args, **kwargs):
        return self.compiled.split(*args, **kwargs)

    def __getattr__(self, name: str):  # flags, groups, groupindex, scanner...
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"
