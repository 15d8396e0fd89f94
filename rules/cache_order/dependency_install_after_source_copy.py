"""IL1001 dependency-install-after-source-copy."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.documents import load_json
from imagelint.edits import (
    command_source,
    editable_run,
    insert_before,
    newline,
    plain_list,
    remove_commands,
    remove_instruction,
)
from imagelint.fixes import Fix, TextPositions
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.context_sources import context_sources, is_whole_tree, whole_context_copies
from imagelint.knowledge.installs import DEPENDENCY_TOOLS, DependencyInstall, dependency_install, named_install, pip_command
from imagelint.knowledge.package_managers import GRADLE
from imagelint.knowledge.steps import INERT_INSTRUCTIONS, Copy, Located, Sequence, has_cache_mount, is_under, resolve, run_commands, walk
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


@rule(
    code="IL1001",
    name="dependency-install-after-source-copy",
    family="cache-order",
    severity="warning",
    fixes=("unsafe",),
    instructions=("RUN",),
    # The programs dependency_install knows, and pip (``python -m pip`` names it too).
    mentions=tuple(sorted(DEPENDENCY_TOOLS | {pm.PIP.name})),
)
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

    `imagelint fix --unsafe` does that when it can see the build context: before `COPY . .` it
    inserts `COPY <the manifests the context holds> <its destination>/` (with the same flags) and a
    RUN with the dependency-only command, written like the original RUN (its flags and the
    commands before the install: `set`, `cd` to the destination, tool installs, `... config`).
    The install itself moves up when it only installs dependencies (`npm ci`, `yarn`,
    `pnpm install`, `pip install -r requirements*.txt`, `bundle install`, `go mod download`): it
    leaves its RUN, or the whole RUN moves. Otherwise the original RUN stays and the inserted one
    runs `poetry install --no-root`, `uv sync --no-install-project`, `pip install -r
    requirements.txt` (for `pip install .`), `go mod download`, `cargo fetch` (on a stub
    `src/main.rs`, removed again), `mvn dependency:go-offline` or `gradle dependencies`. With the
    manifests already copied it only moves the RUN above `COPY . .`.

    It keeps the advice without a build context, when a manifest is missing or ignored, when the
    manifests pull in more of the tree (npm workspaces, root install scripts or `file:`
    dependencies, Yarn 2+, pnpm workspaces, an `.npmrc` or `.yarnrc` (registry settings, often
    credentials), requirement files with local paths, Poetry or uv path
    dependencies and workspaces, Go `replace` with local paths or `go.work`, Cargo workspaces or
    explicit targets, a Gemfile with `gemspec` or `path:`, Maven modules or `.mvn/`, the Maven
    wrapper, Gradle multi-projects or `buildSrc`), when the install is not at the top of the
    copied tree, when anything but LABEL, EXPOSE, CMD, ENTRYPOINT, HEALTHCHECK or STOPSIGNAL
    comes between `COPY . .` and the RUN, and for other tools (composer, pipenv, pdm, conda, bun,
    dotnet).

    ## Fix safety
    The install now runs with only the manifests present: a step of it that reads other files
    (a root `prepare` script, a setup script, a local plugin) fails or does less. Files that the
    tree holds at the manifests' paths or beside them (a `node_modules/` that `.dockerignore`
    does not exclude) are copied over the installed ones by `COPY . .`. `requirements.txt` may
    not list what `pip install .` installs, and `go mod download`, `cargo fetch` or
    `mvn dependency:go-offline` may fetch more or less than the build later needs.
    """
    if not _may_copy_whole_context(ctx):
        return  # every finding follows a ``COPY . .``: without one the walk cannot find anything
    for sequence, index, step, state in walk(ctx, _Copied):
        copies = state.copies
        copy = step.copy
        if copy is not None:
            if state.whole is None:
                copies.append(copy)
                state.whole = copy if copy.whole_context else None
            continue
        if step.keyword != "RUN":
            continue
        whole = state.whole
        for located in run_commands(ctx, step):
            install = dependency_install(located.command)
            if install is None:
                continue
            if whole is None:
                state.fetched_before.add(install.ecosystem)
                continue
            if install.ecosystem in state.fetched_before or install.ecosystem in state.reported:
                continue
            if install.kind == "build" and has_cache_mount(step.instruction):
                continue
            copied = _manifests_copied(copies)
            if not _reads_copied_tree(located, install, whole) and not _already_copied(install.manifests, copied):
                continue  # its manifest is made by the build (``meteor build`` output), not copied
            if install.ecosystem == "go" and install.kind == "build" and not _go_module_downloads(ctx, located, whole):
                continue
            state.reported.add(install.ecosystem)  # one finding per ecosystem, in the stage that has it
            if index >= sequence.own:
                fix = _install_first(ctx, sequence, index, located, install, whole, copies)
                yield located.script.violation(_after_copy_message(install, whole, copied), located.command, fix=fix)


