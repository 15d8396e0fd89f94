"""IL5001 untagged-base-image."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef, Stage
from imagelint.edits import insert_after
from imagelint.fixes import Fix
from imagelint.lazy_pattern import LazyPattern
from imagelint.rule import Option, Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages

# What a ``tags`` entry may append: a tag, a digest, or both (``3.12-slim@sha256:...``).
_PIN = LazyPattern(r"(?::?(?P<tag>\w[\w.-]{0,127}))?(?:@?(?P<digest>sha256:[0-9a-f]{64}))?")
_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


@rule(
    code="IL5001",
    name="untagged-base-image",
    family="base-image",
    severity="warning",
    hadolint=("DL3006",),
    options={"tags": Option({})},
    fixes=("safe",),
    instructions=("FROM",),
)
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
    ```dockerfile
    FROM node
    ```
    ```toml
    [rules.IL5001]
    tags = { node = "22-slim", python = "3.12-slim" }
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
    Name a tag (`python:3.12-slim`), or a digest for fully reproducible builds. Which one only you
    know; tell `imagelint fix` in the config and it appends it to every untagged `FROM` of that
    image (written without variables):

    ```toml
    [tool.imagelint.rules.IL5001]
    tags = { python = "3.12-slim", node = "22-slim", "ghcr.io/acme/base" = "sha256:..." }
    ```

    A value is a tag (`3.12-slim`), a digest (`sha256:...`) or both (`3.12-slim@sha256:...`); a
    key is the image as `FROM` names it (`python`, `docker.io/library/python` and
    `library/python` are the same image). The fix is safe: the build starts from the image you
    chose for it. A tag without a digest leaves IL5003's suggestion to add one. Without an entry
    the fix is only the suggestion.
    """
    tags: Mapping[str, str] = rule.options["tags"]
    for stage in external_stages(ctx):
        base = stage.base
        if base.tag or base.digest:
            continue
        yield at_image(
            stage,
            f"base image '{base.resolved}' has no tag, so it means ':latest'; pin a version such as '{base.resolved}:<version>'",
            fix=_configured_pin(stage, tags),
        )


def _canonical(image: str) -> str:
    """``python`` -> ``docker.io/library/python``: the names one Docker Hub image goes by, as one."""
    first, sep, rest = image.partition("/")
    if not sep or not ("." in first or ":" in first or first == "localhost"):
        first, rest = "docker.io", image
    if first in _DOCKER_HUB:
        first = "docker.io"
        rest = rest if "/" in rest else f"library/{rest}"
    return f"{first}/{rest}"


def _configured_pin(stage: Stage, tags: Mapping[str, str]) -> Fix | None:
    """``:tag`` (``@digest``) from the ``tags`` option appended to the image, or None when the
    option names none for it, or the reference is written with variables."""
    base: ImageRef = stage.base
    if not tags or base.raw != base.resolved:
        return None
    wanted = _canonical(base.resolved.lower())
    pin = next((value for key, value in tags.items() if _canonical(key.lower()) == wanted), None)
    match = _PIN.fullmatch(pin.strip()) if pin else None
    if match is None or not (match.group("tag") or match.group("digest")):
        return None
    suffix = (f":{match.group('tag')}" if match.group("tag") else "") + (
        f"@{match.group('digest')}" if match.group("digest") else ""
    )
    edit = insert_after(stage.from_instruction, len(base.raw), suffix)
    return Fix(f"write {base.raw}{suffix} (from the tags option)", "safe", (edit,))
