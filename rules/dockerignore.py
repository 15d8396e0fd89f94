"""Rules about the build context: what `docker build` sends, what COPY takes from it, and the
`.dockerignore` that decides both.

They need the context on disk: `--context DIR`, or by default the Dockerfile's folder. Rules that
judge whether a path *exists* do so only when that folder really looks like the context (see
IL3005), because Dockerfiles are often built from a parent folder (`docker build -f docker/Dockerfile .`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from imagelint.buildcontext import BuildContext
from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Violation, rule
from imagelint.rules._context_files import DevFolder, dev_folder, git_remote_credentials, secret_kind
from imagelint.rules._context_sources import Source, context_copies, whole_context_copies
from imagelint.units import format_size

# Folders that hold what a build step creates before `docker build` runs (CI: `mvn package`, then
# `docker build`): a source below them missing today is not a mistake.
_GENERATED_DIRS = frozenset(
    {"target", "build", "dist", "out", "bin", "obj", "publish", "release", "releases", "artifacts",
     "_build", ".build", "output", "node_modules", "vendor", "tmp", "generated"}
)  # fmt: skip
_WALK_LIMIT = 50_000  # context entries looked at per Dockerfile, to stay fast on huge trees
_SIZE_LIMIT = 20_000  # files counted when sizing one folder


def shown_dockerignore(ctx: LintContext, build_context: BuildContext) -> str:
    """The .dockerignore path as users should see it: relative to the Dockerfile's shown path."""
    path = build_context.dockerignore_path
    assert path is not None
    if ctx.dockerfile_path is None:
        return str(path)
    relative = os.path.relpath(path, ctx.dockerfile_path.parent)
    return os.path.normpath(os.path.join(os.path.dirname(ctx.dockerfile.path), relative))


# --- the shared walk of what COPY takes from the context -------------------------------------


@dataclass
class _Scan:
    """What the directory COPYs of a Dockerfile bring in: found once, read by several rules."""

    secrets: dict[str, tuple[Instruction, str]] = field(default_factory=dict)  # path -> (COPY, kind)
    folders: dict[str, tuple[Instruction, DevFolder]] = field(default_factory=dict)


def _scan(ctx: LintContext) -> _Scan:
    """Walk the context folders the COPYs bring in (rules ask through ``ctx.fact(_scan)``)."""
    scan = _Scan()
    build_context = ctx.build_context
    if build_context is None:
        return scan  # stdin input or no context folder: nothing to walk
    walked: list[str] = []
    budget = _WALK_LIMIT
    for instruction, sources in context_copies(ctx):
        excludes = instruction.flag_values("exclude")
        for source in sources:
            if source.is_glob or not (build_context.root / source.path).is_dir():
                continue
            if any(source.path == w or source.path.startswith(w + "/") or w == "" for w in walked):
                continue  # an earlier COPY already brought this folder in
            if source.path and _dev_folder_at(build_context, source.path) is not None:
                continue  # copied by name: deliberate
            walked.append(source.path)

            def prune(relative: str, entry: os.DirEntry, instruction=instruction, excludes=excludes) -> bool:
                """Record development folders and do not descend into them."""
                if excludes and build_context.matches(excludes, relative):
                    return True  # COPY --exclude keeps it out
                folder = dev_folder(relative, entry)
                if folder is not None and relative not in scan.folders:
                    scan.folders[relative] = (instruction, folder)
                    if entry.name == ".git" and folder.major and git_remote_credentials(entry.path):
                        scan.secrets[f"{relative}/config"] = (instruction, "git remote URL with credentials")
                return folder is not None

            for relative, entry in build_context.walk(source.path, prune=prune):
                budget -= 1
                if budget <= 0:
                    break
                if relative in scan.secrets or not entry.is_file(follow_symlinks=False):
                    continue
                if excludes and build_context.matches(excludes, relative):
                    continue
                kind = secret_kind(relative, entry)
                if kind:
                    scan.secrets[relative] = (instruction, kind)
    return scan


