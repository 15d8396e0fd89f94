"""Rules about how stages are split and how files move between them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef, Stage
from imagelint.rule import Violation, rule
from imagelint.rules._installs import os_package_family
from imagelint.rules._multistage import (
    copies_application_source,
    entry_command,
    from_value,
    is_application_image,
    is_dev_container,
    possibly_used_stages,
    root_image,
    runs_an_application,
    stage_name_offset,
)
from imagelint.shell import Command

# Names people give build stages; as a bare --from they are a typo'd or missing stage, not an image.
_TYPICAL_STAGE_NAMES = frozenset(
    {"build", "builder", "base", "deps", "dependencies", "compile", "compiler", "runtime", "release",
     "production", "prod", "assets", "frontend", "backend", "installer", "downloader"}
)  # fmt: skip


@rule(
    code="IL4001",
    name="copy-from-unknown-stage",
    family="multi-stage",
    severity="error",
    hadolint=("DL3022", "DL3023"),
)
def copy_from_unknown_stage(ctx: LintContext) -> Iterator[Violation]:
    """`COPY --from` names its own stage, a later stage, a stage index that does not exist, or a
    misspelt stage.

    ## Why
    A stage cannot copy from itself (BuildKit stops with a circular-dependency error), and
    `--from=3` in a file with three stages (0 to 2) fails with "invalid stage index". A name
    that matches no stage is read as an image to pull, so a typo such as `--from=buidler` fails
    late with "pull access denied". A stage defined *later* cannot be used either: BuildKit stops
    with "cannot copy from stage, it needs to be defined before current stage" (older builders
    pulled an image of that name instead). The same applies to `RUN --mount=from=...`.
    An unknown name that looks like an image (`--from=nginx:1.27`, `--from=ghcr.io/org/tool`)
    or a BuildKit named context is fine.

    ## Bad
    ```dockerfile
    FROM golang:1.22 AS build
    COPY --from=build /src /src
    ```
    ```dockerfile
    FROM alpine:3.20 AS app
    COPY --from=build /out/app /app
    FROM golang:1.22 AS build
    ```
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=buidler /out/app /app
    ```
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=2 /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
    ```
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=0 /out/app /app
    ```
    ```dockerfile
    ARG BUILDER=build
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    ARG BUILDER
    COPY --from=${BUILDER} /out/app /app
    ```

    ## Fix
    Name an earlier stage (check the spelling), or move the stage you copy from above this one.
    """
    names = [s.name for s in ctx.stages if s.name]
    if any(s.name and "$" in s.name for s in ctx.stages):
        return  # stage names set by ARGs: any --from may name them
    for stage in ctx.stages:
        for instruction in stage.instructions:
            references = []
            if instruction.keyword in ("COPY", "ADD") and instruction.flag("from"):
                references.append((f"{instruction.keyword} --from", from_value(instruction)))
            references += [
                ("RUN --mount from", mount.from_stage)
                for mount in instruction.mounts()
                if mount.from_stage and "$" not in mount.from_stage
            ]
            for what, source in references:
                if not source:
                    continue
                if source.isdigit():
                    index = int(source)
                    if index >= len(ctx.stages):
                        yield Violation(
                            f"{what}={source}: there is no stage {index} (the file has stages 0 to {len(ctx.stages) - 1}); "
                            "use a stage name or a valid index",
                            instruction,
                        )
                        continue
                    target = ctx.stages[index]
                else:
                    target = ctx.dockerfile.stage_by_name(source)
                if target is None:
                    hint = _misspelt_stage(source, names)
                    if hint:
                        yield Violation(
                            f"{what}={source} names no stage, so it is pulled as an image; {hint}",
                            instruction,
                        )
                    continue
                if target.index == stage.index:
                    yield Violation(
                        f"{what}={source} reads from its own stage (a circular dependency); name an earlier stage",
                        instruction,
                    )
                elif target.index > stage.index:
                    yield Violation(
                        f"{what}={source} names the stage defined later at line {target.line}; a stage can only "
                        "use stages defined before it, so move that stage above this one",
                        instruction,
                    )


def _misspelt_stage(source: str, names: list[str]) -> str | None:
    """A hint when an unknown ``--from`` is a likely typo rather than an image or named context."""
    if any(ch in source for ch in ":/@.") or "$" in source:
        return None
    close = difflib.get_close_matches(source.lower(), names, n=1, cutoff=0.75)
    if close:
        return f"did you mean stage '{close[0]}'?"
    if source.lower() in _TYPICAL_STAGE_NAMES:
        return f"define a stage named '{source}' before this line or fix the name"
    return None


@rule(
    code="IL4002",
    name="duplicate-stage-name",
    family="multi-stage",
    severity="error",
    hadolint=("DL3024",),
    buildkit=("DuplicateStageName",),
    checkov=("CKV_DOCKER_11",),
)
def duplicate_stage_name(ctx: LintContext) -> Iterator[Violation]:
    """Two stages have the same name.

    ## Why
    `--from=build` and `--target build` must pick one stage, and which one depends on the
    builder: BuildKit resolves `COPY --from` to the last stage of that name but `FROM build` to
    the closest earlier one. Stage names are case-insensitive, so `Build` and `build` clash too.

    ## Bad
    ```dockerfile
    FROM node:22 AS build
    RUN npm ci && npm run build
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM node:22 AS web-build
    RUN npm ci && npm run build
    FROM golang:1.22 AS go-build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=go-build /out/app /app
    ```

    ## Fix
    Give each stage a unique name and update the `--from` references.
    """
    first: dict[str, Stage] = {}
    for stage in ctx.stages:
        if not stage.name or "$" in stage.name:
            continue
        earlier = first.setdefault(stage.name, stage)
        if earlier is stage:
            continue
        start, end = stage_name_offset(stage)
        yield Violation(
            f"stage name '{stage.written_name}' is already used by the stage at line {earlier.line}; "
            "give each stage a unique name",
            stage.from_instruction,
            offset=start,
            end_offset=end,
        )


@rule(
    code="IL4003",
    name="reserved-stage-name",
    family="multi-stage",
    severity="warning",
    hadolint=("DL3063",),
    buildkit=("ReservedStageName",),
)
def reserved_stage_name(ctx: LintContext) -> Iterator[Violation]:
    """A stage is named `scratch` or `context`, words BuildKit reserves.

    ## Why
    `scratch` is the empty image and `context` is the build context in `--from` and
    `--mount=from=`: a stage with either name is ambiguous, and `FROM scratch` or
    `COPY --from=context` no longer mean what readers expect.

    ## Bad
    ```dockerfile
    FROM alpine:3.20 AS scratch
    RUN echo hi > /hi
    FROM alpine:3.20
    COPY --from=scratch /hi /hi
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20 AS base
    FROM scratch
    COPY --from=base /etc/passwd /etc/passwd
    ```

    ## Fix
    Rename the stage (and its `--from` references).
    """
    for stage in ctx.stages:
        if stage.name in ("scratch", "context"):
            start, end = stage_name_offset(stage)
            yield Violation(
                f"stage name '{stage.written_name}' is reserved by BuildKit; rename the stage",
                stage.from_instruction,
                offset=start,
                end_offset=end,
            )


@rule(
    code="IL4004",
    name="stage-name-not-lowercase",
    family="multi-stage",
    severity="style",
    buildkit=("StageNameCasing",),
)
def stage_name_not_lowercase(ctx: LintContext) -> Iterator[Violation]:
    """A stage name has capital letters.

    ## Why
    Stage names are case-insensitive: BuildKit lower-cases them, so `--target Builder`,
    `--from=BUILDER` and `--from=builder` are the same stage. Mixed case suggests a difference
    that does not exist, and BuildKit's own check (StageNameCasing) warns about it.

    ## Bad
    ```dockerfile
    FROM golang:1.22 AS goBuilder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=goBuilder /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS go-builder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=go-builder /out/app /app
    ```

    ## Fix
    Use lower case (kebab-case for several words) and update the `--from` references.
    """
    for stage in ctx.stages:
        written = stage.written_name
        if not written or "$" in written or written == written.lower():
            continue
        suggestion = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", written).lower()
        start, end = stage_name_offset(stage)
        yield Violation(
            f"stage name '{written}' is not lowercase; stage names are case-insensitive, so write '{suggestion}'",
            stage.from_instruction,
            offset=start,
            end_offset=end,
            fix=f"AS {suggestion}",
        )


@rule(code="IL4005", name="unused-unnamed-stage", family="multi-stage", severity="warning")
def unused_unnamed_stage(ctx: LintContext) -> Iterator[Violation]:
    """A stage without a name that the final stage never uses: BuildKit never builds it.

    ## Why
    BuildKit builds only the stages the target needs. A stage with no `AS name` cannot be a
    `--target` either, so when nothing copies from it (by index) or builds on it, its
    instructions never run: often two Dockerfiles pasted together, or a leftover `FROM` line.
    The legacy builder did run every stage, so such a file may silently have changed meaning.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    FROM python:3.12-slim
    CMD ["python3"]
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=0 /out/app /app
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go test ./...
    FROM alpine:3.20
    ```

    ## Fix
    Delete the stage, or name it and copy what you need from it with `COPY --from=<name>`.
    """
    if ctx.options.target or len(ctx.stages) < 2:
        return
    used = possibly_used_stages(ctx)
    for stage in ctx.stages[:-1]:
        if stage.name is None and stage.index not in used:
            yield Violation(
                f"the stage at line {stage.line} has no name and the final stage never uses it, so it is never "
                "built; delete it or name it and COPY --from it",
                stage.from_instruction,
            )


@rule(code="IL4006", name="unused-named-stage", family="multi-stage", severity="info")
def unused_named_stage(ctx: LintContext) -> Iterator[Violation]:
    """A named stage that nothing uses: a plain `docker build` skips it.

    ## Why
    A plain `docker build` builds the last stage and what it depends on. A stage that no stage
    copies from nor builds on is skipped: often a forgotten `COPY --from`, or a stage left over
    from a refactor (the build "works" but ships without it). Alternative targets are not
    reported: stages named like one (`dev`, `test`, `lint`, `debug`, `release`...), runnable
    stages (with CMD/ENTRYPOINT), artefact stages (`FROM scratch`, for `--output`), variants
    of another stage (`FROM base AS x`), stages named through a variable
    (`FROM app-${VARIANT}`), and files with three or more unused stages, which are built with
    `--target` or `docker buildx bake` by design.

    ## Bad
    ```dockerfile
    FROM node:22 AS assets
    RUN npm ci && npm run build
    FROM nginx:1.27-alpine
    COPY public/ /usr/share/nginx/html/
    ```

    ## Good
    ```dockerfile
    FROM node:22 AS assets
    RUN npm ci && npm run build
    FROM nginx:1.27-alpine
    COPY --from=assets /dist/ /usr/share/nginx/html/
    ```
    ```dockerfile
    FROM python:3.12-slim AS base
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    FROM base AS dev
    CMD ["flask", "run", "--debug"]
    FROM base AS final
    CMD ["gunicorn", "app:app"]
    ```
    ```dockerfile
    ARG VARIANT=prod
    FROM alpine:3.20 AS app-dev
    RUN apk add --no-cache gdb
    FROM alpine:3.20 AS app-prod
    FROM app-${VARIANT}
    ```

    ## Fix
    Copy from the stage if the final image needs it; delete it if nothing does.
    """
    if ctx.options.target or len(ctx.stages) < 2:
        return
    used = possibly_used_stages(ctx)
    needed_by_some_stage = {dep for deps in ctx.stage_dependencies.values() for dep in deps}
    leaves = [s for s in ctx.stages[:-1] if s.index not in used and s.index not in needed_by_some_stage]
    if len(leaves) >= 3:
        return  # a multi-target file: the unused stages are targets of their own
    for stage in leaves:
        if stage.name is None or "$" in stage.name or _looks_like_target(stage):
            continue
        start, end = stage_name_offset(stage)
        yield Violation(
            f"stage '{stage.written_name}' is not used by the last stage nor by any other, so a plain docker build "
            "skips it; COPY --from it where needed or delete it",
            stage.from_instruction,
            offset=start,
            end_offset=end,
        )


_TARGET_WORDS = frozenset(
    {"dev", "devel", "develop", "development", "devenv", "envs", "test", "tests", "testing", "e2e",
     "integration", "lint", "validate", "check", "debug", "ci", "release", "update", "generate", "docs",
     "vendor", "vendored", "local", "shell", "prod", "production", "final", "image", "default"}
)  # fmt: skip


def _looks_like_target(stage: Stage) -> bool:
    """An alternative build target rather than a forgotten stage: named like a target, runnable
    (CMD/ENTRYPOINT), an artefact stage for ``--output`` (FROM scratch), or a variant of another
    stage (FROM base AS debug)."""
    if any(word in _TARGET_WORDS for word in re.split(r"[-_.]", stage.name or "")):
        return True
    if stage.parent is not None or stage.base.is_scratch:
        return True
    return any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions)


@rule(
    code="IL4007",
    name="copy-whole-filesystem-from-stage",
    family="multi-stage",
    severity="warning",
    hadolint=("DL3067",),
)
def copy_whole_filesystem_from_stage(ctx: LintContext) -> Iterator[Violation]:
    """`COPY --from=<stage> / /` copies a whole operating system over another one.

    ## Why
    The root of a stage built on an OS image holds that OS, its package caches and every build
    tool the stage installed. Copying it onto another OS image doubles most of the files and
    drags the build tools into the final image, which is what multi-stage builds are there to
    avoid. Two idioms are fine and not reported: squashing into `FROM scratch` (the target is
    empty, so nothing is doubled) and copying from a stage that itself starts from scratch (it
    holds only what was put there), including tool images such as `tonistiigi/xx`.

    ## Bad
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc && gcc -o /usr/local/bin/app app.c
    FROM debian:12-slim
    COPY --from=build / /
    ```

    ## Good
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc && gcc -o /usr/local/bin/app app.c
    FROM debian:12-slim
    COPY --from=build /usr/local/bin/app /usr/local/bin/app
    ```
    ```dockerfile
    FROM debian:12-slim AS rootfs
    RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    FROM scratch
    COPY --from=rootfs / /
    ```
    ```dockerfile
    FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.5.0 AS xx
    FROM --platform=$BUILDPLATFORM golang:1.22-alpine
    COPY --from=xx / /
    ```

    ## Fix
    Copy only the paths the final image needs (the binary, its config, its data).
    """
    for stage in ctx.stages:
        if _base_of(ctx, stage).is_scratch:
            continue  # squashing a filesystem into an empty image
        for instruction in stage.instructions:
            if instruction.keyword != "COPY" or not instruction.flag("from"):
                continue
            words = instruction.words()
            if len(words) != 2 or words[0].rstrip("/.") != "" or words[1].rstrip("/.") != "":
                continue
            source = from_value(instruction)
            origin = ctx.resolve_stage(source) if source else None
            origin_base = _base_of(ctx, origin) if origin is not None else None
            if origin_base is None or origin_base.is_scratch or _is_tool_image(origin_base):
                continue
            yield Violation(
                f"COPY --from={source} / / copies the whole filesystem of stage '{origin.written_name or origin.index}' "
                "(its OS and build tools) over this one; copy only the paths you need",
                instruction,
            )


def _base_of(ctx: LintContext, stage: Stage) -> ImageRef:
    """The external image (or scratch) a stage's lineage starts from."""
    return ctx.lineage(stage)[-1].base


