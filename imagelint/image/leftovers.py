"""Files nobody needs at run time: package-manager caches and lists, bytecode caches, VCS folders,
temporary files. Each kind has a category, the folder it lives in, and what to do about it."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LeftoverKind:
    category: str
    description: str  # what it is, as a message fragment: "apt package lists"
    remedy: str  # what to do, in the RUN that made it
    pattern: re.Pattern[str]  # group "root" is the folder reported


def _kind(category: str, description: str, remedy: str, pattern: str) -> LeftoverKind:
    return LeftoverKind(category, description, remedy, re.compile(pattern))


# Order matters: the first match wins (pip's cache is a cache, not "a hidden folder").
KINDS: tuple[LeftoverKind, ...] = (
    _kind("apt-lists", "apt package lists", "run 'rm -rf /var/lib/apt/lists/*' after apt-get install",
          r"^(?P<root>var/lib/apt/lists)/(?!lock$)"),
    _kind("apt-cache", "apt's package cache", "run 'apt-get clean' (or mount a cache with RUN --mount=type=cache)",
          r"^(?P<root>var/cache/apt)/"),
    _kind("apk-cache", "apk's package cache", "use 'apk add --no-cache'", r"^(?P<root>var/cache/apk)/"),
    _kind("yum-cache", "yum/dnf caches", "run 'yum clean all' / 'dnf clean all' (or rm -rf /var/cache/dnf)",
          r"^(?P<root>var/cache/(?:yum|dnf))/"),
    _kind("zypper-cache", "zypper's package cache", "run 'zypper clean --all'", r"^(?P<root>var/cache/zypp)/"),
    _kind("pip-cache", "pip's download cache", "use 'pip install --no-cache-dir'",
          r"^(?P<root>(?:root|home/[^/]+)/\.cache/pip)/"),
    _kind("npm-cache", "npm's cache", "run 'npm cache clean --force' (or use RUN --mount=type=cache)",
          r"^(?P<root>(?:root|home/[^/]+)/\.npm)/"),
    _kind("yarn-cache", "yarn's cache", "run 'yarn cache clean'",
          r"^(?P<root>(?:(?:root|home/[^/]+)/\.cache/yarn|usr/local/share/\.cache/yarn))/"),
    _kind("go-cache", "Go's build cache", "use RUN --mount=type=cache,target=/root/.cache/go-build",
          r"^(?P<root>(?:root|home/[^/]+)/\.cache/go-build)/"),
    _kind("pycache", "Python bytecode caches", "set PYTHONDONTWRITEBYTECODE=1 or delete __pycache__ folders",
          r"^(?P<root>(?:.*/)?__pycache__)/"),
    _kind("git", "a .git folder", "add .git to .dockerignore (or do not clone inside the image)",
          r"^(?P<root>(?:.*/)?\.git)/"),
    _kind("temp", "temporary files", "delete them in the RUN that created them",
          r"^(?P<root>(?:var/)?tmp)/"),
)


@dataclass(frozen=True, slots=True)
class LeftoverMatch:
    kind: LeftoverKind
    root: str  # the folder to report, relative: "var/lib/apt/lists"


# All the patterns at once, to turn away the many paths that are no leftover with one match, not 13.
_ANY = re.compile("|".join(f"(?:{kind.pattern.pattern.replace('(?P<root>', '(?:')})" for kind in KINDS))


def match(path: str) -> LeftoverMatch | None:
    """The leftover kind a file path belongs to, if any (``path`` is relative, as in a layer tar)."""
    if not _ANY.match(path):
        return None
    for kind in KINDS:
        found = kind.pattern.match(path)
        if found:
            return LeftoverMatch(kind, found.group("root"))
    return None


# The names whose files can match differently from the other files of their folder: apt's
# ``lists/lock`` is no list. Every other pattern stops at a slash, so it cannot see a file's name.
OWN_RULE_NAMES = frozenset({"lock"})


def match_directory(directory: str) -> LeftoverMatch | None:
    """What :func:`match` says of every file directly in ``directory`` (relative; ``""`` for the
    root) whose name is not in :data:`OWN_RULE_NAMES`: asked once per folder, not per file."""
    return match(directory + "/") if directory else None


def by_category(category: str) -> LeftoverKind:
    return next(kind for kind in KINDS if kind.category == category)
