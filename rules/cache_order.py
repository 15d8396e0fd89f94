"""Rules about instruction order and the build cache: what invalidates which layers."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Violation, rule
from imagelint.rules._installs import URL, dependency_install, download_target, named_install, urls
from imagelint.rules._layers import (
    Copy,
    Located,
    Step,
    expand_word,
    has_cache_mount,
    is_git_source,
    is_under,
    references_variable,
    resolve,
    run_commands,
    sequences,
)
from imagelint.variables import Scope

# --- IL1001 ---------------------------------------------------------------------------------------

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
def dependency_install_after_source_copy(ctx: LintContext) -> Iterator[Violation]:
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
    if install.tool.startswith(("pip", "uv pip")) and " -r " in install.tool:
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
        if "gradle" in install.tool:
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


# --- IL1002 ---------------------------------------------------------------------------------------

# Package manager -> (index-update subcommands, subcommands that install from the index).
_INDEX_UPDATES = {
    "apt-get": ({"update"}, {"install", "upgrade", "dist-upgrade", "build-dep", "source", "full-upgrade"}),
    "apk": ({"update"}, {"add", "upgrade", "fix"}),
    "yum": ({"makecache"}, {"install", "update", "upgrade", "groupinstall", "reinstall"}),
    "dnf": ({"makecache"}, {"install", "update", "upgrade", "groupinstall", "reinstall"}),
    "zypper": ({"refresh", "ref"}, {"install", "in", "update", "up", "dist-upgrade", "dup"}),
}
_SAME_TOOL = {"apt": "apt-get", "aptitude": "apt-get", "microdnf": "dnf", "tdnf": "dnf"}


def _index_tool(name: str) -> str | None:
    name = _SAME_TOOL.get(name, name)
    return name if name in _INDEX_UPDATES else None


def _index_verb(located: Located) -> tuple[str, str] | None:
    """(tool, "update"/"install") for a package-index update or an install from the index."""
    tool = _index_tool(located.name)
    if tool is None:
        return None
    sub = located.sub
    updates, installs = _INDEX_UPDATES[tool]
    if sub in updates:
        return tool, "update"
    if sub in installs:
        return tool, "install"
    return None


@rule(code="IL1002", name="package-index-update-alone", family="cache-order", severity="warning", checkov=("CKV_DOCKER_5",))
def package_index_update_alone(ctx: LintContext) -> Iterator[Violation]:
    """`apt-get update` (or `apk update`, `yum makecache`) in a RUN without the install.

    ## Why
    The layer holding the package index is cached on its own. Later, when you add a package to the
    install line, Docker reuses the weeks-old index and the install fails with 404s or installs
    stale versions: the classic "stale apt cache" bug. Only reported when a later RUN installs
    from that index without updating it again.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update
    RUN apk add curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add --no-cache curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Run the index update and the install in the same RUN, joined with `&&`.
    """
    reported: set[int] = set()
    for sequence in sequences(ctx):
        lone_updates: dict[str, Located] = {}  # tool -> its update in a RUN that installs nothing
        for index, step in enumerate(sequence.steps):
            if step.keyword != "RUN":
                continue
            verbs = [(v, located) for located in run_commands(ctx, step) if (v := _index_verb(located))]
            for (tool, verb), located in verbs:
                if verb == "install" and tool in lone_updates:
                    update = lone_updates.pop(tool)
                    updated_here = any(v == (tool, "update") and o.command.start < located.command.start for v, o in verbs)
                    if index >= sequence.own and not updated_here and id(update.command) not in reported:
                        reported.add(id(update.command))
                        yield update.script.violation(
                            f"'{update.command.name} {update.command.subcommand()}' runs in its own layer but the "
                            f"install is in the RUN at line {step.instruction.line}: the cached index goes stale; "
                            f"update and install in one RUN",
                            update.command,
                        )
            tools_installing = {tool for (tool, verb), _ in verbs if verb == "install"}
            for (tool, verb), located in verbs:
                if verb == "update" and tool not in tools_installing:
                    lone_updates[tool] = located


# --- IL1003 ---------------------------------------------------------------------------------------

# Build arguments whose value changes on (nearly) every build: commit ids, dates, build numbers.
_VOLATILE_ARG = re.compile(
    r"^(?:(?:GIT_|VCS_|SOURCE_|CI_|GITHUB_|BUILD_)?(?:COMMIT|REVISION|REV|REF|SHA|SHA1|HASH)(?:_?(?:SHA|ID|HASH|REF|SHORT))?"
    r"|(?:GIT|VCS|COMMIT|SOURCE)_?(?:COMMIT|SHA|REF|HASH|REVISION)(?:_SHORT)?"
    r"|BUILD_?(?:DATE|TIME|TIMESTAMP|ID|NUMBER|NUM)|(?:CREATED|TIMESTAMP|BUILD_DATE_TIME))$",
    re.IGNORECASE,
)
# Single words that are checksums or pins when alone (``SHA`` next to a download), not commit ids.
_NOT_VOLATILE = frozenset({"SHA", "REF", "HASH", "REV", "SHA1"})

# Programs that do not read the project files (unless given a path inside the copied tree).
_NEUTRAL = frozenset(
    {"set", "export", "unset", "echo", "printf", "true", "false", "test", "[", "[[", ":", "rm", "mkdir", "rmdir",
     "ln", "chmod", "chown", "chgrp", "mv", "cp", "install", "touch", "tar", "unzip", "gzip", "gunzip", "xz",
     "bzip2", "sha256sum", "sha512sum", "sha1sum", "md5sum", "gpg", "gpgv", "gpgconf", "dpkg",
     "dpkg-architecture", "uname", "useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "id",
     "cd", "ldconfig", "update-ca-certificates", "apt-mark", "locale-gen", "localedef", "update-alternatives",
     "sed", "grep", "cat", "tee", "sort", "which", "command", "dirname", "basename", "mktemp", "ls", "head",
     "tail", "awk", "tr", "cut", "wc", "rpm", "apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf",
     "tdnf", "zypper", "curl", "wget", "git", "npm", "gem", "exit"}
)  # fmt: skip
_SILENT = frozenset({"set", "export", "unset", "echo", "printf", "true", "false", ":", "exit"})


def _volatile_arg(step: Step) -> list[str]:
    if step.keyword != "ARG":
        return []
    names = []
    for word in step.instruction.words():
        name = word.split("=", 1)[0]
        if _VOLATILE_ARG.match(name) and name.upper() not in _NOT_VOLATILE:
            names.append(name)
    return names


def _touches(text: str, cwd: str, root: str, scope: Scope | None) -> bool:
    """Whether a word (or ``--opt=value``) is a path inside ``root``, the copied tree."""
    if text.startswith("-"):
        if "=" not in text:
            return False
        text = text.split("=", 1)[1]
    if not text or URL.match(text):
        return False
    expanded = expand_word(text, scope)
    if expanded is None:
        # A variable we cannot resolve: judge by the literal part before it.
        literal = text.split("$", 1)[0]
        directory = literal.rsplit("/", 1)[0] if "/" in literal else ""
        if not literal.startswith("/") or not directory:
            return True
        return is_under(directory, root) or is_under(root, directory)
    return is_under(resolve(expanded, cwd), root)


def _stable_work(ctx: LintContext, step: Step, root: str | None, variable: str | None) -> Located | None:
    """The first expensive, project-independent command of a RUN, when the whole RUN is such work.

    Independent means: only package installs, downloads and file shuffling outside ``root`` (the
    tree a whole-context COPY filled) and no use of ``variable``. Anything else (a build script,
    ``make``, a path into the copied tree) makes the RUN depend on what came before.
    """
    if any(mount.type == "bind" for mount in step.instruction.mounts()):
        return None
    expensive = None
    for located in run_commands(ctx, step):
        command = located.command
        if not command.words:
            continue
        installs = named_install(command, located.name)
        if (located.name not in _NEUTRAL and installs is None) or "/" in command.words[0].value or dependency_install(command):
            return None
        if variable is not None and references_variable(command, variable):
            return None
        if root is not None and not _independent_of_tree(located, root, step):
            return None
        if expensive is None and _is_expensive(located):
            expensive = located
    return expensive


# Programs whose arguments are names, not paths; and those whose first argument is a mode, an
# owner or a script rather than a file.
_NO_PATH_ARGS = frozenset(
    {"useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "id", "uname", "dpkg-architecture",
     "apt-mark", "update-ca-certificates", "ldconfig", "locale-gen", "localedef", "which", "command", "exit",
     "test", "[", "[["}
)  # fmt: skip
_FIRST_NOT_PATH = frozenset({"chmod", "chown", "chgrp", "sed", "grep", "awk"})
# OS package managers: ``apt-get update``, ``apk del``, ``yum clean all`` read no project file.
_PACKAGE_TOOLS = frozenset({"apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper"})


def _independent_of_tree(located: Located, root: str, step: Step) -> bool:
    """Whether a command neither reads nor writes the tree a whole-context COPY filled."""
    command = located.command
    redirects = [r.target.value for r in command.redirects if r.target is not None and r.op not in (">&", "<&")]
    if any(_touches(t, located.cwd, root, step.scope) for t in redirects):
        return False
    name = located.name
    if name in _SILENT:
        return True
    installed = named_install(command, located.name)
    if installed is not None:
        return not installed.local
    if name in ("curl", "wget"):
        target = download_target(command, located.cwd)
        return target is None or not is_under(target, root)
    if name in _PACKAGE_TOOLS or name in _NO_PATH_ARGS:
        return True
    words = [w.value for w in command.words[1:]]
    if name in _FIRST_NOT_PATH:
        first = next((i for i, w in enumerate(words) if not w.startswith("-")), None)
        if first is not None:
            del words[first]
    return not any(_touches(w, located.cwd, root, step.scope) for w in words if not w.startswith("-") or "=" in w)


def _is_expensive(located: Located) -> bool:
    command = located.command
    installed = named_install(command, located.name)
    if installed is not None and installed.packages:
        return True
    if located.name in ("curl", "wget") and urls(command):
        return True
    return located.name == "git" and located.sub == "clone"


def _describe(located: Located) -> str:
    sub = located.sub if located.name not in ("curl", "wget") else None
    return f"{located.name} {sub}" if sub else located.name


@rule(code="IL1003", name="volatile-step-before-stable-install", family="cache-order", severity="warning")
def volatile_step_before_stable_install(ctx: LintContext) -> Iterator[Violation]:
    """A step that changes on every build (`COPY . .`, `ARG GIT_COMMIT`) comes before installs that do not need it.

    ## Why
    Everything after a changed layer is rebuilt. `COPY . .` changes with every source edit; an
    `ARG` such as `GIT_COMMIT`, `BUILD_DATE` or `BUILD_NUMBER` changes with every CI build (every
    RUN after an ARG sees it in its environment, so its cache key changes even if the RUN never
    uses it). OS packages, downloads and tools installed after such a step are fetched and
    installed again each time, although they do not depend on it. Only RUNs made entirely of
    package installs, downloads and file shuffling that does not touch the copied tree nor use
    the argument are reported, once per volatile step.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    ARG GIT_COMMIT
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    RUN apk add --no-cache ca-certificates tzdata
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    WORKDIR /app
    COPY . .
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache ca-certificates tzdata
    ARG GIT_COMMIT
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    ```
    ```dockerfile
    FROM alpine:3.20
    ARG BUILD_DATE
    RUN apk add --no-cache curl && echo "$BUILD_DATE" > /build-date
    ```
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    RUN apt-get update && apt-get install -y --no-install-recommends ./vendor/tool.deb
    ```

    ## Fix
    Move the installs above the volatile step; declare commit/date ARGs right before the
    instruction that uses them (usually a LABEL at the end).
    """
    for sequence in sequences(ctx):
        volatiles: list[tuple[Step, str, str]] = []  # (step, "arg" or "copy", ARG name or copied tree)
        found: dict[int, list[Located]] = {}  # volatile position -> independent RUNs after it
        for index, step in enumerate(sequence.steps):
            for name in _volatile_arg(step):
                volatiles.append((step, "arg", name))
            copy = step.copy
            if copy is not None and copy.whole_context and copy.destination not in (None, "/"):
                if not any(kind == "copy" for _, kind, _ in volatiles):
                    volatiles.append((step, "copy", copy.destination))
            if step.keyword != "RUN" or index < sequence.own:
                continue
            for position, (volatile, kind, what) in enumerate(volatiles):
                if kind == "arg" and volatile.stage is not step.stage:
                    continue  # an ARG ends with its stage
                work = _stable_work(ctx, step, what if kind == "copy" else None, what if kind == "arg" else None)
                if work is not None:
                    found.setdefault(position, []).append(work)
        for position, works in found.items():
            volatile, kind, what = volatiles[position]
            first = works[0]
            more = f" (and {len(works) - 1} later RUNs)" if len(works) > 1 else ""
            line = volatile.instruction.line
            if kind == "copy":
                message = (
                    f"{_describe(first)} does not use the files {volatile.keyword} . at line {line} brings in, yet re-runs "
                    f"on every source change{more}; move this RUN above line {line}"
                )
            else:
                message = (
                    f"ARG {what} at line {line} changes every build and makes this {_describe(first)}, which does not use it, "
                    f"re-run each time{more}; declare the ARG after this RUN, just before its first use"
                )
            yield first.script.violation(message, first.command)


# --- IL1004 / IL1005 ------------------------------------------------------------------------------


def _add_sources(instruction: Instruction) -> list[tuple[str, int | None]]:
    """ADD sources with their offset in the instruction's value."""
    words = instruction.words()
    found = []
    position = 0
    for source in words[:-1]:
        offset = instruction.value.find(source, position)
        if offset >= 0:
            position = offset + len(source)
        found.append((source, offset if offset >= 0 else None))
    return found


