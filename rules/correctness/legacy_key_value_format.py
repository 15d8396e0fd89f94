"""IL8014 legacy-key-value-format."""

from __future__ import annotations

from collections.abc import Iterator

import re

from imagelint.context import LintContext
from imagelint.dockerfile import Dockerfile, Instruction
from imagelint.edits import insert_after, replace_value
from imagelint.fixes import Fix
from imagelint.rule import Rule, Violation, rule

_KEY_AND_VALUE = re.compile(r"(\S+)(\s+)(.*\S)", re.DOTALL)


@rule(
    code="IL8014",
    name="legacy-key-value-format",
    family="correctness",
    severity="info",
    buildkit=("LegacyKeyValueFormat",),
    fixes=("safe",),
    instructions=("ENV", "LABEL"),
)
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
    Write `ENV key=value` (quote values with spaces). `imagelint fix` does that: the blank after
    the key becomes `=`, and a value with blanks gets double quotes around it. It is safe: the
    variable (or label) gets the same value, `$VAR` references expand the same way inside double
    quotes. When the key or value holds quotes, a backslash or the escape character (which the two
    forms read differently), or the key and value are on different lines, the new form is only
    suggested.
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
            fix=_key_equals_value(ctx.dockerfile, target) or fix,
        )


def _key_equals_value(dockerfile: Dockerfile, instruction: Instruction) -> Fix | None:
    """``KEY=value`` (``KEY="value with blanks"``) in place of ``KEY value``, or None when the
    rewrite would not be exact. The legacy value is everything after the first blank, which
    BuildKit then expands as one word: quotes and escapes in it would read differently once the
    value is inside quotes, so those are left alone."""
    match = _KEY_AND_VALUE.fullmatch(instruction.value)
    if match is None:
        return None
    key, value = match.group(1), match.group(3)
    if any(c in key + value for c in ("\"", "'", "\\", "\n", dockerfile.escape)):
        return None
    key_line, _ = instruction.position(match.start(1))
    value_line, _ = instruction.position(match.start(3))
    if key_line != value_line:
        return None
    quote = '"' if any(c.isspace() for c in value) else ""
    edits = [replace_value(instruction, match.start(2), match.end(2), "=" + quote)]
    if quote:
        edits.append(insert_after(instruction, match.end(3), quote))
    shown = f"{key}={quote}{value}{quote}"
    return Fix(f"write {instruction.keyword} {shown}", "safe", tuple(edits))
