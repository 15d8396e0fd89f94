"""IL5004 untrusted-base-image-registry."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef
from imagelint.knowledge.base_images import DOCKER_HUB
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, has_unresolved_arg


def _registry(base: ImageRef, unresolved: bool) -> str | None:
    """The registry host of a FROM image; ``docker.io`` for Docker Hub; None when a variable hides it."""
    if not unresolved:
        registry = (base.registry or "docker.io").lower()
        return "docker.io" if registry in DOCKER_HUB else registry
    # Unresolved (an ARG without default): judge only what is written literally.
    first, sep, _ = base.raw.partition("/")
    if "$" in first:
        return None
    if sep and ("." in first or ":" in first or first == "localhost"):
        return "docker.io" if first.lower() in DOCKER_HUB else first.lower()
    return "docker.io"


def _trusted(registry: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip("/")
        if pattern in DOCKER_HUB:
            pattern = "docker.io"
        if registry == pattern or fnmatch.fnmatchcase(registry, pattern):
            return True
    return False


@rule(
    code="IL5004",
    name="untrusted-base-image-registry",
    family="base-image",
    severity="error",
    hadolint=("DL3026",),
    instructions=("FROM",),
)
def untrusted_base_image_registry(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image comes from a registry outside the configured `trusted-registries`.

    ## Why
    Organisations mirror and scan the images they build on. An image pulled from anywhere else
    skips that review. The rule is off until you list registries in `trusted-registries`
    (globs such as `*.gcr.io` work); an image with no registry, or `docker.io`, is Docker Hub,
    which `docker.io` (or `hub.docker.com`) in the list allows. Images named by an `ARG` with no
    default are judged only when their registry is written literally.

    ## Bad
    ```dockerfile
    FROM quay.io/prometheus/busybox:latest
    ```
    ```toml
    trusted-registries = ["registry.example.com"]
    ```

    ## Good
    ```dockerfile
    FROM registry.example.com/python:3.12-slim
    ```
    ```toml
    trusted-registries = ["registry.example.com"]
    ```
    ```dockerfile
    FROM quay.io/prometheus/busybox:latest
    ```

    ## Fix
    Use the image from a trusted registry (your mirror), or add its registry to
    `trusted-registries` in the imagelint configuration.
    """
    patterns = ctx.options.trusted_registries
    if not patterns:
        return
    for stage in ctx.stages:
        base = stage.base
        if stage.parent is not None or base.is_scratch or not base.raw:
            continue
        unresolved = has_unresolved_arg(ctx, base)
        registry = _registry(base, unresolved)
        if registry is None or _trusted(registry, patterns):
            continue
        yield at_image(
            stage,
            f"base image '{base.raw if unresolved else base.resolved}' comes from {registry}, which is not in "
            f"trusted-registries ({', '.join(patterns)}); use a trusted registry or add {registry} to the list",
        )