def _dev_folder_at(build_context: BuildContext, relative: str) -> DevFolder | None:
    parent = build_context.root / os.path.dirname(relative)
    try:
        with os.scandir(parent) as entries:
            entry = next((e for e in entries if e.name == os.path.basename(relative)), None)
    except OSError:
        return None
    return dev_folder(relative, entry) if entry is not None else None


def _reincluding_exception(build_context: BuildContext, relative: str) -> int | None:
    """Index of the ``!`` pattern that brings back a path the lines above it exclude, if any."""
    patterns = [p.text for p in build_context.ignore_patterns]
    for index in range(len(patterns) - 1, -1, -1):
        if not patterns[index].startswith("!"):
            continue
        if build_context.matches(patterns[:index], relative) and not build_context.matches(patterns[: index + 1], relative):
            return index
    return None


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# --- rules -------------------------------------------------------------------------------------


@rule(code="IL3001", name="copy-context-without-dockerignore", family="dockerignore", severity="warning", needs_context=True)
def copy_context_without_dockerignore(ctx: LintContext) -> Iterator[Violation]:
    """`COPY .` with no `.dockerignore`: `.git`, local builds and secrets go into the image.

    ## Why
    Without a `.dockerignore`, `COPY . .` puts everything in the folder into a layer: the `.git`
    history, `node_modules`, virtualenvs, `.env` files with credentials. The image grows, every
    commit or local edit anywhere busts the cache, and secrets ship. When the Dockerfile's own
    folder is the context by default (no `--context`) and a parent folder has a `.dockerignore`,
    the file is probably built from that parent, so nothing is reported.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    package.json = {}
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    package.json = {}
    .dockerignore = node_modules\\n.git\\n.env
    ```
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json server.js ./
    ```
    ```context
    package.json = {}
    server.js = console.log(1)
    ```

    ## Fix
    Add a `.dockerignore` beside the Dockerfile (or at the root of the build context) listing at
    least `.git`, dependency folders, build outputs and secret files.
    """
    build_context = ctx.build_context
    if build_context is None or build_context.dockerignore_path is not None:
        return
    if not ctx.context_explicit and _parent_has_dockerignore(build_context.root):
        return
    for instruction in whole_context_copies(ctx):
        yield Violation(
            f"{instruction.keyword} copies the whole build context but there is no .dockerignore in "
            f"{build_context.root}; add one that excludes .git, dependency folders and secrets",
            instruction,
        )
        return


def _parent_has_dockerignore(root: Path) -> bool:
    """A .dockerignore in a parent folder, up to the repository root: the real build context."""
    return _folder_has_parent_dockerignore(root.resolve())


@lru_cache(maxsize=1024)
def _folder_has_parent_dockerignore(folder: Path) -> bool:
    for parent in list(folder.parents)[:8]:
        if (parent / ".dockerignore").is_file():
            return True
        if (parent / ".git").exists():
            return False
    return False


@rule(code="IL3002", name="copy-context-includes-secrets", family="dockerignore", severity="error", needs_context=True)
def copy_context_includes_secrets(ctx: LintContext) -> Iterator[Violation]:
    """A directory COPY takes secret files from the context: `.env`, private keys, tokens.

    ## Why
    `COPY . .` copies every file `.dockerignore` does not exclude. A `.env` with production
    credentials, an `id_rsa`, an `.npmrc` holding a registry token or a kubeconfig ends up in a
    layer that anyone who can pull the image can read, even if a later RUN deletes it; so does a
    `.git/config` whose remote URL embeds a token. Files are checked by content, not only by name: a `.pem` is reported only if it holds a private key, an
    `.npmrc` only with a literal token (not `${NPM_TOKEN}`), and `.env.example` never.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    app.py = print(1)
    .env = DATABASE_URL=postgres://admin:hunter2@db/prod
    .dockerignore = .git
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    app.py = print(1)
    .env = DATABASE_URL=postgres://admin:hunter2@db/prod
    .env.example = DATABASE_URL=
    .dockerignore = .git\\n.env
    ```
    ```dockerfile
    FROM node:22-slim
    COPY . .
    ```
    ```context
    .npmrc = //registry.npmjs.org/:_authToken=${NPM_TOKEN}
    .dockerignore = .git
    ```

    ## Fix
    Add the files to `.dockerignore` (`.env`, `*.pem`, `id_*`), and pass secrets the build needs
    with `RUN --mount=type=secret`, never in the context.
    """
    build_context = ctx.build_context
    if build_context is None:
        return
    found: dict[Instruction, list[str]] = {}
    for path, (instruction, kind) in ctx.fact(_scan).secrets.items():
        if build_context.ignore_patterns and _reincluding_exception(build_context, path) is not None:
            continue  # brought back by a `!` line: reported there (IL3007)
        found.setdefault(instruction, []).append(f"{path} ({kind})")
    for instruction, secrets in found.items():
        yield Violation(
            f"{instruction.keyword} copies secret files from the build context into the image: {_names(secrets)}; "
            "add them to .dockerignore and use RUN --mount=type=secret instead",
            instruction,
        )


