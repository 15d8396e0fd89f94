"""The rule registry: every rule whatever was imported first, codes never reused, relations that resolve."""

from __future__ import annotations

import subprocess
import sys

import pytest

from imagelint.rule import RETIRED_CODES, registered_rules

RULES = registered_rules()


@pytest.mark.parametrize(
    "module",
    ["imagelint.rules.security.image_runs_as_root", "imagelint.rules.cache_order.add_git_unpinned_ref", "imagelint.rules"],
)
def test_importing_one_rule_module_first_still_gives_every_rule(module):
    script = f"import {module}\nfrom imagelint.rule import registered_rules\nprint(len(registered_rules()))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(result.stdout) == len(RULES) >= 100


def test_each_rule_lives_in_a_file_named_after_it_in_its_family_folder():
    for rule in RULES.values():
        family = "image" if rule.code.startswith("IL9") else rule.family
        expected = f"imagelint.rules.{family.replace('-', '_')}.{rule.name.replace('-', '_')}"
        assert rule.check.__module__ == expected, (rule.code, rule.check.__module__)


def test_retired_codes_are_not_in_use():
    assert not set(RETIRED_CODES) & set(RULES)


def test_deferrals_name_a_dockerfile_rule():
    deferring = [rule for rule in RULES.values() if rule.defers_to]
    assert deferring, "IL7101 defers to IL7001"
    for rule in deferring:
        assert rule.target == "image" and RULES[rule.defers_to].target == "dockerfile", rule.code


def test_every_declared_option_default_is_valid():
    for rule in RULES.values():
        for name, option in rule.declared_options.items():
            assert rule.option_problem(name, option.default) is None, (rule.code, name)
            assert rule.options[name] == option.default
