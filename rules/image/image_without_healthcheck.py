"""IL9005 image-without-healthcheck."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9005", name="image-without-healthcheck", family="image", severity="info", target="image")
def image_without_healthcheck(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image defines no HEALTHCHECK.

    ## Why
    Without a health check the engine only knows whether the process runs, not whether it serves.
    (Orchestrators with their own probes, such as Kubernetes, ignore it: then this is only a hint.)

    ## Bad
    ```dockerfile
    FROM nginx:1.27
    ```

    ## Good
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    ```

    ## Fix
    Add a `HEALTHCHECK` that exercises the service.
    """
    healthcheck = ctx.runtime_config.get("Healthcheck") or {}
    test = healthcheck.get("Test") or []
    if not test or test == ["NONE"]:
        yield ctx.violation("the image defines no HEALTHCHECK; add one so the engine can tell a hung service")