def _may_copy_whole_context(ctx: LintContext) -> bool:
    """Whether a COPY/ADD of the file, an ONBUILD one included, takes the whole build context (what
    :attr:`Copy.whole_context` says of a step); a cheap first test, from facts other rules share."""
    if next(whole_context_copies(ctx), None) is not None:
        return True
    triggers = (i.trigger for i in ctx.of("ONBUILD") if i.trigger is not None)
    return any(t.keyword in ("COPY", "ADD") and any(s.is_whole_context for s in context_sources(t)) for t in triggers)


class _Copied:
    """The COPY steps up to the first whole-context one (``whole``), the ecosystems whose
    dependencies were installed before it, and those already reported."""

    def __init__(self) -> None:
        self.copies: list[Copy] = []
        self.whole: Copy | None = None
        self.fetched_before: set[str] = set()
        self.reported: set[str] = set()

    def fork(self) -> _Copied:
        twin = _Copied()
        twin.copies, twin.whole = list(self.copies), self.whole
        twin.fetched_before, twin.reported = set(self.fetched_before), set(self.reported)
        return twin


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


# --- the fix: manifests and a dependency-only install before ``COPY . .`` -----------------------

_CARGO_STUB = "mkdir -p src && echo 'fn main() {{}}' > src/main.rs && {fetch} && rm -rf src"
_NODE_LIFECYCLE = ("preinstall", "install", "postinstall", "prepare", "prepublish")
# Options of a build that its dependency download keeps (output and snapshot settings, not what to build).
_MAVEN_OPTIONS = frozenset(
    {"-B", "--batch-mode", "-q", "--quiet", "-e", "--errors", "-U", "--update-snapshots", "-ntp", "--no-transfer-progress"}
)
_GRADLE_OPTIONS = frozenset({"--no-daemon", "-q", "--quiet", "--console=plain", "-i", "--info", "--stacktrace", "-s"})
# A Cargo.toml the stub main.rs stands in for: no workspace, explicit targets, build script or path dependencies.
_CARGO_BEYOND_STUB = re.compile(
    r"^\s*\[(workspace|lib|\[bin\]|\[example\]|\[test\]|\[bench\])|\bpath\s*=|\bbuild\s*=|\bauto(bins|lib)\b", re.MULTILINE
)
_NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json")


def _install_first(
    ctx: LintContext,
    sequence: Sequence,
    index: int,
    located: Located,
    install: DependencyInstall,
    whole: Copy,
    copies: list[Copy],
) -> Fix | None:
    """The manifests COPY and the dependency-only RUN inserted before ``COPY . .`` (and the install
    taken out of its RUN when it is the same command); None (advice) when that is not exact."""
    step, context = sequence.steps[index], ctx.build_context
    instruction = whole.instruction
    if context is None or whole.destination is None or not whole.from_context or whole.step.stage is not step.stage:
        return None
    if len(whole.sources) != 1 or not is_whole_tree(whole.sources[0]) or ctx.is_trigger(instruction) or instruction.is_exec_form:
        return None
    if not editable_run(ctx, step) or located.script.heredoc_index is not None or located.command.depth:
        return None
    start = sequence.steps.index(whole.step)
    if any(s.keyword not in INERT_INSTRUCTIONS for s in sequence.steps[start + 1 : index]):
        return None  # a step between would now come after the install
    top = plain_list(located.script)
    if top is None or not any(c is located.command for c in top):
        return None
    position = next(i for i, c in enumerate(top) if c is located.command)
    by_command = {id(c.command): c for c in run_commands(ctx, step)}
    kinds = [_prefix_kind(by_command.get(id(c)), whole.destination) for c in top[:position]]
    if located.cwd != whole.destination or None in kinds:
        return None
    if _already_copied(install.manifests, _manifests_copied(copies)):
        if not _copied_to(copies, install.manifests, whole.destination):
            return None
        plan: tuple[list[str], list[tuple[int, int, str]]] | None = ([], [])
    else:
        plan = _plan(context, located, install)
    if plan is None:
        return None
    files, changes = plan
    if any(context.is_ignored(name) or not context.exists(name) for name in files):
        return None
    moves = not changes and position == len(top) - 1  # the whole RUN moves up
    # Tool installs and ``... config`` right before the install move up with it (their effect stays
    # in the image); ``set``/``export`` are copied; a ``cd`` only when the whole RUN moves (IL8017
    # would report the copy too).
    block = position
    while block > 0 and kinds[block - 1] == "persist":
        block -= 1
    if not moves and ("cd" in kinds or "persist" in kinds[:block]):
        return None
    run_text = _run_text(ctx, located, changes)
    if run_text is None:
        return None
    dockerfile = ctx.dockerfile
    nl = newline(dockerfile)
    inserted = "".join(_copy_line(instruction, whole, group, nl) for group in _by_directory(files)) + run_text + nl
    edits = [insert_before(instruction, inserted)]
    if moves:
        edits.append(remove_instruction(dockerfile, step.instruction))
    elif not changes or block < position:  # the install (or its tool installs) leave the RUN
        removal = remove_commands(dockerfile, located.script, top, block, position if not changes else position - 1)
        if removal is None:
            return None
        edits.append(removal)
    what = "move the install" if not changes else "install the dependencies"
    return Fix(f"{what} before the {instruction.keyword} . at line {instruction.line}", "unsafe", tuple(edits))