def _is_tool_image(base: ImageRef) -> bool:
    """Images published as a filesystem to copy whole (``tonistiigi/xx`` cross-compile helpers)."""
    return base.repository.endswith("tonistiigi/xx")


# Base images whose purpose is to compile: (repository name, what to call it).
_TOOLCHAIN_IMAGES = {
    "golang": "the Go toolchain", "rust": "the Rust toolchain", "maven": "Maven and a JDK",
    "gradle": "Gradle and a JDK", "gcc": "GCC", "buildpack-deps": "compilers and -dev packages",
    "swift": "the Swift toolchain", "haskell": "GHC", "clojure": "a JDK and Clojure tools",
    "sbt": "sbt and a JDK", "scala-sbt": "sbt and a JDK",
}  # fmt: skip
_JDK_IMAGES = frozenset({"openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine", "ibmjava"})
_FULL_VARIANT_IMAGES = frozenset({"node", "python", "ruby"})


def toolchain_of(chain: list[Stage]) -> str | None:
    """What build toolchain the final image's base ships, or None for runtime-sized images."""
    base = root_image(chain)
    if base is None or base.unresolved or base.is_scratch:
        return None
    repository = base.repository.lower()
    name = repository.rsplit("/", 1)[-1]
    tag = (base.tag or "latest").lower()
    if repository.endswith(("dotnet/sdk", "dotnet/core/sdk")):
        return "the .NET SDK"
    if name in _TOOLCHAIN_IMAGES and "slim" not in tag:
        return _TOOLCHAIN_IMAGES[name]
    if name in _JDK_IMAGES and "jre" not in tag:
        return "a full JDK"
    if name in _FULL_VARIANT_IMAGES and not any(v in tag for v in ("slim", "alpine", "windows", "nanoserver")):
        return f"the full {name} image, with compilers and headers"
    return None


