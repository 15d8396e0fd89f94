"""IL4008 final-stage-on-build-toolchain."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Stage
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.stages import (
    copies_application_source,
    entry_command,
    from_value,
    is_dev_container,
    root_image,
    runs_an_application,
)
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command

# Base images whose purpose is to compile: (repository name, what to call it).
_TOOLCHAIN_IMAGES = {
    "golang": "the Go toolchain", "rust": "the Rust toolchain", "maven": "Maven and a JDK",
    "gradle": "Gradle and a JDK", "gcc": "GCC", "buildpack-deps": "compilers and -dev packages",
    "swift": "the Swift toolchain", "haskell": "GHC", "clojure": "a JDK and Clojure tools",
    "sbt": "sbt and a JDK", "scala-sbt": "sbt and a JDK",
}  # fmt: skip


# Variants of a toolchain image that leave the toolchain out: buildpack-deps's `curl` (curl, wget,
# CA certificates, gnupg) and `scm` (those plus git, mercurial, openssh, subversion) layers come
# below its default variant, the one that adds the compilers and -dev packages.
_TOOLLESS_VARIANTS = {"buildpack-deps": frozenset({"curl", "scm"})}


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
        if _TOOLLESS_VARIANTS.get(name, frozenset()) & set(tag.split("-")):
            return None
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
    manager = pm.manager(name)
    if name == "go" and sub in ("build", "install"):
        return f"go {sub}"
    if manager is pm.CARGO and sub in ("build", "install"):
        return f"{name} {sub}"
    if manager is pm.MAVEN and {"package", "install", "verify"} & set(args):
        return f"{name} {next(a for a in args if a in ('package', 'install', 'verify'))}"
    if manager is pm.GRADLE:
        task = next((a for a in args if a in ("build", "assemble", "bootJar", "jar", "shadowJar", "installDist", "war")), None)
        return f"{name} {task}" if task else None
    if manager is not None and manager.ecosystem == "node":
        # ``yarn build`` runs the script; npm needs ``npm run build``
        direct = args[0] if args and manager is not pm.NPM else ""
        script = args[1] if args[:1] in (["run"], ["run-script"]) and len(args) > 1 else direct
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


@rule(
    code="IL4008",
    name="final-stage-on-build-toolchain",
    family="multi-stage",
    severity="warning",
    instructions=("CMD", "ENTRYPOINT"),
)
def final_stage_on_build_toolchain(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
    ENTRYPOINT is the tool or a shell, dev containers) are not, nor are `buildpack-deps`'s `curl`
    and `scm` variants, which carry download and version-control tools but no compilers.

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