def _prefix_kind(located: Located | None, destination: str) -> str | None:
    """How a command before the install may come along before ``COPY . .`` (it reads no project
    file): "shell" (``set``, ``export``), "cd" (to the copied tree), "persist" (a tool install,
    ``<tool> config``, ``corepack``); None for anything else."""
    if located is None:
        return None
    command = located.command
    if located.name in ("set", "export"):
        return "shell"
    if located.name == "cd":
        return "cd" if len(command.args) == 1 and resolve(command.args[0], located.cwd) == destination else None
    if located.name == "corepack":
        return "persist"
    installed = named_install(command, located.name)
    if installed is not None:
        return "persist" if installed.packages and not installed.local else None
    return "persist" if pm.manager(located.name) is not None and located.sub == "config" else None


def _copied_to(copies: list[Copy], manifests: tuple[str, ...], destination: str) -> bool:
    """Whether the COPYs before ``COPY . .`` put each manifest where the install runs."""
    for pattern in manifests:
        if not any(
            fnmatch.fnmatchcase(posixpath.basename(source.rstrip("/")), pattern)
            and any(landed == posixpath.join(destination, posixpath.basename(source)) for landed, _ in copy.landing_paths(source))
            for copy in copies
            if copy.from_context and not copy.whole_context
            for source in copy.sources
        ):
            return False
    return True


