"""IL5005 full-base-image-in-final-stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Stage
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.base_images import hub_name, smaller_variant
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, has_unresolved_arg

# Build tool -> the (lower-cased) subcommands or tasks that compile the project.
_BUILD_TASKS = {
    pm.CARGO: {"build", "install"},
    pm.MAVEN: {"package", "install", "verify"},
    pm.GRADLE: {"build", "assemble", "bootjar", "installdist", "shadowjar"},
}
_BUILD_COMMANDS = {"go": {"build"}, "dotnet": {"publish", "build"}} | {
    command: tasks for manager, tasks in _BUILD_TASKS.items() for command in manager.commands
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


@rule(
    code="IL5005",
    name="full-base-image-in-final-stage",
    family="base-image",
    severity="info",
    instructions=("CMD", "ENTRYPOINT"),
)
def full_base_image_in_final_stage(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
    if root.parent is not None or base.is_scratch or has_unresolved_arg(ctx, base):
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
    yield at_image(root, message, fix=None if toolchain else f"FROM {suggestion}")
