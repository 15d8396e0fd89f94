"""IL8014 legacy-key-value-format."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule


@rule(code="IL8014", name="legacy-key-value-format", family="correctness", severity="info", buildkit=("LegacyKeyValueFormat",))
def legacy_key_value_format(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`ENV key value` / `LABEL key value` without `=`: deprecated, and one instruction sets one variable only.

    ## Why
    In the legacy form everything after the first word is the value: `ENV A 1 B 2` sets `A` to
    `1 B 2`. BuildKit warns about it and documents it as deprecated.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV LANG C.UTF-8
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    ENV LANG=C.UTF-8 LC_ALL=C.UTF-8
    LABEL org.opencontainers.image.title="my app"
    ```

    ## Fix
    Write `ENV key=value` (quote values with spaces); the suggested fix does that.
    """
    for instruction in ctx.instructions:
        target = instruction.trigger if instruction.keyword == "ONBUILD" and instruction.trigger else instruction
        if not target.is_legacy_key_value:
            continue
        pairs = target.key_values()
        fix = None
        if len(pairs) == 1 and not any(c in pairs[0][1] for c in "\"'\\\n"):
            key, value = pairs[0]
            prefix = "ONBUILD " if target is not instruction else ""
            shown = f'"{value}"' if " " in value or not value else value
            fix = f"{prefix}{target.keyword} {key}={shown}"
        yield Violation(
            f"'{target.keyword} key value' is the deprecated legacy form; write {target.keyword} "
            f"{pairs[0][0] if pairs else 'key'}=value",
            target,
            fix=fix,
        )
