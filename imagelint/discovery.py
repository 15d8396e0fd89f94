"""Which files a ``lint`` run looks at: the paths given, and Dockerfiles found below directories."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
# Folders that never hold the project's own Dockerfiles, only tools' or dependencies' copies.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".terraform",
    }
)
# Found in a directory walk these are templates or ignore files, not Dockerfiles; named
# explicitly on the command line they are still linted.
NOT_DOCKERFILE_SUFFIXES = (
    ".dockerignore", ".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".erb", ".in", ".m4",
    ".orig", ".bak", ".swp", ".md", ".txt",
)


@dataclass(frozen=True, slots=True)
class Target:
    path: Path | None  # None: standard input
    shown: str  # the name used in reports


class DiscoveryError(Exception):
    pass


def is_dockerfile_name(name: str) -> bool:
    if name.lower().endswith(NOT_DOCKERFILE_SUFFIXES):
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def discover(paths: list[str]) -> tuple[list[Target], list[str]]:
    """Targets to lint, and one error message per path that gave nothing to lint."""
    targets: list[Target] = []
    errors: list[str] = []
    seen: set[str] = set()
    for given in paths or ["."]:
        if given == "-":
            targets.append(Target(None, "-"))
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(_walk(path))
            if not found:
                errors.append(f"{given}: no Dockerfile found in this directory (looked for {', '.join(DOCKERFILE_PATTERNS)})")
            for file in found:
                key = os.path.normpath(file)
                if key not in seen:
                    seen.add(key)
                    targets.append(Target(file, _display(file)))
        elif path.exists():
            key = os.path.normpath(path)
            if key not in seen:
                seen.add(key)
                targets.append(Target(path, given))
        else:
            errors.append(f"{given}: no such file or directory")
    return targets, errors


def _walk(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in filenames:
            if is_dockerfile_name(name):
                yield Path(dirpath) / name


def _display(path: Path) -> str:
    """Paths relative to the current directory when below it, as users expect in CI logs."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
