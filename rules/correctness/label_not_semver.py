"""IL8032 label-not-semver."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import mistyped_message, typed_labels, value_problem
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8032",
    name="label-not-semver",
    family="correctness",
    severity="warning",
    hadolint=("DL3056",),
    instructions=("LABEL",),
)
def label_not_semver(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema types `semver` does not hold a semantic version.

    ## Why
    Semantic Versioning 2.0.0 is `MAJOR.MINOR.PATCH`, without leading zeros, optionally followed by
    `-pre.release` and `+build` parts: `1.4.2`, `2.0.0-rc.1`. `v1.4`, `1.4` and `1.4.2.7` are not, and
    tools that order versions by the rules of semver cannot order them.

    The rule only acts on labels you give this type in the label schema (`[label-schema]` in the
    config, `label-schema` in `.hadolint.yaml`, or `--require-label KEY=semver`); it judges the label
    the shipped image ends up with, and stays silent on a value that comes from a build argument,
    which only the build knows.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.version="v1.4"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.version" = "semver"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.version="1.4.0"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.version" = "semver"
    ```
    ```dockerfile
    FROM alpine:3.22
    ARG VALUE
    LABEL org.opencontainers.image.version=$VALUE
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.version" = "semver"
    ```

    ## Fix
    Write all three numbers, without a `v`.
    """
    for label in typed_labels(ctx, "semver"):
        problem = value_problem("semver", label.value)
        if problem:
            message = mistyped_message(label, problem)
            yield Violation(message, label.instruction, offset=label.offset, end_offset=label.end_offset)
