"""IL8004 maintainer-instruction."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8004",
    name="maintainer-instruction",
    family="correctness",
    severity="warning",
    hadolint=("DL4000",),
    buildkit=("MaintainerDeprecated",),
    checkov=("CKV_DOCKER_6",),
)
def maintainer_instruction(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """MAINTAINER is deprecated: use a LABEL.

    ## Why
    MAINTAINER only fills a deprecated image-config field that tools no longer read. The OCI label
    `org.opencontainers.image.authors` is what registries and scanners show.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```

    ## Fix
    Replace it with `LABEL org.opencontainers.image.authors="..."` (the suggested fix does that).
    """
    for instruction in ctx.of("MAINTAINER"):
        author = instruction.value.strip().replace('"', '\\"')
        yield Violation(
            "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors instead",
            instruction,
            fix=f'LABEL org.opencontainers.image.authors="{author}"',
        )
