"""IL7101 image-runs-as-root."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


_ROOT_USERS = {"", "root", "0", "root:root", "0:0", "root:0", "0:root"}


@rule(code="IL7101", name="image-runs-as-root", family="security", severity="warning", target="image", defers_to="IL7001")
def image_runs_as_root(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image's configured user is root (or no user is set).

    ## Why
    A container running as root is root on every file it can reach and one kernel bug away from root
    on the host. This checks what the image really says, base image included.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "-m", "http.server"]
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    ```

    ## Fix
    Create an unprivileged user and end the final stage with `USER <name or uid>`.
    """
    user = str(ctx.runtime_config.get("User") or "").strip()
    if user in _ROOT_USERS:
        shown = f"is '{user}'" if user else "is not set"
        yield ctx.violation(f"the image's user {shown}, so containers run as root; add 'USER <non-root user>'")
