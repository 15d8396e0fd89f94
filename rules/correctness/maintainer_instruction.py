"""IL8004 maintainer-instruction."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.edits import insert_after, insert_in_value, replace_keyword
from imagelint.fixes import Fix
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import keyword_cased

LABEL = "org.opencontainers.image.authors"


@rule(
    code="IL8004",
    name="maintainer-instruction",
    family="correctness",
    severity="warning",
    hadolint=("DL4000",),
    buildkit=("MaintainerDeprecated",),
    checkov=("CKV_DOCKER_6",),
    fixes=("safe",),
    instructions=("MAINTAINER",),
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
    `imagelint fix` rewrites it to `LABEL org.opencontainers.image.authors="..."` with the same
    text, keeping the instruction's layout (continuation lines, comments). The fix is safe: it only
    moves metadata, from the image config's deprecated `Author` field to the label; what the
    image runs is unchanged. When the text holds `"`, `$` or the escape character (which the
    quoted LABEL value would read differently) the label is only suggested.
    """
    for instruction in ctx.of("MAINTAINER"):
        yield Violation(
            "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors instead",
            instruction,
            fix=_to_label(instruction, ctx.dockerfile.escape),
        )


def _to_label(instruction: Instruction, escape: str) -> Fix | str:
    """``LABEL org.opencontainers.image.authors="<the same text>"``: the keyword replaced, the label
    name and quotes put around the value where it is written. MAINTAINER takes its text as is,
    while a LABEL value is unquoted and expanded, hence the quotes and the characters refused."""
    author = instruction.value.strip()
    quoted = author.replace('"', '\\"')
    advice = f'LABEL {LABEL}="{quoted}"'
    if not author or any(c in author for c in ('"', "$", "\\", escape)):
        return advice
    start = len(instruction.value) - len(instruction.value.lstrip())
    end = start + len(author)
    edits = (
        replace_keyword(instruction, keyword_cased(instruction, "LABEL")),
        insert_in_value(instruction, start, f'{LABEL}="'),
        insert_after(instruction, end, '"'),
    )
    return Fix(f'replace MAINTAINER with LABEL {LABEL}="{author}"', "safe", edits)