@rule(code="IL3003", name="copy-context-includes-dev-folders", family="dockerignore", severity="warning", needs_context=True)
def copy_context_includes_dev_folders(ctx: LintContext) -> Iterator[Violation]:
    """A directory COPY takes `.git`, `node_modules`, a virtualenv or build output from the context.

    ## Why
    These folders are large, specific to your machine and rebuilt inside the image anyway:
    `node_modules` built on macOS breaks native modules on Linux and overwrites the ones
    `npm ci` just installed; `.git` changes with every commit, so `COPY . .` is never cached; a
    virtualenv holds absolute paths to your laptop. Build outputs (`target/` beside `Cargo.toml`
    or `pom.xml`, `bin/`/`obj/` beside a `.csproj`, `.next`) are reported too. Editor folders
    and Python caches are mentioned only alongside these, or when they pass 1 MiB. Folders you
    COPY by name (`COPY node_modules ...`) are deliberate and not reported.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci
    COPY . .
    ```
    ```context
    package.json = {}
    node_modules/left-pad/index.js = module.exports = 1
    .dockerignore = .env
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci
    COPY . .
    ```
    ```context
    package.json = {}
    node_modules/left-pad/index.js = module.exports = 1
    .dockerignore = node_modules\\n.git
    ```

    ## Fix
    List the folders in `.dockerignore` (`.git`, `node_modules`, `.venv`, `target`, `**/__pycache__`).
    """
    build_context = ctx.build_context
    if build_context is None:
        return
    found: dict[Instruction, list[DevFolder]] = {}
    for instruction, folder in ctx.fact(_scan).folders.values():
        found.setdefault(instruction, []).append(folder)
    for instruction, folders in found.items():
        sized = [(folder, *build_context.measure(folder.path, _SIZE_LIMIT)) for folder in folders]
        minor_bytes = sum(size for folder, size, _ in sized if not folder.major)
        if not any(folder.major for folder in folders) and minor_bytes < 1024 * 1024:
            continue
        sized.sort(key=lambda item: (not item[0].major, -item[1]))
        listed = [f"{folder.path} ({folder.kind}, {'' if complete else 'over '}{format_size(size)})" for folder, size, complete in sized]
        yield Violation(
            f"{instruction.keyword} copies development folders from the build context into the image: "
            f"{_names(listed)}; add them to .dockerignore",
            instruction,
        )


