"""IL8029 label-not-rfc3339."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import mistyped_message, typed_labels, value_problem
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8029",
    name="label-not-rfc3339",
    family="correctness",
    severity="warning",
    hadolint=("DL3053",),
    instructions=("LABEL",),
)
def label_not_rfc3339(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema types `rfc3339` does not hold an RFC 3339 date and time.

    ## Why
    The OCI annotation `org.opencontainers.image.created` and tools that sort or compare build
    times expect RFC 3339's `date-time`: `2024-05-01T12:00:00Z`, with a `T`, seconds, and `Z` or an
    offset such as `+02:00` (fractions of a second are allowed). A date alone, a space instead of
    the `T`, or `+0200` is not that format.

    The rule only acts on labels you give this type in the label schema (`[label-schema]` in the
    config, `label-schema` in `.hadolint.yaml`, or `--require-label KEY=rfc3339`); it judges the label
    the shipped image ends up with, and stays silent on a value that comes from a build argument,
    which only the build knows.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.created="2024-05-01 12:00"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.created" = "rfc3339"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.created="2024-05-01T12:00:00Z"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.created" = "rfc3339"
    ```
    ```dockerfile
    FROM alpine:3.22
    ARG VALUE
    LABEL org.opencontainers.image.created=$VALUE
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.created" = "rfc3339"
    ```

    ## Fix
    Write the time as `date -u +%Y-%m-%dT%H:%M:%SZ` prints it, usually through a build argument
    (`--build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)`).
    """
    for label in typed_labels(ctx, "rfc3339"):
        problem = value_problem("rfc3339", label.value)
        if problem:
            message = mistyped_message(label, problem)
            yield Violation(message, label.instruction, offset=label.offset, end_offset=label.end_offset)
