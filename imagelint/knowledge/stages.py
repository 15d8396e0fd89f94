"""Facts for the multi-stage rules: stage-name positions, which stages a build may need, what the
final image is made of, and how to tell an application image from a toolchain or CI image."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import ImageRef, Instruction, Stage
from imagelint.knowledge.context_sources import context_sources
from imagelint.knowledge.package_managers import BUILD_TOOL_COMMANDS
from imagelint.knowledge.variable_references import expand_defined
from imagelint.lazy_pattern import LazyPattern
from imagelint.shell import SHELLS

_DEV_ENVIRONMENT = re.compile(r"\b(?:dev|development)[ -]environment\b", re.IGNORECASE)
_AS_NAME = LazyPattern(r"\S+\s+[aA][sS]\s+(\S+)")
_VARIABLE = LazyPattern(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")

# Folders and source files whose COPY says "this stage builds an application from source".
_SOURCE_DIRS = frozenset(
    {"src", "app", "apps", "lib", "cmd", "pkg", "internal", "server", "client", "web", "api",
     "frontend", "backend", "services", "source"}
)  # fmt: skip
_SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".ts", ".go", ".rs", ".java", ".kt", ".rb", ".php", ".cs", ".c", ".cpp")

# Stage names that announce a development, test or CI image rather than the shipped one.
_DEV_STAGE_NAMES = frozenset(
    {"dev", "devel", "develop", "development", "test", "tests", "testing", "debug", "ci", "lint"}
)  # fmt: skip

# ENTRYPOINT/CMD programs that offer a toolchain rather than run an application.
_TOOL_ENTRYPOINTS = BUILD_TOOL_COMMANDS | frozenset(
    {"go", "rustc", "gcc", "g++", "make", "cmake", "dotnet", "javac", "jshell", "java", "swift", "ghc", "stack",
     "cabal", "mix", "lein", "sbt", "bazel"}
)  # fmt: skip


def stage_name_offset(stage: Stage) -> tuple[int | None, int | None]:
    """(start, end) of the ``AS name`` word in the FROM value, or (None, None)."""
    match = _AS_NAME.match(stage.from_instruction.value)
    return (match.start(1), match.end(1)) if match else (None, None)


def from_value(instruction: Instruction) -> str | None:
    """A COPY/ADD ``--from`` value with ARG/ENV expanded; None when a variable has no value."""
    value = instruction.flag("from")
    return None if value is None else expand_defined(value, instruction.scope)


def _wildcard(reference: str) -> re.Pattern[str]:
    """A stage reference with each variable as a wildcard: ``build-${TARGETARCH}`` -> ``build-.*``."""
    return re.compile(".*".join(re.escape(part) for part in _VARIABLE.split(reference.lower())))


def _variable_references(stage: Stage) -> Iterator[str]:
    """References to other stages that hold a variable and may name a stage (not an image)."""
    base = stage.base
    if "$" in base.raw and not (base.registry or base.tag or base.digest or "/" in base.resolved):
        yield base.raw
    for instruction in stage.instructions:
        value = instruction.flag("from") if instruction.keyword in ("COPY", "ADD") else None
        if value and "$" in value:
            expanded = from_value(instruction)
            if expanded is None or not any(ch in expanded for ch in ":/@"):
                yield value
        yield from (m.from_stage for m in instruction.mounts() if m.from_stage and "$" in m.from_stage)


def possibly_used_stages(ctx: LintContext) -> set[int]:
    """Stages a default build (of the last stage) may need, counting every stage a variable could
    name: ``FROM app-${VARIANT}`` may use ``app-dev`` and ``app-prod``, since ARGs can be overridden."""
    stages = ctx.stages
    seen: set[int] = set()
    todo = [len(stages) - 1] if stages else []
    while todo:
        index = todo.pop()
        if index in seen:
            continue
        seen.add(index)
        todo.extend(ctx.stage_dependencies.get(index, ()))
        for reference in _variable_references(stages[index]):
            if not _VARIABLE.sub("", reference):
                todo.extend(s.index for s in stages)  # ``--from=$STAGE``: any stage, by name or index
            else:
                pattern = _wildcard(reference)
                todo.extend(s.index for s in stages if s.name and pattern.fullmatch(s.name))
    return seen


def root_image(chain: list[Stage]) -> ImageRef | None:
    """The external image at the bottom of a stage chain."""
    return chain[-1].base if chain else None


def is_dev_container(ctx: LintContext, chain: list[Stage]) -> bool:
    """Development containers (VS Code devcontainers, "the dev environment" images, dev/test
    targets) ship their tools on purpose."""
    if "devcontainer" in ctx.dockerfile.path.lower():
        return True
    if ctx.fact(_comments_mention_dev_environment):
        return True
    base = root_image(chain)
    if base is not None and ("devcontainers" in base.repository or "vscode" in base.repository):
        return True
    return bool(chain) and chain[0].name in _DEV_STAGE_NAMES


def _comments_mention_dev_environment(ctx: LintContext) -> bool:
    # One search over the comments joined: no match can span the newline between two of them.
    return _DEV_ENVIRONMENT.search("\n".join(comment.text for comment in ctx.dockerfile.comments)) is not None


def copies_application_source(chain: list[Stage], *, source_files: bool = True) -> Instruction | None:
    """The COPY that brings an application's source into these stages: the whole context, a
    dependency manifest (package.json, go.mod, requirements.txt...), a source folder, or (with
    ``source_files``) single source files."""
    for stage in reversed(chain):
        for instruction in stage.instructions:
            for source in context_sources(instruction):
                top = source.path.split("/", 1)[0]
                if (
                    source.is_whole_context
                    or source.is_manifest
                    or top.lower() in _SOURCE_DIRS
                    or (source_files and source.path.endswith(_SOURCE_SUFFIXES))
                ):
                    return instruction
    return None


def entry_command(chain: list[Stage]) -> list[str] | None:
    """The argv the image starts with: its ENTRYPOINT, else its CMD, nearest stage first."""
    for stage in chain:
        for keyword in ("ENTRYPOINT", "CMD"):
            found = [i for i in stage.instructions if i.keyword == keyword]
            if found and found[-1].words():
                return found[-1].words()
    return None


def start_command(chain: list[Stage]) -> tuple[list[str] | None, list[str] | None]:
    """(ENTRYPOINT, CMD) the image starts with, as far as these stages say (None: left to the base image).

    The nearest stage that sets either decides; an ENTRYPOINT set in a stage drops the CMD of the
    stages (and image) below it, as ``docker build`` does, while a CMD alone keeps the ENTRYPOINT below.
    """
    cmd: list[str] | None = None
    for stage in chain:
        entrypoints = [i for i in stage.instructions if i.keyword == "ENTRYPOINT"]
        cmds = [i for i in stage.instructions if i.keyword == "CMD"]
        if cmd is None and cmds:
            cmd = cmds[-1].words()
        if entrypoints:
            return entrypoints[-1].words(), cmd if cmd is not None else []
    return None, cmd


def runs_an_application(argv: list[str]) -> bool:
    """Whether an ENTRYPOINT/CMD starts a program rather than offering the toolchain itself.

    ``["bash"]``, ``["/bin/bash", "-i", "-c"]``, ``["mvn"]`` or ``["go.bash"]`` are toolchain or CI
    images; ``["./server"]``, ``["go", "run", "."]`` or ``["dotnet", "app.dll"]`` run an application.
    """
    program = posixpath.basename(argv[0])
    rest = argv[1:]
    if program in SHELLS:
        return "-c" in rest and any(not arg.startswith("-") for arg in rest[rest.index("-c") + 1 :])
    if program.split(".", 1)[0] in _TOOL_ENTRYPOINTS:
        return any("run" in arg.lower() or arg.endswith((".dll", ".jar")) or arg == "-jar" for arg in rest)
    return True


def is_application_image(ctx: LintContext, chain: list[Stage], *, source_files: bool = True) -> bool:
    """The final image is an application: it copies the app's source and its ENTRYPOINT/CMD runs
    a program. CI and toolchain images (no CMD, ``bash``, ``mvn``, ``go.bash``), official base
    images (they copy only an entrypoint script) and dev containers are not."""
    if not chain or is_dev_container(ctx, chain):
        return False
    argv = entry_command(chain)
    if argv is None or not runs_an_application(argv):
        return False
    return copies_application_source(chain, source_files=source_files) is not None