def build_step(command: Command) -> str | None:
    """A command that compiles or bundles the application, named for the message."""
    name, args = command.name, command.args
    sub = command.subcommand()
    if name == "go" and sub in ("build", "install"):
        return f"go {sub}"
    if name == "cargo" and sub in ("build", "install"):
        return f"cargo {sub}"
    if name in ("mvn", "mvnw") and {"package", "install", "verify"} & set(args):
        return f"{name} {next(a for a in args if a in ('package', 'install', 'verify'))}"
    if name in ("gradle", "gradlew"):
        task = next((a for a in args if a in ("build", "assemble", "bootJar", "jar", "shadowJar", "installDist", "war")), None)
        return f"{name} {task}" if task else None
    if name in ("npm", "yarn", "pnpm", "bun"):
        script = args[1] if args[:1] in (["run"], ["run-script"]) and len(args) > 1 else (args[0] if args and name != "npm" else "")
        return f"{name} run {script}" if script.startswith("build") else None
    if name == "dotnet" and sub in ("publish", "build"):
        return f"dotnet {sub}"
    if name in ("gcc", "g++", "cc", "c++", "clang", "javac", "tsc"):
        return name
    if name in ("swift", "stack", "cabal") and sub == "build":
        return f"{name} build"
    if name == "mix" and sub in ("release", "compile"):
        return f"mix {sub}"
    if name == "lein" and sub == "uberjar":
        return "lein uberjar"
    if name == "sbt" and {"assembly", "package", "stage", "compile"} & set(args):
        return "sbt"
    return None