def _adds(ctx: LintContext) -> Iterator[tuple[Instruction, str, int | None, Step | None]]:
    for sequence in sequences(ctx):
        for _, step in sequence.owned():
            if step.keyword == "ADD":
                for source, offset in _add_sources(step.instruction):
                    yield step.instruction, source, offset, step


def _located(instruction: Instruction, message: str, source: str, offset: int | None, fix: str | None = None) -> Violation:
    if offset is None:
        return Violation(message, instruction, fix=fix)
    return Violation(message, instruction, offset=offset, end_offset=offset + len(source), fix=fix)


# Branch-head API URLs, added so that the cache breaks when the branch moves (a deliberate idiom).
_CACHE_BUSTER = re.compile(r"//api\.github\.com/repos/.+/(?:git/refs/|commits|branches/)|/api/v4/projects/.+/repository/(?:commits|branches)")


@rule(code="IL1004", name="add-url-without-checksum", family="cache-order", severity="warning")
def add_url_without_checksum(ctx: LintContext) -> Iterator[Violation]:
    """`ADD <url>` without `--checksum`: fetched on every build and never verified.

    ## Why
    Without a checksum BuildKit cannot know whether the remote file changed, so it contacts the
    server on every build to decide whether the layer (and everything after it) can be reused;
    when the file behind the URL changes (a `latest` or `master` link, a re-published release),
    the cache silently breaks and the build gets different bytes, unverified. With
    `--checksum=sha256:...` the URL is immutable: the layer is reused without a download, and a
    tampered or changed file fails the build.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    ```

    ## Good
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \\
        https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    ```
    ```dockerfile
    FROM alpine:3.20
    ADD rootfs.tar.gz /
    ```
    ```dockerfile
    FROM alpine:3.20
    # rebuild the clone below whenever the branch moves
    ADD https://api.github.com/repos/moby/buildkit/git/refs/heads/master /tmp/head.json
    RUN apk add --no-cache git && git clone --depth 1 https://github.com/moby/buildkit /src
    ```

    ## Fix
    Add `--checksum=sha256:<digest of the file>` (Dockerfile syntax 1.6 or later), or download with
    `curl` and check the digest with `sha256sum -c` in the same RUN.
    """
    for instruction, source, offset, _ in _adds(ctx):
        if not URL.match(source) or is_git_source(source) or instruction.flag("checksum") is not None:
            continue
        if _CACHE_BUSTER.search(source):
            continue  # ``ADD .../git/refs/heads/main`` is fetched on purpose, to rebuild when the branch moves
        yield _located(
            instruction,
            f"ADD of {source} has no --checksum: it is fetched again on every build and its content is "
            f"never verified; add --checksum=sha256:<digest>",
            source,
            offset,
            fix="ADD --checksum=sha256:<digest> <url> <dest>",
        )


