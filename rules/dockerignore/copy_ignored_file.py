"""IL3004 copy-ignored-file."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.buildcontext import BuildContext
from imagelint.context import LintContext
from imagelint.knowledge.context_sources import Source, context_copies
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.dockerignore.shared import shown_dockerignore


@rule(
    code="IL3004",
    name="copy-ignored-file",
    family="dockerignore",
    severity="warning",
    buildkit=("CopyIgnoredFile",),
    needs_context=True,
    instructions=("COPY", "ADD"),
)
def copy_ignored_file(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
            hits = build_context.line_hits(source.path)
            line = next((p for p, hit in zip(reversed(patterns), reversed(hits)) if hit and not p.is_exception), None)
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
    if build_context.is_dir(relative):
        return next(iter(build_context.walk(relative)), None) is not None
    if build_context.exists(relative):
        return False
    return _exception_may_apply(build_context, relative)


def _exception_may_apply(build_context: BuildContext, relative: str) -> bool:
    """Not on disk: whether a ``!`` line after the last line excluding this path could re-include
    something below it (``!src/*.py``, or a wildcard such as ``!*/keep``)."""
    patterns = build_context.ignore_patterns
    hits = build_context.line_hits(relative)
    last_exclusion = max((i for i, p in enumerate(patterns) if hits[i] and not p.is_exception), default=-1)
    prefix = relative.strip("/") + "/" if relative.strip("/") else ""
    for pattern in patterns[last_exclusion + 1 :]:
        if not pattern.is_exception:
            continue
        text = pattern.text[1:].lstrip("/")
        if text.startswith(prefix) or any(c in text.split("/", 1)[0] for c in "*?["):
            return True
    return False
