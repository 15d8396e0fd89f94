"""Rules about the image a stage starts FROM: tags, digests, registries, size, support and platform."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef, Stage
from imagelint.rule import Violation, rule
from imagelint.rules._base_images import DOCKER_HUB, deprecation, end_of_life, hub_name, smaller_variant


_VARIABLE = re.compile(r"\$(?:\{(\w+)([^}]*)\}|(\w+))")


def _unresolved(ctx: LintContext, base: ImageRef) -> bool:
    """Whether the reference depends on a build arg with no (or an empty) default.

    ``ImageRef.unresolved`` covers variables never declared and ``ARG V`` without a default; an
    ``ARG V=`` with an empty default (or one whose default expands to nothing) leaves the
    reference just as unknown: ``golang:${V}`` must not be judged as the untagged ``golang:``.
    """
    if base.unresolved:
        return True
    scope = ctx.dockerfile.global_args
    for match in _VARIABLE.finditer(base.raw):
        name, modifier = match.group(1) or match.group(3), match.group(2) or ""
        if modifier.startswith((":-", "-", ":+", "+")):
            continue  # a fallback or an optional part: the expansion is what BuildKit uses
        if name in scope.args and not scope.args[name]:
            return True
    return False


def _external_stages(ctx: LintContext) -> Iterator[Stage]:
    """Stages whose base is a real image (not scratch, not an earlier stage) that the ARG defaults resolve."""
    for stage in ctx.stages:
        if stage.parent is None and not stage.base.is_scratch and stage.base.resolved and not _unresolved(ctx, stage.base):
            yield stage


def _at_image(stage: Stage, message: str, fix: str | None = None) -> Violation:
    """A violation on the image reference of a FROM line."""
    return Violation(message, stage.from_instruction, offset=0, end_offset=len(stage.base.raw), fix=fix)


@rule(code="IL5001", name="untagged-base-image", family="base-image", severity="warning", hadolint=("DL3006",))
def untagged_base_image(ctx: LintContext) -> Iterator[Violation]:
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
    for stage in _external_stages(ctx):
        base = stage.base
        if base.tag or base.digest:
            continue
        yield _at_image(
            stage,
            f"base image '{base.resolved}' has no tag, so it means ':latest'; pin a version such as '{base.resolved}:<version>'",
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
            yield _at_image(stage, f"base image '{base.resolved}' uses ':latest'; pin a version tag (or a digest)")


@rule(code="IL5003", name="base-image-without-digest", family="base-image", severity="info")
def base_image_without_digest(ctx: LintContext) -> Iterator[Violation]:
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
    for stage in _external_stages(ctx):
        base = stage.base
        if base.digest or not base.tag or base.tag == "latest":
            continue
        yield _at_image(
            stage,
            f"base image '{base.resolved}' is pinned by tag only; add its digest ('{base.resolved}@sha256:...') for reproducible builds",
        )


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


@rule(code="IL5004", name="untrusted-base-image-registry", family="base-image", severity="error", hadolint=("DL3026",))
def untrusted_base_image_registry(ctx: LintContext) -> Iterator[Violation]:
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
        unresolved = _unresolved(ctx, base)
        registry = _registry(base, unresolved)
        if registry is None or _trusted(registry, patterns):
            continue
        yield _at_image(
            stage,
            f"base image '{base.raw if unresolved else base.resolved}' comes from {registry}, which is not in "
            f"trusted-registries ({', '.join(patterns)}); use a trusted registry or add {registry} to the list",
        )


_BUILD_COMMANDS = {
    "go": {"build"},
    "cargo": {"build", "install"},
    "mvn": {"package", "install", "verify"},
    "mvnw": {"package", "install", "verify"},
    "gradle": {"build", "assemble", "bootjar", "installdist", "shadowjar"},
    "gradlew": {"build", "assemble", "bootjar", "installdist", "shadowjar"},
    "dotnet": {"publish", "build"},
}


def _builds_in_place(ctx: LintContext) -> bool:
    """Whether the final image compiles its own program (so the toolchain is only a build tool)."""
    for run in ctx.shipped_scripts:
        for command in run.commands(*_BUILD_COMMANDS):
            args = [a.lower() for a in command.args if not a.startswith("-")]
            if any(a in _BUILD_COMMANDS[command.name] for a in args[:2]):
                return True
            if command.name == "go" and args[:1] == ["install"] and any(a.startswith(".") for a in args[1:]):
                return True
    return False


_APP_FILES = (
    ".jar", ".war", ".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".pm", ".php", ".json", ".txt", ".lock",
    ".toml", ".gemspec",
)  # fmt: skip


def _copies_application(lineage: list[Stage]) -> bool:
    """Whether the image receives an application: a directory, source files or a built artifact.

    Published runtime images (``unit:python3.12``, ``tomcat``) copy only an entrypoint script and
    configuration; they pick the full variant for their users and are not reported. ONBUILD
    images are templates for other Dockerfiles.
    """
    for stage in lineage:
        for instruction in stage.instructions:
            if instruction.keyword == "ONBUILD":
                return False
    for stage in lineage:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs:
                continue
            if instruction.flag("from") is not None:
                return True
            for source in instruction.words()[:-1]:
                name = source.rstrip("/").rsplit("/", 1)[-1]
                if source in (".", "./") or source.endswith("/") or name.endswith(_APP_FILES):
                    return True
                if "." not in name and not any(ch in name for ch in "*?[$"):
                    return True  # a directory such as src or app
    return False


def _runs_java(lineage: list[Stage]) -> bool:
    """Whether the image's ENTRYPOINT (or else CMD) starts ``java`` itself."""
    for keyword in ("ENTRYPOINT", "CMD"):
        last = next((i for stage in lineage for i in reversed(stage.instructions) if i.keyword == keyword), None)
        if last is not None:
            words = last.words()
            return bool(words) and words[0].rsplit("/", 1)[-1] == "java"
    return False


