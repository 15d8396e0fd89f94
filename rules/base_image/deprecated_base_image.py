"""IL5007 deprecated-base-image."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.base_images import deprecation
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages


@rule(code="IL5007", name="deprecated-base-image", family="base-image", severity="warning", instructions=("FROM",))
def deprecated_base_image(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image is an image its publisher has deprecated and no longer updates.

    ## Why
    Some Docker Hub images were abandoned or replaced: `openjdk` (deprecated in 2022, only
    early-access builds since), `java`, `adoptopenjdk` (now `eclipse-temurin`), the `microsoft/*`
    images (moved to mcr.microsoft.com), the library `jenkins`, `django`, `rails`, `celery`
    images, and the `-onbuild` variants. Their tags still pull, which hides that they stopped
    receiving security fixes.

    ## Bad
    ```dockerfile
    FROM openjdk:17-jdk-slim
    ```
    ```dockerfile
    FROM microsoft/dotnet:2.2-sdk
    ```
    ```dockerfile
    FROM python:3-onbuild
    ```

    ## Good
    ```dockerfile
    FROM eclipse-temurin:21-jre
    ```
    ```dockerfile
    FROM mcr.microsoft.com/dotnet/sdk:10.0
    ```
    ```dockerfile
    FROM jenkins/jenkins:lts-jdk21
    ```

    ## Fix
    Switch to the successor the message names.
    """
    for stage in external_stages(ctx):
        base = stage.base
        reason = deprecation(base)
        if reason:
            yield at_image(stage, f"base image '{base.resolved}' is deprecated: {reason}")