def _by_directory(files: list[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for name in files:
        groups.setdefault(posixpath.dirname(name), []).append(name)
    return list(groups.values())


def _copy_line(instruction, whole: Copy, group: list[str], nl: str) -> str:
    """``COPY [flags] a b <dest>/`` for files of one context directory."""
    written = whole.written_destination
    base = "./" if written in (".", "./") else written.rstrip("/") + "/"
    directory = posixpath.dirname(group[0])
    destination = base if not directory else f"{base}{directory}/"
    flags = "".join(f"{flag} " for flag in instruction.flags)
    sources = " ".join(name.rstrip("/") + ("/" if name.endswith("/") else "") for name in group)
    return f"{instruction.written_keyword} {flags}{sources} {destination}{nl}"


def _run_text(ctx: LintContext, located: Located, changes: list[tuple[int, int, str]]) -> str | None:
    """The RUN's source from its first line up to the end of the install command (the dependency-
    only command when ``changes`` edit it: script offsets inside the command, in order)."""
    script, command = located.script, located.command
    if command_source(script, command) is None:
        return None
    text = ctx.dockerfile.text
    positions = TextPositions(text)
    begin = positions.offset(script.instruction.line, 1)

    def at(offset: int) -> int:  # where a script character is in the file
        return positions.offset(*script.position(offset))

    def after(offset: int) -> int:  # right after the character before ``offset``, on its line
        return at(offset - 1) + 1

    out, cursor = [], begin
    for start, end, content in sorted(changes):
        out += [text[cursor : at(start) if end > start else after(start)], content]
        cursor = after(end)
    out.append(text[cursor : after(command.end)])
    return "".join(out)


def _read(context, name: str) -> str | None:
    try:
        return (context.root / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _plan(context, located: Located, install: DependencyInstall) -> tuple[list[str], list[tuple[int, int, str]]] | None:
    """(context files to copy first, edits that turn the install into its dependency-only form),
    per ecosystem; None when the manifests alone cannot serve the install."""
    command, name = located.command, located.name
    manager = pm.manager(name)
    if pip_command(command, name) is not None or (manager is pm.UV and command.subcommand() == pm.UV_PIP_SUBCOMMAND):
        return _plan_pip(context, located, install)
    if manager in (pm.NPM, pm.YARN, pm.PNPM):
        return _plan_node(context, install, manager)
    if manager is pm.POETRY:
        return _plan_python_project(context, located, ("poetry.lock", "poetry.toml"), "--no-root", ("--no-root",))
    if manager is pm.UV:
        return _plan_python_project(
            context, located, ("uv.lock", ".python-version"), "--no-install-project", ("--no-install-project", "--no-install-workspace")
        )
    if manager is pm.BUNDLER:
        gemfile = _read(context, "Gemfile")
        if gemfile is None or re.search(r"^\s*(gemspec|eval_gemfile)\b|\bpath\s*(:|=>)", gemfile, re.MULTILINE):
            return None
        return ["Gemfile", *_present(context, "Gemfile.lock")], []
    if install.ecosystem == "go":
        return _plan_go(context, located, install)
    if manager is pm.CARGO:
        return _plan_cargo(context, located)
    if manager is pm.MAVEN:
        return _plan_maven(context, located)
    if manager is pm.GRADLE:
        return _plan_gradle(context, located)
    return None


def _present(context, *names: str) -> list[str]:
    return [n for n in names if context.exists(n) and not context.is_ignored(n)]


def _replace_command(located: Located, text: str) -> list[tuple[int, int, str]]:
    return [(located.command.start, located.command.end, text)]


def _plan_node(context, install: DependencyInstall, manager) -> tuple[list[str], list] | None:
    if install.kind != "manifest" or _present(context, ".yarnrc.yml", "pnpm-workspace.yaml", ".npmrc", ".yarnrc"):
        return None  # Yarn 2+, workspaces, or registry settings (often credentials: IL7011 reports copying them)
    try:
        package = load_json(_read(context, "package.json") or "")
    except ValueError:
        return None
    if not isinstance(package, dict) or "workspaces" in package:
        return None
    scripts = package.get("scripts") or {}
    if not isinstance(scripts, dict) or any(key in scripts for key in _NODE_LIFECYCLE):
        return None  # the install runs the project's own scripts, which want the source
    for field in ("dependencies", "devDependencies", "optionalDependencies"):
        specs = package.get(field) or {}
        if not isinstance(specs, dict) or any(str(v).startswith(("file:", "link:", "workspace:", ".", "/")) for v in specs.values()):
            return None
    locks = _present(context, *_NPM_LOCKS, "yarn.lock", "pnpm-lock.yaml")
    if manager is pm.NPM and install.tool.split()[-1] in manager.clean_installs and not set(_NPM_LOCKS) & set(locks):
        return None  # ``npm ci`` needs a lockfile
    return ["package.json", *locks], []


def _requirement_files(context, first: str) -> list[str] | None:
    """``first`` and the files it includes (``-r``/``-c``), all context-relative; None when one is
    missing or a line installs a local path (``-e .``, ``./lib``)."""
    found: list[str] = []
    pending = [posixpath.normpath(first)]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        if name.startswith("../") or not context.exists(name):
            return None
        found.append(name)
        for raw in (_read(context, name) or "").splitlines():
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            match = re.match(r"^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)$", line)
            if match:
                pending.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), match.group(1))))
            elif line.startswith(("-e", "--editable", ".", "/", "file:")) or re.match(r"^\S+\s*@\s*file:", line):
                return None
    return found


def _plan_pip(context, located: Located, install: DependencyInstall) -> tuple[list[str], list] | None:
    if install.named:
        files: list[str] = []
        for manifest in install.manifests:
            if "$" in manifest or manifest.startswith("/"):
                return None
            included = _requirement_files(context, manifest)
            if included is None:
                return None
            files += [f for f in included if f not in files]
        return files, []
    if install.kind != "project":
        return None
    files = _requirement_files(context, "requirements.txt")
    if files is None:
        return None
    # ``pip install [opts] .`` / ``-e .``: the local path becomes ``-r requirements.txt``
    words = located.command.words
    local = [i for i, w in enumerate(words) if i and w.value in (".", "./") and w.raw == w.value]
    if len(local) != 1:
        return None
    i = local[0]
    first = i - 1 if words[i - 1].value in ("-e", "--editable") else i
    if any(w.value in ("-e", "--editable") for k, w in enumerate(words) if k != first and k > 0):
        return None
    return files, [(words[first].start, words[i].end, "-r requirements.txt")]