@rule(code="IL4008", name="final-stage-on-build-toolchain", family="multi-stage", severity="warning")
def final_stage_on_build_toolchain(ctx: LintContext) -> Iterator[Violation]:
    """The final image is built on a compiler/SDK image and compiles the app in place.

    ## Why
    `golang`, `rust`, `maven`, JDK, `dotnet/sdk` and the full `node`/`python` images weigh
    hundreds of megabytes to a gigabyte of compilers and headers. When the final stage builds
    the application and then runs it, all of that ships, and becomes attack surface. A build
    stage plus a slim runtime stage (`distroless`, `*-slim`, a JRE, `dotnet/aspnet`) typically
    cuts the image by 80-95%. Reported: a final stage that copies the app's source, builds it
    (`go build`, `cargo build`, `mvn package`, `npm run build`, `dotnet publish`...) and runs a
    program with CMD/ENTRYPOINT; and a final stage that starts from the toolchain again only to
    run what a build stage compiled. Toolchain images that *are* the product (CI builders whose
    ENTRYPOINT is the tool or a shell, dev containers) are not.

    ## Bad
    ```dockerfile
    FROM golang:1.22
    WORKDIR /src
    COPY . .
    RUN go build -o /usr/local/bin/app ./cmd/app
    CMD ["app"]
    ```

    ```dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN go build -o /out/app ./cmd/app
    FROM golang:1.22
    COPY --from=build /out/app /usr/local/bin/app
    CMD ["app"]
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/app /app
    CMD ["/app"]
    ```
    ```dockerfile
    FROM golang:1.22
    RUN go install golang.org/x/tools/cmd/goimports@v0.24.0
    ENTRYPOINT ["go"]
    ```

    ## Fix
    Split the file: build in a stage named `build` on the toolchain image, then start a second
    stage from a runtime image and `COPY --from=build` only the artefact.
    """
    chain = ctx.final_lineage
    toolchain = toolchain_of(chain)
    if toolchain is None or is_dev_container(ctx, chain):
        return
    argv = entry_command(chain)
    if argv is None or not runs_an_application(argv):
        return
    image = root_image(chain).resolved
    if copies_application_source(chain, source_files=False) is not None:
        for run in ctx.shipped_scripts:
            for command in run.commands():
                step = build_step(command)
                if step:
                    yield run.violation(
                        f"the final image is built on {image} ({toolchain}) and runs '{step}' here; "
                        "build in a separate stage and copy the result into a slim runtime image",
                        command,
                    )
                    return
    # Multi-stage already, but the runtime stage starts from the toolchain again.
    for stage in chain:
        for instruction in stage.instructions:
            origin = ctx.resolve_stage(from_value(instruction) or "") if instruction.keyword == "COPY" else None
            if origin is None or origin.index in ctx.shipped_stages:
                continue
            step = next((build_step(c) for r in ctx.run_scripts if r.instruction.stage == origin.index for c in r.commands() if build_step(c)), None)
            if step:
                yield Violation(
                    f"the final stage only runs what stage '{origin.written_name or origin.index}' built ('{step}'), yet starts "
                    f"from {image} ({toolchain}); start it from a slim runtime image",
                    stage.from_instruction,
                    offset=0,
                    end_offset=len(stage.base.raw),
                )
                return


