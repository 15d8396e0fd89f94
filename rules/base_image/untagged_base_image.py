"""IL5001 untagged-base-image."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages


@rule(code="IL5001", name="untagged-base-image", family="base-image", severity="warning", hadolint=("DL3006",))
def untagged_base_image(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image has no tag or digest, so every build may get a different image.

    ## Why
    `FROM python` means `python:latest`: whatever the registry serves on the day of the build.
    Builds stop being reproducible and a new major version can break them without any change in
    your repository. Tags that come from `ARG` defaults are resolved first, so
    `ARG TAG=3.12` / `FROM python:${TAG}` counts as tagged (hadolint reports it: hadolint#339).
    An `ARG` without a default cannot be judged and is left alone.

    ## Bad
    ```dockerfile
    FROM python
    ```
    ```dockerfile
    ARG BASE=python
    FROM ${BASE}
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
    ARG BASE_IMAGE
    FROM ${BASE_IMAGE}
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    FROM build
    ```
    ```dockerfile
    FROM scratch
    ```

    ## Fix
    Name a tag (`python:3.12-slim`), or a digest for fully reproducible builds.
    """
    for stage in external_stages(ctx):
        base = stage.base
        if base.tag or base.digest:
            continue
        yield at_image(
            stage,
            f"base image '{base.resolved}' has no tag, so it means ':latest'; pin a version such as '{base.resolved}:<version>'",
        )
