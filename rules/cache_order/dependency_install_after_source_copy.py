"""IL1001 dependency-install-after-source-copy."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.installs import dependency_install
from imagelint.knowledge.package_managers import GRADLE
from imagelint.knowledge.steps import Copy, Located, has_cache_mount, is_under, resolve, run_commands, sequences
from imagelint.rule import Rule, Violation, rule

# How to fetch an ecosystem's dependencies on their own, before the source is copied.
_PREFETCH = {
    "go": "go mod download",
    "rust": "cargo fetch",
    "jvm": "mvn dependency:go-offline",
    "dotnet": "dotnet restore",
}


def _manifests_copied(copies: list[Copy]) -> set[str]:
    """Basenames of the context files copied one by one (``COPY package*.json ./`` counts)."""
    names: set[str] = set()
    for copy in copies:
        if copy.from_context and not copy.whole_context:
            names.update(source.rstrip("/").rsplit("/", 1)[-1] for source in copy.sources)
    return names


def _already_copied(manifests: tuple[str, ...], copied: set[str]) -> bool:
    return all(any(fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(pattern, name) for name in copied) for pattern in manifests)


@rule(code="IL1001", name="dependency-install-after-source-copy", family="cache-order", severity="warning")
def dependency_install_after_source_copy(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A dependency install runs after `COPY . .`: any source edit re-installs every dependency.

    ## Why
    A layer is reused only while everything before it is unchanged. `COPY . .` changes whenever
    any file of the build context changes, so an `npm ci`, `pip install -r requirements.txt`,
    `bundle install` or `go mod download` placed after it runs again on every edit, downloading
    the same dependencies each time. Copy the dependency manifests first, install, and only then
    copy the rest: the install is then cached until the manifests change.

    Build commands that fetch dependencies themselves (`go build`, `cargo build`, `mvn package`,
    `dotnet publish`) are reported only when no dependency step ran before the copy and no cache
    mount (`RUN --mount=type=cache`) keeps the downloads between builds; `go build` only when the
    build context shows a `go.sum` and no `vendor/` (many Go programs have no dependencies).

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "server.js"]
    ```
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY . .
    RUN go build -o /out/app ./cmd/app
    ```
    ```context
    go.mod = module example.com/app\\n\\nrequire golang.org/x/sync v0.8.0
    go.sum = golang.org/x/sync v0.8.0 h1:abc=
    cmd/app/main.go = package main
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    CMD ["node", "server.js"]
    ```
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    RUN pip install --no-cache-dir --no-deps -e .
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go mod download
    COPY . .
    RUN go build -o /out/app ./cmd/app
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY . .
    RUN --mount=type=cache,target=/go/pkg/mod go build -o /out/app ./cmd/app
    ```

    ## Fix
    Copy only the manifests (`package.json` + lockfile, `requirements.txt`, `go.mod` + `go.sum`,
    `Gemfile` + `Gemfile.lock`, `composer.json` + `composer.lock`, `Cargo.toml` + `Cargo.lock`,
    `pom.xml`, `*.csproj`...), run the install, then `COPY . .`.
    """
    for sequence in sequences(ctx):
        copies: list[Copy] = []
        whole: Copy | None = None
        fetched_before: set[str] = set()  # ecosystems whose dependencies were installed before the copy
        reported: set[str] = set()
        for index, step in enumerate(sequence.steps):
            copy = step.copy
            if copy is not None:
                if whole is None:
                    copies.append(copy)
                    whole = copy if copy.whole_context else None
                continue
            if step.keyword != "RUN":
                continue
            for located in run_commands(ctx, step):
                install = dependency_install(located.command)
                if install is None:
                    continue
                if whole is None:
                    fetched_before.add(install.ecosystem)
                    continue
                if install.ecosystem in fetched_before or install.ecosystem in reported:
                    continue
                if install.kind == "build" and has_cache_mount(step.instruction):
                    continue
                copied = _manifests_copied(copies)
                if not _reads_copied_tree(located, install, whole) and not _already_copied(install.manifests, copied):
                    continue  # its manifest is made by the build (``meteor build`` output), not copied
                if install.ecosystem == "go" and install.kind == "build" and not _go_module_downloads(ctx, located, whole):
                    continue
                reported.add(install.ecosystem)  # one finding per ecosystem, in the stage that has it
                if index >= sequence.own:
                    yield located.script.violation(_after_copy_message(install, whole, copied), located.command)


def _reads_copied_tree(located: Located, install, whole: Copy) -> bool:
    """Whether the install runs in (or names a manifest inside) the tree ``COPY .`` filled."""
    if whole.destination is None:
        return True
    places = [located.cwd]
    if install.named:  # ``pip install -r deps/requirements.txt`` reads that file
        places = [resolve(m, located.cwd) for m in install.manifests]
    return any(is_under(place, whole.destination) for place in places)


def _go_module_downloads(ctx: LintContext, located: Located, whole: Copy) -> bool:
    """Whether the build context shows that ``go build`` here downloads modules: a go.sum (so the
    module has dependencies) and no vendor directory.

    Only positive evidence counts: stdlib-only programs and vendored modules are common, so without
    a build context (or when the module is not where ``COPY .`` puts the context) it stays silent.
    """
    context = ctx.build_context
    if context is None or whole.destination is None or not is_under(located.cwd, whole.destination):
        return False
    module = posixpath.relpath(located.cwd, whole.destination)
    module = "" if module == "." else module + "/"
    return context.exists(module + "go.sum") and not context.exists(module + "vendor/modules.txt")


def _after_copy_message(install, whole: Copy, copied: set[str]) -> str:
    line = whole.instruction.line
    keyword = whole.instruction.keyword
    manifests = " ".join(install.manifests)
    if install.kind == "build":
        prefetch = _PREFETCH.get(install.ecosystem, "the dependency download")
        if install.command.name in GRADLE.commands:
            prefetch = f"{install.tool.split()[0]} dependencies"
        return (
            f"{install.tool} downloads every dependency again after each source change ({keyword} . at line {line} "
            f"comes first); COPY {manifests} and RUN {prefetch} before line {line}, or use a cache mount"
        )
    if _already_copied(install.manifests, copied):
        return (
            f"{install.tool} re-runs on every source change because {keyword} . at line {line} comes first; "
            f"{manifests} is already copied, so move this RUN above line {line}"
        )
    if install.kind == "project":
        return (
            f"{install.tool} reinstalls every dependency on each source change ({keyword} . at line {line} comes first); "
            f"COPY {manifests} and install the dependencies before line {line}, then install the project with --no-deps"
        )
    return (
        f"{install.tool} re-runs on every source change because {keyword} . at line {line} comes first; "
        f"COPY {manifests} and run it before line {line}"
    )
