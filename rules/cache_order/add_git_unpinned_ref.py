"""IL1005 add-git-unpinned-ref."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.steps import expand_word, is_git_source
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.cache_order.shared import adds, violation_at

_MOVING_REFS = frozenset({"main", "master", "develop", "development", "dev", "trunk", "head", "latest", "stable", "next", "nightly"})


def _git_ref(source: str) -> tuple[str | None, bool]:
    """(ref, pinned by a query ``checksum``/``commit``) of an ADD git source."""
    base, _, fragment = source.partition("#")
    ref = fragment.split(":", 1)[0] or None
    query = base.partition("?")[2]
    params = dict(part.partition("=")[::2] for part in query.split("&") if part)
    if params.get("checksum") or params.get("commit"):
        return ref, True
    return ref or params.get("ref") or params.get("tag") or params.get("branch"), False


@rule(code="IL1005", name="add-git-unpinned-ref", family="cache-order", severity="warning", instructions=("ADD",))
def add_git_unpinned_ref(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
    for instruction, source, offset, step in adds(ctx):
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
        yield violation_at(
            instruction,
            f"ADD of {source} follows {what}: every push changes what the build gets; pin a tag or commit "
            f"(#v1.2.3) or add --checksum=<commit>",
            source,
            offset,
        )
