"""IL8031 label-not-git-hash."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import mistyped_message, typed_labels, value_problem
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8031",
    name="label-not-git-hash",
    family="correctness",
    severity="warning",
    hadolint=("DL3055",),
    instructions=("LABEL",),
)
def label_not_git_hash(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema types `hash` does not hold a git commit hash.

    ## Why
    A revision label is there to say exactly which commit an image was built from; a branch name or
    a tag can move. A git object name is 7 to 40 lower-case hex digits as git prints it (abbreviated
    names grow past 7 in large repositories), or 64 in a SHA-256 repository.

    The rule only acts on labels you give this type in the label schema (`[label-schema]` in the
    config, `label-schema` in `.hadolint.yaml`, or `--require-label KEY=hash`); it judges the label
    the shipped image ends up with, and stays silent on a value that comes from a build argument,
    which only the build knows.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.revision="main"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.revision" = "hash"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.revision="4f2c1e9"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.revision" = "hash"
    ```
    ```dockerfile
    FROM alpine:3.22
    ARG VALUE
    LABEL org.opencontainers.image.revision=$VALUE
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.revision" = "hash"
    ```

    ## Fix
    Pass the commit in a build argument: `--build-arg REVISION=$(git rev-parse HEAD)`.
    """
    for label in typed_labels(ctx, "hash"):
        problem = value_problem("hash", label.value)
        if problem:
            message = mistyped_message(label, problem)
            yield Violation(message, label.instruction, offset=label.offset, end_offset=label.end_offset)
