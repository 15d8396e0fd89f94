"""What COPY/ADD take from the build context, shared by the dockerignore and multi-stage rules.

A source is resolved the way BuildKit resolves it: ARG/ENV expanded with the scope in force,
then cleaned against the context root (``../x`` and ``/x`` both mean ``x``; ``.`` is the root).
Sources that are not context paths (``--from``, heredocs, ADD URLs and git references) are
left out, and so are sources whose variables have no value here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.records import Record
from imagelint.variables import expand

GLOB_CHARACTERS = frozenset("*?[")

# Files whose presence in a COPY says "this stage builds an application from source".
DEPENDENCY_MANIFESTS = frozenset(
    {
        "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json",
        "requirements.txt", "pyproject.toml", "setup.py", "setup.cfg", "pipfile", "pipfile.lock",
        "poetry.lock", "uv.lock", "gemfile", "gemfile.lock", "go.mod", "go.sum", "cargo.toml",
        "cargo.lock", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle",
        "settings.gradle.kts", "composer.json", "composer.lock", "mix.exs", "mix.lock",
        "package.swift", "build.sbt", "project.clj", "deps.edn", "stack.yaml",
    }
)  # fmt: skip
_MANIFEST_SUFFIXES = (".csproj", ".fsproj", ".vbproj", ".sln", ".cabal", ".gemspec")
# Cleaned sources that take every file: the root itself, and all of its entries.
_WHOLE_TREE = frozenset({"", "*"})


def clean_source(written: str) -> str:
    """A COPY/ADD source as BuildKit resolves it against the root it copies from: ``../x`` and
    ``/x`` both mean ``x``; "" is the root itself."""
    path = posixpath.normpath("/" + written).lstrip("/")
    return "" if path == "." else path


def is_whole_tree(written: str) -> bool:
    """``.``, ``./``, ``/``, ``*``: a source (as written) that takes the whole build context, or
    with ``--from`` the whole stage."""
    return clean_source(written) in _WHOLE_TREE


class Source(Record):
    """One context source of a COPY/ADD."""

    __slots__ = ("instruction", "written", "path", "offset")

    def __init__(
        self,
        instruction: Instruction,
        written: str,  # as written (quotes removed)
        path: str,  # cleaned, relative to the context root; "" is the whole context
        offset: int | None,  # where ``written`` starts in the instruction's value, when found
    ) -> None:
        self.instruction = instruction
        self.written = written
        self.path = path
        self.offset = offset

    @property
    def is_whole_context(self) -> bool:
        return self.path in _WHOLE_TREE

    @property
    def is_glob(self) -> bool:
        return any(ch in GLOB_CHARACTERS for ch in self.path)

    @property
    def is_manifest(self) -> bool:
        name = posixpath.basename(self.path).lower()
        return name in DEPENDENCY_MANIFESTS or name.startswith("requirements") or name.endswith(_MANIFEST_SUFFIXES)


def is_remote(source: str) -> bool:
    """ADD's URL and git sources."""
    return "://" in source or source.startswith("git@")


def remote_file_name(url: str) -> str:
    """The name ``ADD <url> <dir>/`` gives the file: the last segment of the URL's path, without
    its query or fragment (``https://example.com/dl/tool.sh?v=2`` -> ``tool.sh``); "" when the
    path names no file."""
    path = url.split("://", 1)[-1].split("#", 1)[0].split("?", 1)[0]
    return posixpath.basename(path) if "/" in path else ""


def context_sources(instruction: Instruction) -> list[Source]:
    """Context paths a COPY/ADD reads; empty for ``--from``, heredoc-only and remote sources."""
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
        return []
    words = instruction.words()
    if len(words) < 2:
        return []
    sources: list[Source] = []
    search_from = 0
    for written in words[:-1]:
        found = instruction.value.find(written, search_from)
        offset = found if found >= 0 else None
        if found >= 0:
            search_from = found + len(written)
        if written.startswith("<<") or (instruction.keyword == "ADD" and is_remote(written)):
            continue
        resolved = written
        if "$" in written:
            if instruction.scope is None:
                continue
            expansion = expand(written, instruction.scope)
            if expansion.undefined or "$" in expansion.text or not expansion.text:
                continue
            resolved = expansion.text
        sources.append(Source(instruction, written, clean_source(resolved), offset))
    return sources


def context_copies(ctx: LintContext) -> list[tuple[Instruction, list[Source]]]:
    """Every COPY/ADD (ONBUILD triggers excluded) with its context sources, when it has some."""
    return ctx.fact(_context_copies)  # several rules ask


def _context_copies(ctx: LintContext) -> list[tuple[Instruction, list[Source]]]:
    copies = []
    for instruction in ctx.of("COPY", "ADD"):
        sources = context_sources(instruction)
        if sources:
            copies.append((instruction, sources))
    return copies


def whole_context_copies(ctx: LintContext) -> Iterator[Instruction]:
    """COPY/ADD instructions that take the whole build context (``COPY . .``, ``ADD ./ /app``)."""
    for instruction, sources in context_copies(ctx):
        if any(source.is_whole_context for source in sources):
            yield instruction
