"""Helpers that two or more dockerignore rules share.

Rules about the build context: what `docker build` sends, what COPY takes from it, and the
`.dockerignore` that decides both.

They need the context on disk: `--context DIR`, or by default the Dockerfile's folder. Rules that
judge whether a path *exists* do so only when that folder really looks like the context (see
IL3005), because Dockerfiles are often built from a parent folder (`docker build -f docker/Dockerfile .`).
"""

from __future__ import annotations

import os

from imagelint.buildcontext import BuildContext
from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.knowledge.context_files import DevFolder, dev_folder, git_remote_credentials, secret_kind
from imagelint.knowledge.context_sources import context_copies

WALK_LIMIT = 50_000  # context entries looked at per Dockerfile, to stay fast on huge trees


def shown_dockerignore(ctx: LintContext, build_context: BuildContext) -> str:
    """The .dockerignore path as users should see it: relative to the Dockerfile's shown path."""
    path = build_context.dockerignore_path
    assert path is not None
    if ctx.dockerfile_path is None:
        return str(path)
    relative = os.path.relpath(path, ctx.dockerfile_path.parent)
    return os.path.normpath(os.path.join(os.path.dirname(ctx.dockerfile.path), relative))


class ContextScan:
    """What the directory COPYs of a Dockerfile bring in: found once, read by several rules."""

    __slots__ = ("secrets", "folders")

    def __init__(self) -> None:
        self.secrets: dict[str, tuple[Instruction, str]] = {}  # path -> (COPY, kind)
        self.folders: dict[str, tuple[Instruction, DevFolder]] = {}


def scan_context(ctx: LintContext) -> ContextScan:
    """Walk the context folders the COPYs bring in (rules ask through ``ctx.fact(scan_context)``)."""
    scan = ContextScan()
    build_context = ctx.build_context
    if build_context is None:
        return scan  # stdin input or no context folder: nothing to walk
    walked: list[str] = []
    budget = WALK_LIMIT
    for instruction, sources in context_copies(ctx):
        excludes = instruction.flag_values("exclude")
        for source in sources:
            if source.is_glob or not build_context.is_dir(source.path):
                continue
            if any(source.path == w or source.path.startswith(w + "/") or w == "" for w in walked):
                continue  # an earlier COPY already brought this folder in
            if source.path and dev_folder_at(build_context, source.path) is not None:
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


def dev_folder_at(build_context: BuildContext, relative: str) -> DevFolder | None:
    parent = build_context.root / os.path.dirname(relative)
    try:
        with os.scandir(parent) as entries:
            entry = next((e for e in entries if e.name == os.path.basename(relative)), None)
    except OSError:
        return None
    return dev_folder(relative, entry) if entry is not None else None


def reincluding_exception(build_context: BuildContext, relative: str) -> int | None:
    """Index of the ``!`` pattern that brings back a path the lines above it exclude, if any."""
    patterns = build_context.ignore_patterns
    if not any(p.is_exception for p in patterns) or relative.strip("/") in ("", "."):
        return None
    # Whether the lines up to each one exclude the path (last match wins), in one pass over the
    # lines rather than matching every prefix of them again (quadratic in the number of lines).
    excluded = False
    found = None
    for index, (pattern, hit) in enumerate(zip(patterns, build_context.line_hits(relative))):
        before = excluded
        if hit:
            excluded = not pattern.is_exception
        if pattern.is_exception and before and not excluded:
            found = index
    return found


def list_names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
