"""IL3006 dockerignore-pattern-matches-nothing."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.context_files import dev_folder
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.dockerignore.shared import WALK_LIMIT, shown_dockerignore


@rule(code="IL3006", name="dockerignore-pattern-matches-nothing", family="dockerignore", severity="warning", needs_context=True)
def dockerignore_pattern_matches_nothing(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
    budget = WALK_LIMIT

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
