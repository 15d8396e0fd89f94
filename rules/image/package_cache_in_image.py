"""IL9002 package-cache-in-image."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule
from imagelint.rules.image.shared import PACKAGE_CATEGORIES, leftover_findings

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9002", name="package-cache-in-image", family="image", severity="warning", target="image",
      options={"min-bytes": 10_000}, fixes=("safe",))  # fmt: skip
def package_cache_in_image(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image keeps a package manager's lists or download cache (apt, apk, yum/dnf, pip, npm, yarn, Go).

    ## Why
    Package indexes and downloaded archives are only needed while installing. Left in a layer they add
    megabytes to every pull (apt lists alone are often 20-40 MB) and go stale at once. Reported from
    `min-bytes` (default 10 kB) of visible files per folder and layer.

    ## Bad
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Clean up in the same `RUN` that installs (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`,
    `pip install --no-cache-dir`, `dnf clean all`), or use `RUN --mount=type=cache`.

    With the Dockerfile that built the image, `imagelint fix --image IMAGE Dockerfile` appends the
    cleanup to the RUN that left the cache: the manager's own clean command when that RUN runs it
    and the manager has one, else removing the cache folder's contents (`rm -rf /var/lib/apt/lists/*`).
    No fix is offered when a later RUN still runs that package manager (it may need the lists).
    """
    minimum = rule.options["min-bytes"]
    yield from leftover_findings(ctx, minimum, lambda category: category in PACKAGE_CATEGORIES, "safe")
