"""IL8026 label-not-in-schema."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import image_labels
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8026",
    name="label-not-in-schema",
    family="correctness",
    severity="info",
    hadolint=("DL3050",),
    instructions=("LABEL",),
)
def label_not_in_schema(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """With `strict-labels`, the image carries a label the label schema does not list.

    ## Why
    `strict-labels = true` (or `--strict-labels`, or hadolint's `strict-labels: true`) says the
    label schema is the complete list of the image's labels, so a typo (`org.opencontainers.image.sources`)
    or a leftover label is caught. Each label of the shipped image outside the schema is reported
    where it is set; builder stages' labels never reach the image and are not. Off unless
    `strict-labels` is on.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.source="https://example.com/app" build-host="ci-7"
    ```
    ```toml
    strict-labels = true
    [label-schema]
    "org.opencontainers.image.source" = "url"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.source="https://example.com/app"
    ```
    ```toml
    strict-labels = true
    [label-schema]
    "org.opencontainers.image.source" = "url"
    ```

    ## Fix
    Remove the label, or add it to the label schema.
    """
    if not ctx.options.strict_labels:
        return
    schema = ctx.options.label_schema
    for key, label in image_labels(ctx).items():
        if key not in schema:
            yield Violation(
                f"label {key} is not in the label schema and strict-labels is on; remove it or add it to the schema",
                label.instruction,
                offset=label.offset,
                end_offset=label.end_offset,
            )
