"""IL8021 unknown-rule-in-ignore-pragma."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.findings import FAMILIES
from imagelint.pragmas import BUILDKIT_CHECKS, IgnorePragma, ignore_pragmas
from imagelint.rule import RETIRED_CODES, Rule, Violation, registered_rules, rule
from imagelint.shellcheck import NAME as SHELLCHECK_NAME
from imagelint.shellcheck import is_shellcheck_code

_HADOLINT_CODE = re.compile(r"^DL[0-9]{4}$")


@rule(code="IL8021", name="unknown-rule-in-ignore-pragma", family="correctness", severity="warning", mentions=("ignore",))
def unknown_rule_in_ignore_pragma(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An ignore pragma names a rule that does not exist, so it silences nothing.

    ## Why
    `# imagelint ignore=shell-form-entrypont` looks like it silences a rule, but a typo (or a
    hadolint code imagelint has no equivalent of) matches nothing: the finding it was written for
    stays, or, worse, a later one the author meant to allow is reported with no clue why. A
    pragma may name rule codes, rule names, families (`correctness`), `ALL`, the BuildKit checks
    and hadolint codes of imagelint's rules, and ShellCheck codes (`SC2086`, or `shellcheck` for
    all of them). In a `# hadolint ignore=` pragma every `DL` and `SC` code is accepted, because
    hadolint reads the same line and knows codes imagelint does not.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    # imagelint ignore=shell-form-entrypont
    ENTRYPOINT /app/run
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    # imagelint ignore=shell-form-entrypoint
    ENTRYPOINT /app/run
    ```
    ```dockerfile
    FROM alpine:3.20
    # hadolint ignore=DL3018,SC2086
    RUN apk add curl && echo $HOME
    ```

    ## Fix
    Correct the name (the message suggests the closest one), or remove it from the pragma; see
    `imagelint rules` for every code and name.
    """
    pragmas = ignore_pragmas(ctx.dockerfile)
    if not pragmas:
        return
    rules = registered_rules()
    equivalents = {name for r in rules.values() for name in r.equivalent_names}
    known = {*rules, *(r.name for r in rules.values()), *FAMILIES, *equivalents, *RETIRED_CODES, "ALL", SHELLCHECK_NAME}
    for pragma in pragmas:
        for name in pragma.names:
            if name in known or is_shellcheck_code(name):
                continue
            if pragma.tool == "hadolint" and _HADOLINT_CODE.match(name):
                continue  # hadolint's own rules: the line is hadolint's as much as imagelint's
            yield Violation(
                _message(name, known),
                _applies_to(ctx, pragma),
                line=pragma.line,
                column=_column(ctx, pragma, name),
                end_line=pragma.line,
            )


def _message(name: str, known: set[str]) -> str:
    if _HADOLINT_CODE.match(name):
        from imagelint.knowledge.hadolint_rules import HADOLINT_RULES

        if name in HADOLINT_RULES:
            return (
                f"'{name}' is a hadolint rule with no imagelint equivalent, so this pragma ignores nothing for it;"
                f" drop it, or write it in a '# hadolint ignore={name}' pragma for hadolint"
            )
        return f"'{name}' is not a hadolint rule, so this pragma ignores nothing for it; correct or drop it"
    if name in BUILDKIT_CHECKS:
        return f"BuildKit's {name} has no imagelint equivalent, so this pragma ignores nothing for it; drop it"
    from imagelint.settings import did_you_mean

    return (
        f"'{name}' names no rule, family or ShellCheck code, so this pragma ignores nothing for it"
        f"{did_you_mean(name, known) or '; see imagelint rules'}"
    )


def _applies_to(ctx: LintContext, pragma: IgnorePragma):
    """The instruction the pragma is written for (the one it is in, or the next): so a pragma that
    also names IL8021 silences its own finding."""
    return next((i for i in ctx.instructions if i.end_line >= pragma.line), None)


def _column(ctx: LintContext, pragma: IgnorePragma, name: str) -> int:
    text = ctx.dockerfile.lines[pragma.line - 1] if pragma.line <= len(ctx.dockerfile.lines) else ""
    after = text.find("=")
    found = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text[after + 1 :]) if after >= 0 else None
    return after + 2 + found.start() if found else 1
