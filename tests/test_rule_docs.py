"""Every rule's documentation is executable: each Bad example triggers the rule, no Good one does."""

from __future__ import annotations

import pytest

from imagelint.findings import FAMILIES
from imagelint.rule import registered_rules
from tests.helpers import lint_snippet

RULES = registered_rules()
EXAMPLES = [
    pytest.param(rule.code, kind, example, id=f"{rule.code}-{kind}{n}")
    for rule in RULES.values()
    for kind, examples in (("bad", rule.doc.bad), ("good", rule.doc.good))
    for n, example in enumerate(examples, start=1)
]


@pytest.mark.parametrize(("code", "kind", "example"), EXAMPLES)
def test_documented_example(code, kind, example, tmp_path):
    findings = [
        f
        for f in lint_snippet(code, example.dockerfile, context=example.context, tmp_path=tmp_path)
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


def test_every_family_has_a_rule():
    families = {rule.family for rule in RULES.values()}
    assert families >= set(FAMILIES) - {"image"}


@pytest.mark.parametrize("code", list(RULES))
def test_rule_is_documented(code):
    rule = RULES[code]
    assert rule.summary and not rule.summary.endswith(":")
    assert rule.doc.sections["Why"].strip()
    assert rule.doc.sections["Fix"].strip()
    assert rule.doc.bad and rule.doc.good
