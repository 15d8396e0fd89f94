"""What an image rule sees: the image's config and history, its analysis, the CI budgets and, when a
Dockerfile was given, which instruction made which layer. Rules yield
:class:`~imagelint.rule.Violation` objects through :meth:`ImageContext.violation`, placed at the
Dockerfile line when the layer is matched to one. With the Dockerfile itself (``dockerfile``) and a
confident join, :attr:`ImageContext.fixes` plans the edits that remove what the layers show is
wasted (:mod:`imagelint.image.layer_fixes`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imagelint.fixes import Fix
from imagelint.image.analysis import Analysis, LayerRow
from imagelint.image.budgets import Budgets
from imagelint.image.history import shorten
from imagelint.image.join import Join
from imagelint.image.model import Image
from imagelint.rule import Violation

if TYPE_CHECKING:
    from imagelint.dockerfile import Dockerfile
    from imagelint.image.layer_fixes import LayerFixes

REDACTED = "REDACTED"
# Shorter values are only redacted after their NAME=: replacing "ab" everywhere would garble the text.
_SHORTEST_REDACTED_ANYWHERE = 4


@dataclass
class ImageContext:
    image: Image
    analysis: Analysis
    budgets: Budgets = field(default_factory=Budgets)
    join: Join | None = None
    dockerfile_path: str | None = None
    dockerfile: Dockerfile | None = None  # the parsed Dockerfile the join was made from
    # Values every output must show as REDACTED, with the variable that held them (or "").
    secrets: set[tuple[str, str]] = field(default_factory=set)
    _fixes: LayerFixes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def runtime_config(self) -> dict:
        return self.image.runtime_config

    def row(self, layer: int) -> LayerRow | None:
        return self.analysis.row_of_layer(layer)

    def row_of_history(self, history_index: int) -> LayerRow | None:
        return next((row for row in self.analysis.layers if row.history_index == history_index), None)

    def describe(self, where: int | LayerRow | None) -> str:
        """``line 4: `RUN apt-get update ...``` when joined, else ``layer 3 (`RUN apt-get ...`)``."""
        row = self.row(where) if isinstance(where, int) else where
        if row is None:
            return f"layer {where}" if isinstance(where, int) else "the image"
        command = f"`{shorten(self.redact(row.command), 60)}`" if row.command else "(no recorded command)"
        if row.dockerfile_line is not None:
            return f"line {row.dockerfile_line}: {command}"
        if row.index is None:
            return f"build step {command}"
        return f"layer {row.index} ({command})"

    def violation(self, message: str, where: int | LayerRow | None = None, *, fix: Fix | None = None) -> Violation:
        """A finding at the Dockerfile line of ``where`` (a layer index or a history row) when known;
        ``fix`` (edits of that Dockerfile) is kept only then."""
        row = self.row(where) if isinstance(where, int) else where
        line = row.dockerfile_line if row is not None else None
        if line is not None:
            return Violation(self.redact(message), line=line, file=self.dockerfile_path, fix=fix)
        return Violation(self.redact(message))

    @property
    def fixes(self) -> LayerFixes | None:
        """The fix planner for this image and its Dockerfile; None without a Dockerfile or when the
        join is not confident (edits are only made where each layer's instruction is known)."""
        if self.dockerfile is None or self.join is None or not self.join.confident or not self.join.matched:
            return None
        if self._fixes is None:
            from imagelint.image.layer_fixes import LayerFixes

            self._fixes = LayerFixes(self.image, self.analysis, self.join, self.dockerfile)
        return self._fixes

    def keep_secret(self, value: str, name: str = "") -> None:
        if value:
            self.secrets.add((name, value))

    def redact(self, text: str) -> str:
        for name, value in sorted(self.secrets, key=lambda pair: len(pair[1]), reverse=True):
            if name:
                text = text.replace(f"{name}={value}", f"{name}={REDACTED}")
            if len(value) >= _SHORTEST_REDACTED_ANYWHERE:
                text = text.replace(value, REDACTED)
        return text
