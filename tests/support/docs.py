"""What the docs tests demand of one documented example: a Bad one triggers its rule, a Good one does not."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

from imagelint.rule import registered_rules
from imagelint.rule_docs import Example
from imagelint.settings import settings_from_table
from tests.support.helpers import lint_snippet


def assert_example_holds(code: str, kind: str, example: Example, tmp_path: Path) -> None:
    settings = settings_from_table(tomllib.loads(example.config), "example", registered_rules()) if example.config else None
    findings = [
        f
        for f in lint_snippet(code, example.dockerfile, context=example.context, tmp_path=tmp_path, settings=settings)
        if f.rule == code
    ]
    if kind == "bad":
        assert findings, f"{code}: documented Bad example does not trigger the rule:\n{example.dockerfile}"
        for finding in findings:
            assert finding.line is not None and finding.line >= 1
            # Messages are one line that says what is wrong and what to do, with no trailing period.
            assert finding.message and "\n" not in finding.message and not finding.message.endswith(".")
    else:
        assert not findings, f"{code}: documented Good example triggers the rule: {[f.message for f in findings]}"


def assert_fixes_hold(code: str, example: Example, tmp_path: Path) -> None:
    """A Bad example's fixes: of the kinds the rule declares; applied (unsafe ones too), the rule has
    nothing left to fix there, the result still parses cleanly, and fixing again changes nothing."""
    from imagelint.dockerfile import parse
    from imagelint.fixer import fix_text
    from imagelint.settings import Settings

    rule = registered_rules()[code]
    settings = settings_from_table(tomllib.loads(example.config), "example", registered_rules()) if example.config else Settings()
    findings = [
        f
        for f in lint_snippet(code, example.dockerfile, context=example.context, tmp_path=tmp_path, settings=settings)
        if f.rule == code
    ]
    for finding in findings:
        if finding.fix is not None and finding.fix.applicability != "display-only":
            assert finding.fix.applicability in rule.fixes, f"{code} yields a {finding.fix.applicability} fix; declare fixes=(...)"
    if not any(f.fix is not None and f.fix.applies(unsafe=True) for f in findings):
        return
    text = textwrap.dedent(example.dockerfile)
    context_dir = tmp_path if example.context is not None else None
    once = fix_text(text, "Dockerfile", [rule], settings, unsafe=True, context_dir=context_dir)
    assert once.changed, f"{code}: its fix changed nothing in:\n{text}"
    left = [f for f in once.remaining if f.fix is not None and f.fix.applies(unsafe=True)]
    assert not left, f"{code}: still fixable after fixing:\n{once.fixed}"
    assert not parse(once.fixed, "Dockerfile").problems, f"{code}: the fixed file does not parse cleanly:\n{once.fixed}"
    twice = fix_text(once.fixed, "Dockerfile", [rule], settings, unsafe=True, context_dir=context_dir)
    assert twice.fixed == once.fixed, f"{code}: fixing twice changed the file again:\n{twice.fixed}"