@rule(
    code="IL3004",
    name="copy-ignored-file",
    family="dockerignore",
    severity="warning",
    buildkit=("CopyIgnoredFile",),
    needs_context=True,
)
def copy_ignored_file(ctx: LintContext) -> Iterator[Violation]:
    """COPY/ADD names a path that `.dockerignore` excludes, so it is not in the build context.

    ## Why
    `.dockerignore` removes paths from what the builder sees; a COPY of such a path then fails
    with "not found" (a file) or silently copies an empty folder. Usually the ignore pattern is too
    broad (`*.json` also drops `package.json`), or the COPY is a leftover. Unlike BuildKit's own
    check, a folder that a `!` line re-includes in part is not reported (BuildKit issues #5884,
    #6512, moby #52125): its re-included files are copied as intended.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY package.json tsconfig.json ./
    ```
    ```context
    package.json = {}
    tsconfig.json = {}
    .dockerignore = *.json\\n!package.json
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY package.json tsconfig.json ./
    ```
    ```context
    package.json = {}
    tsconfig.json = {}
    .dockerignore = *.json\\n!package.json\\n!tsconfig.json
    ```
    ```dockerfile
    FROM python:3.12-slim
    COPY src/ /app/src/
    ```
    ```context
    src/app.py = print(1)
    src/notes.md = notes
    .dockerignore = *\\n!src/*.py
    ```

    ## Fix
    Narrow the `.dockerignore` pattern or add a `!path` exception after it, or drop the source
    from the COPY.
    """
    build_context = ctx.build_context
    if build_context is None or not build_context.ignore_patterns:
        return
    patterns = build_context.ignore_patterns
    for instruction, sources in context_copies(ctx):
        for source in sources:
            if source.is_whole_context or not build_context.is_ignored(source.path):
                continue
            if _partly_reincluded(build_context, source):
                continue
            line = next(
                (p for p in reversed(patterns) if not p.is_exception and build_context.matches([p.text], source.path)),
                None,
            )
            where = f" (line {line.line}: '{line.text}')" if line else ""
            yield Violation(
                f"{instruction.keyword} source '{source.written}' is excluded by {shown_dockerignore(ctx, build_context)}{where}, "
                "so it is not in the build context; narrow the pattern or add a '!' exception",
                instruction,
                offset=source.offset,
                end_offset=source.offset + len(source.written) if source.offset is not None else None,
            )


def _partly_reincluded(build_context: BuildContext, source: Source) -> bool:
    """Something under an ignored source (a folder, or what a wildcard names) is sent anyway."""
    if source.is_glob:
        matches = build_context.glob(source.path)
        if matches:
            return any(not build_context.is_ignored(m) or _partly_reincluded_path(build_context, m) for m in matches)
        literal = source.path.split("/")
        literal = "/".join(part for part in literal[: next(i for i, p in enumerate(literal) if any(c in p for c in "*?["))])
        return _exception_may_apply(build_context, literal)
    return _partly_reincluded_path(build_context, source.path)


def _partly_reincluded_path(build_context: BuildContext, relative: str) -> bool:
    if (build_context.root / relative).is_dir():
        return next(iter(build_context.walk(relative)), None) is not None
    if build_context.exists(relative):
        return False
    return _exception_may_apply(build_context, relative)


def _exception_may_apply(build_context: BuildContext, relative: str) -> bool:
    """Not on disk: whether a ``!`` line after the last line excluding this path could re-include
    something below it (``!src/*.py``, or a wildcard such as ``!*/keep``)."""
    patterns = build_context.ignore_patterns
    last_exclusion = max(
        (i for i, p in enumerate(patterns) if not p.is_exception and build_context.matches([p.text], relative)),
        default=-1,
    )
    prefix = relative.strip("/") + "/" if relative.strip("/") else ""
    for pattern in patterns[last_exclusion + 1 :]:
        if not pattern.is_exception:
            continue
        text = pattern.text[1:].lstrip("/")
        if text.startswith(prefix) or any(c in text.split("/", 1)[0] for c in "*?["):
            return True
    return False


