"""IL5002 latest-base-image-tag."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages


@rule(
    code="IL5002",
    name="latest-base-image-tag",
    family="base-image",
    severity="warning",
    hadolint=("DL3007",),
    checkov=("CKV_DOCKER_7",),
    instructions=("FROM",),
    mentions=("latest",),
)
def latest_base_image_tag(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image uses the `:latest` tag, which moves under you.

    ## Why
    `:latest` is whatever was pushed last. The same Dockerfile builds a different image next week,
    and cached layers hide the change until a clean build breaks.

    ## Bad
    ```dockerfile
    FROM node:latest
    ```
    ```dockerfile
    ARG TAG=latest
    FROM node:${TAG}
    ```

    ## Good
    ```dockerfile
    FROM node:22-bookworm-slim
    ```
    ```dockerfile
    FROM node:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    ```

    ## Fix
    Use a version tag, or pin the digest if you must track `latest`.
    """
    for stage in external_stages(ctx):
        base = stage.base
        if base.tag == "latest" and not base.digest:
            yield at_image(stage, f"base image '{base.resolved}' uses ':latest'; pin a version tag (or a digest)")
