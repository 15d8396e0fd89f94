"""IL8027 empty-label."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import image_labels
from imagelint.rule import Rule, Violation, rule


@rule(code="IL8027", name="empty-label", family="correctness", severity="warning", hadolint=("DL3051",), instructions=("LABEL",))
def empty_label(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema lists is set to an empty value.

    ## Why
    An empty label satisfies "the label is present" while telling nothing: the schema asked for a
    value. Often it is a build argument nobody passed written literally as `""`. Only labels in
    the label schema are checked, and only the value the shipped image ends up with; a value that
    comes from a build argument is left to the build.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.version=""
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

    ## Fix
    Give the label its value, or take it out of the schema.
    """
    schema = ctx.options.label_schema
    if not schema:
        return  # only labels the schema types are checked: without one, the labels are not needed
    for key, label in image_labels(ctx).items():
        if key in schema and label.value == "":
            yield Violation(
                f"label {key} is empty; give it a value (the label schema types it {schema[key]})",
                label.instruction,
                offset=label.offset,
                end_offset=label.end_offset,
            )