def _plan_python_project(
    context, located: Located, extras: tuple[str, ...], flag: str, already: tuple[str, ...]
) -> tuple[list[str], list] | None:
    """poetry/uv: pyproject.toml and the lockfile, and ``flag`` after the subcommand."""
    pyproject = _read(context, "pyproject.toml")
    if pyproject is None or re.search(r"\bpath\s*=|\bworkspace\s*=|^\[tool\.uv\.workspace\]", pyproject, re.MULTILINE):
        return None  # path dependencies and workspaces need more of the tree
    files = ["pyproject.toml", *_present(context, *extras)]
    command = located.command
    if command.has_option(*already):
        return files, []
    sub = next((w for w in command.words[1:] if w.value == command.subcommand()), None)
    if sub is None or sub.raw != sub.value:
        return None
    return files, [(sub.end, sub.end, f" {flag}")]


def _plan_go(context, located: Located, install: DependencyInstall) -> tuple[list[str], list] | None:
    gomod = _read(context, "go.mod")
    if gomod is None or context.exists("go.work") or re.search(r"=>\s*(\.|/)", gomod):
        return None  # local replacements need those modules too
    files = ["go.mod", *_present(context, "go.sum")]
    if install.kind == "manifest":
        return (files, []) if install.tool == "go mod download" else None  # ``go mod tidy`` reads the source
    return files, _replace_command(located, _PREFETCH["go"])


def _plan_cargo(context, located: Located) -> tuple[list[str], list] | None:
    manifest = _read(context, "Cargo.toml")
    if manifest is None or _CARGO_BEYOND_STUB.search(manifest):
        return None  # the stub only stands in for a plain package with the default targets
    files = ["Cargo.toml", *_present(context, "Cargo.lock")]
    return files, _replace_command(located, _CARGO_STUB.format(fetch=_PREFETCH["rust"]))


def _tool_options(located: Located, allowed: frozenset[str]) -> list[str] | None:
    """The options of a build command that a dependency download keeps (``-B``, ``-Dx=y``,
    ``-Pprofile``); None when another option could matter (a settings file, a module list)."""
    kept: list[str] = []
    words = [w.value for w in located.command.words[1:]]
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("-"):
            continue
        if word in allowed or re.match(r"^-[DP]\S", word):
            kept.append(word)
        elif word in ("-P", "-D") and i < len(words):
            kept += [word, words[i]]
            i += 1
        else:
            return None
    return kept


def _plan_maven(context, located: Located) -> tuple[list[str], list] | None:
    pom = _read(context, "pom.xml")
    if located.name != pm.MAVEN.commands[0] or pom is None or "<modules>" in pom or context.exists(".mvn"):
        return None  # the wrapper, modules and .mvn/ settings need more of the tree
    options = _tool_options(located, _MAVEN_OPTIONS)
    if options is None or any(ch in located.command.words[0].raw for ch in "$`"):
        return None
    program = located.command.words[0].raw
    return ["pom.xml"], _replace_command(located, " ".join([program, *options, _PREFETCH["jvm"].split(" ", 1)[1]]))


def _plan_gradle(context, located: Located) -> tuple[list[str], list] | None:
    builds = _present(context, "build.gradle", "build.gradle.kts")
    settings = _present(context, "settings.gradle", "settings.gradle.kts")
    if len(builds) != 1 or context.exists("buildSrc"):
        return None
    if any(re.search(r"^\s*include(Build)?\b", _read(context, s) or "", re.MULTILINE) for s in settings):
        return None  # a multi-project build needs every project's build file
    files = [*builds, *settings, *_present(context, "gradle.properties")]
    if located.name != pm.GRADLE.commands[0]:  # the wrapper: its script and gradle/wrapper/
        if not context.exists("gradle/wrapper/gradle-wrapper.properties") or not context.exists(located.name):
            return None
        files = [located.name, *files, "gradle/"]
    options = _tool_options(located, _GRADLE_OPTIONS)
    program = located.command.words[0].raw
    if options is None or any(ch in program for ch in "$`"):
        return None
    return files, _replace_command(located, " ".join([program, *options, "dependencies"]))