@rule(code="IL3005", name="copy-source-missing-from-context", family="dockerignore", severity="warning", needs_context=True)
def copy_source_missing_from_context(ctx: LintContext) -> Iterator[Violation]:
    """COPY/ADD names a path that does not exist in the build context: the build fails.

    ## Why
    `docker build` stops with "failed to compute cache key: ... not found" on a source that is
    not in the context, after possibly minutes of earlier steps. It is judged only when the
    context is certain: given with `--context`, or the Dockerfile's folder when most of the
    file's other sources do exist there (a Dockerfile in `docker/` built as
    `docker build -f docker/Dockerfile .` is not judged against `docker/`). Wildcards (BuildKit
    accepts one that matches nothing), variables without a value, `--from`, heredocs, URLs and
    paths under folders that a build step creates before `docker build` (`target/`, `dist/`,
    `build/`, `bin/`...) are not checked.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    COPY app.py config.yml ./
    ```
    ```context
    requirements.txt = flask
    app.py = print(1)
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    COPY app.py config.yml ./
    ```
    ```context
    requirements.txt = flask
    app.py = print(1)
    config.yml = debug: false
    ```
    ```dockerfile
    FROM eclipse-temurin:21-jre
    COPY requirements.txt /app/
    COPY target/app.jar /app/app.jar
    COPY settings*.yml /app/
    ```
    ```context
    requirements.txt = x
    ```

    ## Fix
    Fix the path (it is relative to the build context, not to the Dockerfile), or build from the
    folder that holds it.
    """
    build_context = ctx.build_context
    if build_context is None or ctx.dockerfile.escape == "`":
        return
    own = {ctx.dockerfile_path.name} if ctx.dockerfile_path is not None else set()
    candidates: list[Source] = []
    present = 0
    for _, sources in context_copies(ctx):
        for source in sources:
            if source.is_whole_context or source.is_glob or "\\" in source.path:
                continue
            if build_context.exists(source.path):
                if source.path not in own and source.path != ".dockerignore":
                    present += 1
            elif not build_context.is_ignored(source.path):  # ignored ones: IL3004
                candidates.append(source)
    if not candidates or not (ctx.context_explicit or (present >= 1 and present >= len(candidates))):
        return
    for source in candidates:
        if source.path.split("/", 1)[0].lower() in _GENERATED_DIRS:
            continue
        hint = _close_name(build_context, source.path)
        yield Violation(
            f"{source.instruction.keyword} source '{source.written}' does not exist in the build context "
            f"{build_context.root}{hint}; fix the path (it is relative to the context) or create it before the build",
            source.instruction,
            offset=source.offset,
            end_offset=source.offset + len(source.written) if source.offset is not None else None,
        )


def _close_name(build_context: BuildContext, relative: str) -> str:
    folder, name = os.path.split(relative)
    try:
        siblings = os.listdir(build_context.root / folder)
    except OSError:
        return ""
    close = difflib.get_close_matches(name, siblings, n=1, cutoff=0.8)
    return f" (did you mean '{os.path.join(folder, close[0])}'?)" if close else ""


