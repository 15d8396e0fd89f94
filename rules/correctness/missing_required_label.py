"""IL8025 missing-required-label."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import LABEL_TYPES, image_labels
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8025",
    name="missing-required-label",
    family="correctness",
    severity="info",
    hadolint=("DL3049",),
    instructions=("FROM",),
)
def missing_required_label(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """The image lacks a label the label schema requires.

    ## Why
    A label schema (`[label-schema]` in the config, `label-schema` in `.hadolint.yaml`, or
    `--require-label KEY=TYPE`) lists the labels every image of the project carries: where its
    source is, who maintains it, which revision it was built from. The rule reports each one the
    shipped image does not set, at the final stage's `FROM`. A label set in a stage the final
    stage is built `FROM` counts; one set only in a builder stage does not reach the image. Without
    a schema the rule does nothing.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    COPY app /usr/local/bin/app
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.source" = "url"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22 AS base
    LABEL org.opencontainers.image.source="https://example.com/app"
    FROM base
    COPY app /usr/local/bin/app
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.source" = "url"
    ```

    ## Fix
    Add a `LABEL` for it to the final stage (or a stage it is built `FROM`).
    """
    schema = ctx.options.label_schema
    final = ctx.final_stage
    if not schema or final is None:
        return
    present = image_labels(ctx)
    for key, kind in schema.items():
        if key in present or _set_from_build_argument(ctx, key):
            continue
        value = "..." if kind == "text" else f"... ({LABEL_TYPES[kind]})"
        yield Violation(
            f"the image has no label {key}, which the label schema requires; add LABEL {key}={value}",
            final.from_instruction,
        )


def _set_from_build_argument(ctx: LintContext, key: str) -> bool:
    """Whether a LABEL of the image has a key made of variables (``LABEL $KEY=x``): it may be this one."""
    return any(
        instruction.keyword == "LABEL" and any("$" in written for written, _ in instruction.key_values())
        for stage in ctx.final_lineage
        for instruction in stage.instructions
    )