@rule(code="IL5005", name="full-base-image-in-final-stage", family="base-image", severity="info")
def full_base_image_in_final_stage(ctx: LintContext) -> Iterator[Violation]:
    """The final image runs on a full build image where a slim or runtime-only variant exists.

    ## Why
    `python:3.12`, `node:22` and `ruby:3.3` are built on `buildpack-deps`: compilers, headers and
    hundreds of packages, around 1 GB, most of which the application never uses at run time and all
    of which scanners report CVEs for. Their `-slim` variants are a fifth of that. A JDK, the Go or
    Rust toolchain or the .NET SDK in the final image is the same story: the program needs only a
    JRE, nothing at all, or the ASP.NET runtime. Only the final stage is checked, and only when it
    runs something (CMD/ENTRYPOINT) and receives an application (a COPY of sources, a directory or
    an artifact); a JDK only when it runs `java` directly (Tomcat and Maven images need the JDK);
    toolchains only when the image also compiles the program in place. Published runtime images
    that copy only an entrypoint script, ONBUILD templates and development stages (`AS dev...`)
    are left alone. Builder stages are where full images belong.

    ## Bad
    ```dockerfile
    FROM python:3.12
    COPY . /app
    RUN pip install --no-cache-dir /app
    CMD ["python", "-m", "app"]
    ```
    ```dockerfile
    FROM golang:1.23
    WORKDIR /src
    COPY . .
    RUN go build -o /app .
    CMD ["/app"]
    ```
    ```dockerfile
    FROM eclipse-temurin:21-jdk
    COPY target/app.jar /app.jar
    ENTRYPOINT ["java", "-jar", "/app.jar"]
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY . /app
    RUN pip install --no-cache-dir /app
    CMD ["python", "-m", "app"]
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .
    FROM gcr.io/distroless/static-debian12
    COPY --from=build /app /app
    CMD ["/app"]
    ```
    ```dockerfile
    FROM eclipse-temurin:21-jre-alpine
    COPY target/app.jar /app.jar
    ENTRYPOINT ["java", "-jar", "/app.jar"]
    ```
    ```dockerfile
    FROM golang:1.23
    RUN go install golang.org/x/tools/gopls@v0.16.1
    ENTRYPOINT ["gopls"]
    ```
    ```dockerfile
    FROM python:3.12
    RUN pip install --no-cache-dir tox
    ```

    ## Fix
    Switch the final stage to the slim or runtime variant named in the message; if the build needs
    compilers, do that in an earlier stage and `COPY --from` the result.
    """
    lineage = ctx.final_lineage
    if not lineage:
        return
    root = lineage[-1]
    base = root.base
    if root.parent is not None or base.is_scratch or _unresolved(ctx, base):
        return
    suggestion = smaller_variant(base)
    if suggestion is None:
        return
    toolchain = " " in suggestion  # toolchain advice is a sentence, a variant is an image name
    if not any(i.keyword in ("CMD", "ENTRYPOINT") for stage in lineage for i in stage.instructions):
        return  # a base or tool image: nothing says what runs in it
    if any(stage.name and re.search(r"(^|[-_])dev", stage.name) for stage in lineage):
        return  # a development environment (AS dev, AS development, AS dev-envs) wants the tools
    java = hub_name(base) in ("eclipse-temurin", "openjdk")
    if not toolchain and not java and not _copies_application(lineage):
        return  # a published runtime image that chose the full variant for its users
    if (toolchain or "dotnet/" in base.repository) and not _builds_in_place(ctx):
        return  # a toolchain image on purpose (a CI or tool image), not an application built in place
    if java and not _runs_java(lineage):
        return  # tomcat, maven and friends need the JDK; only a plain `java -jar` app does not
    if toolchain:
        message = (
            f"the final image ships the {hub_name(base)} toolchain from '{base.resolved}'; compile in a build stage "
            f"and run on {suggestion}"
        )
    else:
        message = (
            f"the final image runs on '{base.resolved}', a full image with compilers and build tools; "
            f"use '{suggestion}' (build in an earlier stage if you need the tools)"
        )
    yield _at_image(root, message, fix=None if toolchain else f"FROM {suggestion}")


