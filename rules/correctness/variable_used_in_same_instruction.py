"""IL8013 variable-used-in-same-instruction."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.variable_references import references, with_scope_before
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import pairs_defined
from imagelint.variables import Scope, expand


def _raw_pairs(value: str) -> list[tuple[str, int, int]]:
    """``A=1 B="x $A"`` -> [(name, value start, value end)] with offsets into the raw value."""
    pairs: list[tuple[str, int, int]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and value[i].isspace():
            i += 1
        start = i
        quote = ""
        while i < n and (quote or not value[i].isspace()):
            ch = value[i]
            if ch == "\\" and i + 1 < n:
                i += 2
                continue
            if quote and ch == quote:
                quote = ""
            elif not quote and ch in "\"'":
                quote = ch
            i += 1
        word = value[start:i]
        name, eq, _ = word.partition("=")
        if eq and name:
            pairs.append((name, start + len(name) + 1, i))
    return pairs


def _keeps_value(name: str, new_value: str | None, scope: Scope) -> bool:
    """``ENV V=$V`` (promoting an ARG) or re-setting the same value: old and new value are equal."""
    if new_value is None:
        return True
    if new_value.strip("\"'") in (f"${name}", f"${{{name}}}"):
        return True
    old = scope.lookup(name)
    return old is not None and old == expand(new_value, scope).text


@rule(
    code="IL8013",
    name="variable-used-in-same-instruction",
    family="correctness",
    severity="warning",
    hadolint=("DL3044",),
    instructions=("ENV", "ARG"),
    mentions=("$",),
)
def variable_used_in_same_instruction(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An ENV or ARG uses a variable that the same instruction sets: it gets the old value, not the new one.

    ## Why
    The builder expands every value of one ENV/ARG instruction before setting any of them, so in
    `ENV APP_HOME=/srv/app PATH=$APP_HOME/bin:$PATH` the PATH gets `/bin`, not `/srv/app/bin`.
    When the variable already had the very same value before, nothing changes and nothing is
    reported.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME=/srv/app PATH=$APP_HOME/bin:$PATH
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME=/srv/app
    ENV PATH=$APP_HOME/bin:$PATH
    ENV PATH=/opt/bin:$PATH LANG=C.UTF-8
    ```

    ## Fix
    Split the instruction: define the variable in one ENV and use it in the next.
    """
    escape = ctx.dockerfile.escape
    for stage in ctx.stages:
        for instruction, scope in with_scope_before(stage):
            if instruction.keyword not in ("ENV", "ARG") or "$" not in instruction.value or instruction.is_legacy_key_value:
                continue
            pairs = _raw_pairs(instruction.value)
            new_values = dict(pairs_defined(instruction))
            for index, (name, start, end) in enumerate(pairs):
                for reference in references(instruction.value[start:end], escape):
                    other = reference.name
                    set_here = any(p[0] == other for j, p in enumerate(pairs) if j != index)
                    if other == name or other not in new_values or not set_here:
                        continue
                    if _keeps_value(other, new_values[other], scope):
                        continue
                    yield Violation(
                        f"${other} in {name}={instruction.value[start:end]} gets the value from before this "
                        f"{instruction.keyword}, not the one it sets; set {other} in an earlier {instruction.keyword}",
                        instruction,
                        offset=start + reference.start,
                        end_offset=start + reference.end,
                    )
