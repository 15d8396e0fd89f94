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


def leftover_findings(ctx: ImageContext, minimum: int, wanted) -> Iterator[Violation]:
    from imagelint.image import leftovers

    for item in ctx.analysis.leftovers:
        if not wanted(item.category) or item.visible_bytes < max(minimum, 1):
            continue
        kind = leftovers.by_category(item.category)
        yield ctx.violation(
            f"{ctx.describe(item.layer)} left {format_size(item.visible_bytes)} of {kind.description} in {item.path}; "
            f"{kind.remedy}, in the same RUN",
            item.layer,
        )