@rule(code="IL5006", name="end-of-life-base-image", family="base-image", severity="warning")
def end_of_life_base_image(ctx: LintContext) -> Iterator[Violation]:
    """Base image is a version that has reached its end of life and gets no security fixes.

    ## Why
    Once a language runtime or distribution release reaches its end of life, nobody publishes
    fixes for it: every CVE found afterwards stays in your image, and official images stop being
    rebuilt. imagelint carries a dated table (as of 2026-11) of the common ones: Python <= 3.10,
    Node.js <= 21 and odd releases, Ruby <= 3.2, PHP <= 8.1, Go <= 1.25, .NET <= 9, CentOS,
    Debian <= 11 (bullseye), Ubuntu 20.04 and older plus ended interim releases, Alpine <= 3.21,
    Fedora <= 42, Amazon Linux 1 and 2, also when the release is only named in a variant tag
    (`python:3.11-slim-buster`, `...-ubuntu20.04`, `node:20-alpine3.18`).

    ## Bad
    ```dockerfile
    FROM python:3.8-slim
    ```
    ```dockerfile
    FROM node:16-alpine
    ```
    ```dockerfile
    FROM centos:7
    ```
    ```dockerfile
    FROM python:3.12-slim-buster
    ```
    ```dockerfile
    ARG UBUNTU=20.04
    FROM ubuntu:${UBUNTU}
    ```

    ## Good
    ```dockerfile
    FROM python:3.13-slim
    ```
    ```dockerfile
    FROM node:22-bookworm-slim
    ```
    ```dockerfile
    FROM ubuntu:24.04
    ```
    ```dockerfile
    FROM python:3
    ```

    ## Fix
    Move to a supported release (the message names one); for a distribution, rebuild on the next
    release and re-test your package list.
    """
    for stage in _external_stages(ctx):
        base = stage.base
        eol = end_of_life(base)
        if eol is None:
            continue
        yield _at_image(
            stage,
            f"base image '{base.resolved}' is {eol.what}, end of life {eol.when} (no security fixes); use {eol.advice}",
        )


@rule(code="IL5007", name="deprecated-base-image", family="base-image", severity="warning")
def deprecated_base_image(ctx: LintContext) -> Iterator[Violation]:
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
    for stage in _external_stages(ctx):
        base = stage.base
        reason = deprecation(base)
        if reason:
            yield _at_image(stage, f"base image '{base.resolved}' is deprecated: {reason}")


_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm", "i386": "386", "i686": "386", "x86": "386"}
_OSES = frozenset({"linux", "windows", "darwin", "freebsd", "wasip1", "js"})


