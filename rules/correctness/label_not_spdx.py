"""IL8030 label-not-spdx."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import mistyped_message, typed_labels, value_problem
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8030",
    name="label-not-spdx",
    family="correctness",
    severity="warning",
    hadolint=("DL3054",),
    instructions=("LABEL",),
)
def label_not_spdx(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema types `spdx` does not hold an SPDX license expression.

    ## Why
    License scanners read `org.opencontainers.image.licenses` as an SPDX license expression: one
    identifier from the SPDX license list (`MIT`, `Apache-2.0`, `GPL-2.0-only`) or several joined by
    `AND`, `OR` and `WITH` (`MIT OR Apache-2.0`), or `LicenseRef-...` for a license of your own.
    Identifiers match without regard to case, as the SPDX specification says. `Apache 2.0` or
    `BSD` names no license precisely.

    The rule only acts on labels you give this type in the label schema (`[label-schema]` in the
    config, `label-schema` in `.hadolint.yaml`, or `--require-label KEY=spdx`); it judges the label
    the shipped image ends up with, and stays silent on a value that comes from a build argument,
    which only the build knows.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.licenses="Apache 2.0"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.licenses" = "spdx"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.licenses="Apache-2.0"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.licenses" = "spdx"
    ```
    ```dockerfile
    FROM alpine:3.22
    ARG VALUE
    LABEL org.opencontainers.image.licenses=$VALUE
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.licenses" = "spdx"
    ```

    ## Fix
    Use the identifier from the SPDX license list (spdx.org/licenses).
    """
    for label in typed_labels(ctx, "spdx"):
        problem = value_problem("spdx", label.value)
        if problem:
            message = mistyped_message(label, problem)
            yield Violation(message, label.instruction, offset=label.offset, end_offset=label.end_offset)
