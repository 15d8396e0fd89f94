"""IL5003 base-image-without-digest."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages


@rule(code="IL5003", name="base-image-without-digest", family="base-image", severity="info", instructions=("FROM",))
def base_image_without_digest(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image is pinned by tag only; a tag can be re-pushed with different content.

    ## Why
    Even a precise tag like `python:3.12.4-slim` is re-published when Debian ships security
    updates, so two builds of the same commit can start from different bytes. A digest
    (`@sha256:...`) names exactly one image. Tools such as Renovate and Dependabot keep digests
    fresh, so pinning does not mean falling behind on patches. This is informational: many
    projects choose tags on purpose. Untagged and `:latest` images are reported by IL5001/IL5002
    instead.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    ```
    ```dockerfile
    FROM golang:1.23@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
    FROM build AS test
    FROM scratch
    COPY --from=build /out/app /app
    ```

    ## Fix
    Append the digest: `docker buildx imagetools inspect python:3.12-slim` prints it; keep the tag
    for readability (`python:3.12-slim@sha256:...`).
    """
    for stage in external_stages(ctx):
        base = stage.base
        if base.digest or not base.tag or base.tag == "latest":
            continue
        yield at_image(
            stage,
            f"base image '{base.resolved}' is pinned by tag only; add its digest ('{base.resolved}@sha256:...') for reproducible builds",
        )