# Packages needed only to compile: exact names, plus *-dev (Debian/Alpine) and *-devel (RPM).
_BUILD_PACKAGES = frozenset(
    {"build-essential", "gcc", "g++", "gcc-c++", "cpp", "clang", "make", "cmake", "autoconf", "automake",
     "libtool", "pkg-config", "pkgconf", "pkgconfig", "build-base", "alpine-sdk", "musl-dev", "libc-dev",
     "libc6-dev", "linux-headers", "gfortran", "nasm", "yasm", "bison", "flex", "dpkg-dev", "ninja-build",
     "meson", "golang", "rustc", "cargo"}
)  # fmt: skip
_VERSION_PIN = re.compile(r"[=<>~].*$")


def build_package(word: str, family: str) -> str | None:
    """The package name when it is a build-only package (version pins stripped)."""
    name = _VERSION_PIN.sub("", word).lower()
    if family == "apt":
        name = name.split(":", 1)[0]  # gcc:amd64
    if name in _BUILD_PACKAGES:
        return name
    if family in ("apt", "apk") and name.endswith("-dev") and len(name) > 4:
        return name
    if family == "rpm" and name.endswith("-devel"):
        return name
    return None


def _removed_later_in_script(commands: list[Command], position: int, packages: set[str], virtual: str | None) -> set[str]:
    """Which of ``packages`` a later command of the same script uninstalls.

    Accepted: ``apt-get purge/remove <pkg>``, the docker-library ``apt-mark auto`` +
    ``apt-get purge --auto-remove`` pattern, ``apk del <pkg|virtual>``, ``yum/dnf remove``.
    A removal whose arguments come from an unresolved variable counts as removing them all.
    """
    removed: set[str] = set()
    marked_auto = False
    for command in commands[position + 1 :]:
        sub = command.subcommand()
        if command.name == "apt-mark" and sub == "auto":
            marked_auto = True
            continue
        if os_package_family(command, removing=True) is None:
            continue
        targets = command.positionals()[1:]
        if any("$" in t for t in targets) or (marked_auto and command.has_option("--auto-remove")) or sub == "autoremove" and marked_auto:
            return set(packages)
        names = {_VERSION_PIN.sub("", t).lower() for t in targets}
        if virtual and virtual in names:
            return set(packages)
        removed |= packages & names
    return removed


