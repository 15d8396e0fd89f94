"""IL8028 label-not-url."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import mistyped_message, typed_labels, value_problem
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8028",
    name="label-not-url",
    family="correctness",
    severity="warning",
    hadolint=("DL3052",),
    instructions=("LABEL",),
)
def label_not_url(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label the label schema types `url` does not hold an absolute URL.

    ## Why
    Tools that read the label (registries' web pages, scanners, `docker inspect` users) follow it as
    a link; `example.com/project` or `git@host:repo.git` is not one. The value must be an absolute
    URI (RFC 3986): a scheme such as `https:`, no spaces or non-ASCII characters, valid `%` escapes,
    and a host for http, https, ftp, git and ssh URLs.

    The rule only acts on labels you give this type in the label schema (`[label-schema]` in the
    config, `label-schema` in `.hadolint.yaml`, or `--require-label KEY=url`); it judges the label
    the shipped image ends up with, and stays silent on a value that comes from a build argument,
    which only the build knows.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.url="example.com/project"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.url" = "url"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.url="https://example.com/project"
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.url" = "url"
    ```
    ```dockerfile
    FROM alpine:3.22
    ARG VALUE
    LABEL org.opencontainers.image.url=$VALUE
    ```
    ```toml
    [label-schema]
    "org.opencontainers.image.url" = "url"
    ```

    ## Fix
    Write the full URL, scheme included.
    """
    for label in typed_labels(ctx, "url"):
        problem = value_problem("url", label.value)
        if problem:
            message = mistyped_message(label, problem)
            yield Violation(message, label.instruction, offset=label.offset, end_offset=label.end_offset)
