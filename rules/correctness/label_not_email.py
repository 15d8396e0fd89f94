"""IL8033 label-not-email."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import mistyped_message, typed_labels, value_problem
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8033",
    name="label-not-email",
    family="correctness",
    severity="warning",
    hadolint=("DL3058",),
    instructions=("LABEL",),
)
def label_not_email(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema types `email` does not hold an email address.

    ## Why
    The label exists so that someone can write to the people behind the image. The value must be an
    RFC 5322 mailbox: `jane@example.com`, or `Jane Doe <jane@example.com>`.

    The rule only acts on labels you give this type in the label schema (`[label-schema]` in the
    config, `label-schema` in `.hadolint.yaml`, or `--require-label KEY=email`); it judges the label
    the shipped image ends up with, and stays silent on a value that comes from a build argument,
    which only the build knows.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL maintainer="Jane Doe"
    ```
    ```toml
    [label-schema]
    "maintainer" = "email"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL maintainer="Jane Doe <jane@example.com>"
    ```
    ```toml
    [label-schema]
    "maintainer" = "email"
    ```
    ```dockerfile
    FROM alpine:3.22
    ARG VALUE
    LABEL maintainer=$VALUE
    ```
    ```toml
    [label-schema]
    "maintainer" = "email"
    ```

    ## Fix
    Write the address, optionally after a name with the address in angle brackets.
    """
    for label in typed_labels(ctx, "email"):
        problem = value_problem("email", label.value)
        if problem:
            message = mistyped_message(label, problem)
            yield Violation(message, label.instruction, offset=label.offset, end_offset=label.end_offset)