@rule(code="IL4009", name="build-tools-in-final-stage", family="multi-stage", severity="warning")
def build_tools_in_final_stage(ctx: LintContext) -> Iterator[Violation]:
    """Compilers or `-dev` packages installed in the final image and never removed.

    ## Why
    `build-essential`, `gcc`, `make` and header packages (`libpq-dev`, `openssl-dev`,
    `*-devel`) are needed to compile native extensions, not to run them: they add 100-300 MB and
    a compiler an attacker can use. Install them in a build stage and copy the result, or
    remove them in the *same* RUN that installed them (a later RUN cannot shrink the layer).
    The official images' patterns are recognised: `apk add --virtual .build-deps ... && apk del
    .build-deps`, and `apt-mark auto` + `apt-get purge -y --auto-remove`. Only application
    images are checked (the final stage copies source, a dependency manifest or the whole
    context); toolchain images, CI images and dev containers ship compilers on purpose.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["python", "app.py"]
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
        && pip install --no-cache-dir -r requirements.txt \
        && apt-get purge -y --auto-remove gcc libpq-dev && rm -rf /var/lib/apt/lists/*
    CMD ["python", "app.py"]
    ```
    ```dockerfile
    FROM python:3.12-alpine
    COPY requirements.txt .
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \
        && pip install --no-cache-dir -r requirements.txt \
        && apk del .build-deps
    ```
    ```dockerfile
    FROM python:3.12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    COPY requirements.txt .
    RUN pip wheel --wheel-dir /wheels -r requirements.txt
    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir /wheels/*
    COPY . /app
    ```

    ## Fix
    Move the install and the compile step into a build stage, or purge the packages at the end
    of the same RUN (`apt-get purge -y --auto-remove ...`, `apk del .build-deps`).
    """
    chain = ctx.final_lineage
    if not is_application_image(ctx, chain):
        return
    for run in ctx.shipped_scripts:
        commands = list(run.commands())
        for position, command in enumerate(commands):
            family = os_package_family(command)
            if family is None:
                continue
            found: list[tuple[int, str]] = []  # (word index, package)
            for index, word in enumerate(command.words[1:], start=1):
                package = build_package(word.value, family) if not word.value.startswith("-") else None
                if package:
                    found.append((index, package))
            if not found:
                continue
            virtual = command.option_value("--virtual", "-t") if family == "apk" else None
            removed = _removed_later_in_script(commands, position, {p for _, p in found}, virtual)
            kept = [(i, p) for i, p in found if p not in removed]
            if not kept:
                continue
            names = ", ".join(p for _, p in kept[:4]) + (f" and {len(kept) - 4} more" if len(kept) > 4 else "")
            several = len(kept) > 1
            yield run.violation(
                f"build-only package{'s' if several else ''} {names} stay{'' if several else 's'} in the final image; "
                f"install {'them' if several else 'it'} in a build stage, or remove {'them' if several else 'it'} "
                "at the end of this RUN",
                command,
                word=kept[0][0],
            )