_MOVING_REFS = frozenset({"main", "master", "develop", "development", "dev", "trunk", "head", "latest", "stable", "next", "nightly"})
_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


def _git_ref(source: str) -> tuple[str | None, bool]:
    """(ref, pinned by a query ``checksum``/``commit``) of an ADD git source."""
    base, _, fragment = source.partition("#")
    ref = fragment.split(":", 1)[0] or None
    query = base.partition("?")[2]
    params = dict(part.partition("=")[::2] for part in query.split("&") if part)
    if params.get("checksum") or params.get("commit"):
        return ref, True
    return ref or params.get("ref") or params.get("tag") or params.get("branch"), False


@rule(code="IL1005", name="add-git-unpinned-ref", family="cache-order", severity="warning")
def add_git_unpinned_ref(ctx: LintContext) -> Iterator[Violation]:
    """`ADD` of a git repository at a branch (or the default branch) without `--checksum`.

    ## Why
    BuildKit resolves the branch to its newest commit on every build: the layer and everything
    after it are rebuilt whenever someone pushes to that branch, and two builds of the same
    Dockerfile get different code. A tag, a commit id or `--checksum=<commit>` pins it.

    ## Bad
    ```dockerfile
    FROM golang:1.23 AS build
    ADD https://github.com/opencontainers/runc.git /src/runc
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    ADD https://github.com/opencontainers/runc.git#main /src/runc
    ```

    ## Good
    ```dockerfile
    FROM golang:1.23 AS build
    ADD https://github.com/opencontainers/runc.git#v1.1.12 /src/runc
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    ARG RUNC_COMMIT=51d5e94601ceffbbd85688df1c928ecccbfa4685
    ADD https://github.com/opencontainers/runc.git#${RUNC_COMMIT} /src/runc
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1.16
    FROM golang:1.23 AS build
    ADD --checksum=51d5e94601ceffbbd85688df1c928ecccbfa4685 https://github.com/opencontainers/runc.git#main /src/runc
    ```

    ## Fix
    Add `#<tag>` or `#<commit>` to the URL, or `--checksum=<commit>` (Dockerfile syntax 1.16+).
    """
    for instruction, source, offset, step in _adds(ctx):
        if not is_git_source(source) or instruction.flag("checksum") is not None:
            continue
        ref, pinned = _git_ref(source)
        if pinned:
            continue
        if ref is not None:
            expanded = expand_word(ref, step.scope if step else None)
            if expanded is None or expanded.lower() not in _MOVING_REFS and expanded != "":
                continue  # a tag, a commit, or a value we cannot know
            ref = expanded or None
        what = f"branch '{ref}'" if ref else "the default branch"
        yield _located(
            instruction,
            f"ADD of {source} follows {what}: every push changes what the build gets; pin a tag or commit "
            f"(#v1.2.3) or add --checksum=<commit>",
            source,
            offset,
        )
