"""What the docs tests demand of one documented example: a Bad one triggers its rule, a Good one does not."""

from __future__ import annotations

import tomllib
from pathlib import Path

from imagelint.rule import Example, registered_rules
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
