"""Helpers that two or more image rules share.

Rules about a built image (``imagelint analyze``): bytes it ships for nothing, what it runs as,
what it gives away, and the CI budgets. They never run on a Dockerfile alone (``target="image"``);
with ``--dockerfile`` their findings point at the instruction that made the layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Violation
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


PACKAGE_CATEGORIES = frozenset(
    {"apt-lists", "apt-cache", "apk-cache", "yum-cache", "zypper-cache", "pip-cache", "npm-cache", "yarn-cache",
     "go-cache"}
)  # fmt: skip


def leftover_findings(ctx: ImageContext, minimum: int, wanted, applicability: str) -> Iterator[Violation]:
    """One finding per leftover folder and layer; with a joined Dockerfile, each carries the fix
    that cleans up every reported leftover of its layer at once (the same edit for all of them, so
    ``imagelint fix`` applies it once)."""
    from imagelint.image import leftovers

    reported = [item for item in ctx.analysis.leftovers if wanted(item.category) and item.visible_bytes >= max(minimum, 1)]
    by_layer: dict[int, list] = {}
    for item in reported:
        by_layer.setdefault(item.layer, []).append(item)
    planner = ctx.fixes
    fixes = {layer: planner.cleanup_fix(layer, items, applicability) for layer, items in by_layer.items()} if planner else {}
    for item in reported:
        kind = leftovers.by_category(item.category)
        yield ctx.violation(
            f"{ctx.describe(item.layer)} left {format_size(item.visible_bytes)} of {kind.description} in {item.path}; "
            f"{kind.remedy}, in the same RUN",
            item.layer,
            fix=fixes.get(item.layer),
        )
