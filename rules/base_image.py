"""Rules about the image a stage starts FROM."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Violation, rule


def _external_stages(ctx: LintContext):
    """Stages whose base is a real image (not scratch, not an earlier stage)."""
    for stage in ctx.stages:
        if stage.parent is None and not stage.base.is_scratch and stage.base.resolved:
            yield stage


@rule(code="IL5001", name="untagged-base-image", family="base-image", severity="warning", hadolint=("DL3006",))
def untagged_base_image(ctx: LintContext) -> Iterator[Violation]:
    """Base image has no tag or digest, so every build may get a different image.

    ## Why
    `FROM python` means `python:latest`: whatever the registry serves on the day of the build.
    Builds stop being reproducible and a new major version can break them without any change in
    your repository. Tags that come from `ARG` defaults are resolved first, so
    `ARG TAG=3.12` / `FROM python:${TAG}` counts as tagged.

    ## Bad
    ```dockerfile
    FROM python
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ```
    ```dockerfile
    ARG PYTHON_VERSION=3.12
    FROM python:${PYTHON_VERSION}-slim
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    FROM build
    ```

    ## Fix
    Name a tag (`python:3.12-slim`), or a digest for fully reproducible builds.
    """
    for stage in _external_stages(ctx):
        base = stage.base
        if base.unresolved or base.tag or base.digest:
            continue
        yield Violation(
            f"base image '{base.resolved}' has no tag, so it means ':latest'; pin a version such as '{base.resolved}:<version>'",
            stage.from_instruction,
            offset=0,
            end_offset=len(base.raw),
        )


@rule(code="IL5002", name="latest-base-image-tag", family="base-image", severity="warning", hadolint=("DL3007",), checkov=("CKV_DOCKER_7",))
def latest_base_image_tag(ctx: LintContext) -> Iterator[Violation]:
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
    for stage in _external_stages(ctx):
        base = stage.base
        if base.tag == "latest" and not base.digest:
            yield Violation(
                f"base image '{base.resolved}' uses ':latest'; pin a version tag (or a digest)",
                stage.from_instruction,
                offset=0,
                end_offset=len(base.raw),
            )