@rule(code="IL3006", name="dockerignore-pattern-matches-nothing", family="dockerignore", severity="warning", needs_context=True)
def dockerignore_pattern_matches_nothing(ctx: LintContext) -> Iterator[Violation]:
    """A `.dockerignore` pattern excludes nothing, while what it was meant for is still sent.

    ## Why
    `.dockerignore` patterns are anchored at the context root, unlike `.gitignore`: `*.pyc` or
    `__pycache__` there matches only the top folder, so `app/__pycache__/x.pyc` is still sent
    and copied. Write `**/*.pyc`. A pattern that is one letter off an existing entry
    (`node_module`) is reported too. Patterns that simply match nothing today (a defensive `.env`,
    `node_modules` before the first `npm install`) are fine and not reported.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY . /app
    ```
    ```context
    app/__init__.py = x = 1
    app/__pycache__/__init__.cpython-312.pyc = bytes
    .dockerignore = __pycache__\\n*.pyc
    ```
    ```dockerfile
    FROM node:22-slim
    COPY . /app
    ```
    ```context
    node_modules/left-pad/index.js = module.exports = 1
    .dockerignore = node_module
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY . /app
    ```
    ```context
    app/__init__.py = x = 1
    app/__pycache__/__init__.cpython-312.pyc = bytes
    .dockerignore = **/__pycache__\\n**/*.pyc\\n.env\\nnode_modules
    ```

    ## Fix
    Prefix the pattern with `**/` to match at any depth, or fix its spelling.
    """
    build_context = ctx.build_context
    if build_context is None or not build_context.ignore_patterns:
        return
    shown = shown_dockerignore(ctx, build_context)
    top = [name for name in build_context.top_level if name != ".dockerignore"]
    # Patterns of one path component that match no top-level entry: gitignore-style candidates.
    candidates = {}
    for pattern in build_context.ignore_patterns:
        text = pattern.text.strip("/")
        if pattern.is_exception or not text or "/" in text or text.startswith("**"):
            continue
        if any(build_context.matches([text], name) for name in top):
            continue
        candidates[pattern.line] = (pattern, text)
    if not candidates:
        return
    deeper: dict[int, str] = {}
    budget = _WALK_LIMIT

    def prune(relative: str, entry: os.DirEntry) -> bool:
        folder = dev_folder(relative, entry)
        return folder is not None and folder.major  # node_modules' or a venv's own files are not yours

    for relative, entry in build_context.walk(prune=prune):
        budget -= 1
        if budget <= 0 or len(deeper) == len(candidates):
            break
        if "/" not in relative:
            continue
        for line, (_, text) in candidates.items():
            if line not in deeper and build_context.matches([text], entry.name):
                deeper[line] = relative
    for line, (pattern, text) in candidates.items():
        if line in deeper:
            message = (
                f"'{pattern.text}' matches nothing: .dockerignore patterns are anchored at the context root, so "
                f"{deeper[line]} is still sent; write '**/{text}'"
            )
            fix = f"**/{text}"
        else:
            close = difflib.get_close_matches(text, top, n=1, cutoff=0.85)
            if not close or any(ch in text for ch in "*?[") or build_context.is_ignored(close[0]):
                continue
            message = f"'{pattern.text}' matches nothing, and '{close[0]}' is still sent; did you mean '{close[0]}'?"
            fix = close[0]
        yield Violation(message, line=pattern.line, column=1, file=shown, fix=fix)


@rule(code="IL3007", name="dockerignore-exception-includes-secret", family="dockerignore", severity="error", needs_context=True)
def dockerignore_exception_includes_secret(ctx: LintContext) -> Iterator[Violation]:
    """A `!` line in `.dockerignore` brings a secret file back into the build context.

    ## Why
    `!` exceptions re-include what earlier lines exclude. `!*.pem` after `*.pem`, or `!.env*`
    meant for `.env.example`, also brings back private keys and real `.env` files, and a
    `COPY . .` then bakes them into a layer. Only files that hold a secret (checked by content)
    are reported, at the exception line.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY . /app
    ```
    ```context
    .env.example = API_KEY=
    .env.production = API_KEY=sk_live_abc123
    .dockerignore = .env*\\n!.env*
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY . /app
    ```
    ```context
    .env.example = API_KEY=
    .env.production = API_KEY=sk_live_abc123
    .dockerignore = .env*\\n!.env.example
    ```

    ## Fix
    Make the exception name only the file you need (`!.env.example`), or move the secret out of
    the context and pass it with `RUN --mount=type=secret`.
    """
    build_context = ctx.build_context
    if build_context is None or not any(p.is_exception for p in build_context.ignore_patterns):
        return
    shown = shown_dockerignore(ctx, build_context)
    found: dict[int, list[str]] = {}
    budget = _WALK_LIMIT
    for relative, entry in build_context.walk(prune=lambda r, e: dev_folder(r, e) is not None):
        budget -= 1
        if budget <= 0:
            break
        if not entry.is_file(follow_symlinks=False):
            continue
        kind = secret_kind(relative, entry)
        if kind is None:
            continue
        index = _reincluding_exception(build_context, relative)
        if index is not None:
            found.setdefault(index, []).append(f"{relative} ({kind})")
    patterns = build_context.ignore_patterns
    for index, secrets in sorted(found.items()):
        yield Violation(
            f"'{patterns[index].text}' brings secret files back into the build context: {_names(secrets)}; "
            "narrow the exception to the files you need",
            line=patterns[index].line,
            column=1,
            file=shown,
        )
