"""IL7103 image-exposes-ssh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL7103", name="image-exposes-ssh", family="security", severity="warning", target="image")
def image_exposes_ssh(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image exposes port 22 (SSH).

    ## Why
    An SSH daemon in a container is a second way in, with its own keys and passwords to manage;
    `docker exec` (or `kubectl exec`) already gives operators a shell.

    ## Bad
    ```dockerfile
    FROM debian:12
    EXPOSE 22
    ```

    ## Good
    ```dockerfile
    FROM debian:12
    EXPOSE 8080
    ```

    ## Fix
    Drop the SSH server and `EXPOSE 22`; use `docker exec` for debugging.
    """
    ports = ctx.runtime_config.get("ExposedPorts") or {}
    if any(str(port).split("/")[0] == "22" for port in ports):
        yield ctx.violation("the image exposes port 22 (SSH); use 'docker exec' instead of an SSH server")