def _platform_parts(platform: str) -> tuple[str, str] | None:
    """(os, architecture) of a platform string, as BuildKit's platforms.Parse reads it; None if invalid."""
    parts = platform.strip().lower().split("/")
    if not parts[0] or len(parts) > 3:
        return None
    if len(parts) == 1:
        return (parts[0], "") if parts[0] in _OSES else ("linux", _ARCH_ALIASES.get(parts[0], parts[0]))
    return parts[0], _ARCH_ALIASES.get(parts[1], parts[1])


@rule(
    code="IL5008",
    name="constant-from-platform",
    family="base-image",
    severity="warning",
    hadolint=("DL3029",),
    buildkit=("FromPlatformFlagConstDisallowed",),
)
def constant_from_platform(ctx: LintContext) -> Iterator[Violation]:
    """`FROM --platform=linux/amd64`: the stage is pinned to one platform whatever you build for.

    ## Why
    A constant platform makes `docker buildx build --platform linux/arm64` produce amd64 binaries
    in an arm64-labelled image, or run the stage under slow QEMU emulation. Use the build
    arguments BuildKit sets: `$BUILDPLATFORM` for stages that cross-compile (the idiom for fast
    multi-arch builds), nothing (the default, `$TARGETPLATFORM`) for the rest. As in BuildKit, a
    stage whose name mentions the OS or architecture (`AS build-amd64`) is an intentional
    per-platform stage and is not reported; hadolint's DL3029 also flags any `--platform` that uses
    another variable.

    ## Bad
    ```dockerfile
    FROM --platform=linux/amd64 node:22-slim
    ```

    ## Good
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    ARG TARGETOS TARGETARCH
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    FROM alpine:3.22
    COPY --from=build /out/app /app
    ```
    ```dockerfile
    FROM --platform=linux/amd64 debian:bookworm-slim AS fetch-amd64
    ```
    ```dockerfile
    ARG PLATFORM=linux/amd64
    FROM --platform=${PLATFORM} node:22-slim
    ```

    ## Fix
    Drop `--platform`, or use `--platform=$BUILDPLATFORM` on stages that only build; if one stage
    really must be one platform, put the platform in the stage name (`AS tools-amd64`).
    """
    for stage in ctx.stages:
        platform = stage.from_instruction.flag("platform")
        if not platform or "$" in platform:
            continue
        parts = _platform_parts(platform)
        if parts is None:
            continue
        name = stage.name or ""
        if name and any(part and part in name for part in parts):
            continue
        yield Violation(
            f"FROM --platform={platform} pins this stage to one platform, so multi-platform builds emulate it or "
            f"ship the wrong architecture; drop it or use $BUILDPLATFORM",
            stage.from_instruction,
        )


@rule(
    code="IL5009",
    name="redundant-target-platform",
    family="base-image",
    severity="info",
    hadolint=("DL3065",),
    buildkit=("RedundantTargetPlatform",),
)
def redundant_target_platform(ctx: LintContext) -> Iterator[Violation]:
    """`FROM --platform=$TARGETPLATFORM` says what FROM does anyway.

    ## Why
    Every stage is built for the target platform unless told otherwise, so the flag adds noise and
    suggests to readers that something special happens. It is often a mistake for
    `$BUILDPLATFORM`, which is what a cross-compiling build stage wants.

    ## Bad
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.22
    ```
    ```dockerfile
    FROM --platform=${TARGETPLATFORM} alpine:3.22
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    ```
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    ```
    ```dockerfile
    FROM --platform=linux/$TARGETARCH alpine:3.22
    ```

    ## Fix
    Remove `--platform=$TARGETPLATFORM` (or use `$BUILDPLATFORM` if the stage only builds).
    """
    redundant = {"$TARGETPLATFORM", "${TARGETPLATFORM}"}
    for stage in ctx.stages:
        platform = stage.from_instruction.flag("platform")
        if platform is None:
            continue
        if platform.strip() in redundant or platform.strip().startswith("${TARGETPLATFORM:-"):
            yield Violation(
                f"FROM --platform={platform} is the default; remove it (or use $BUILDPLATFORM for a build stage)",
                stage.from_instruction,
                fix="FROM <image> without --platform",
            )
