"""Every rule's documentation is executable: each Bad example triggers the rule, no Good one does."""

from __future__ import annotations

import pytest

from imagelint.findings import FAMILIES
from imagelint.rule import registered_rules
from tests.support.docs import assert_example_holds, assert_fixes_hold

RULES = registered_rules()
# Image rules check built images: their examples illustrate, and tests/image/ and tests/integration/test_image_docker.py exercise them.
DOCKERFILE_RULES = {code: rule for code, rule in RULES.items() if rule.target == "dockerfile"}
EXAMPLES = [
    pytest.param(rule.code, kind, example, id=f"{rule.code}-{kind}{n}")
    for rule in DOCKERFILE_RULES.values()
    for kind, examples in (("bad", rule.doc.bad), ("good", rule.doc.good))
    for n, example in enumerate(examples, start=1)
]


@pytest.mark.parametrize(("code", "kind", "example"), EXAMPLES)
def test_documented_example(code, kind, example, tmp_path):
    assert_example_holds(code, kind, example, tmp_path)


BAD_EXAMPLES = [p for p in EXAMPLES if p.values[1] == "bad"]


@pytest.mark.parametrize(("code", "kind", "example"), BAD_EXAMPLES)
def test_documented_bad_example_is_fixed_for_good(code, kind, example, tmp_path):
    assert_fixes_hold(code, example, tmp_path)


def test_every_family_has_a_rule():
    families = {rule.family for rule in DOCKERFILE_RULES.values()}
    assert families >= set(FAMILIES) - {"image"}
    assert "image" in {rule.family for rule in RULES.values() if rule.target == "image"}


@pytest.mark.parametrize("code", list(RULES))
def test_rule_is_documented(code):
    rule = RULES[code]
    assert rule.summary and not rule.summary.endswith(":")
    assert rule.doc.sections["Why"].strip()
    assert rule.doc.sections["Fix"].strip()
    if rule.target == "dockerfile":
        assert rule.doc.bad and rule.doc.good
