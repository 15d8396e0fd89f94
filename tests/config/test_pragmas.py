"""Inline ignore pragmas name rules by code, name, family, ALL, and hadolint's and BuildKit's names."""

from __future__ import annotations

import pytest

from imagelint import engine
from imagelint.dockerfile import parse
from imagelint.settings import Settings
from tests.support.helpers import unmapped_hadolint_code

# IL8002 shell-form-entrypoint (correctness) and IL8004 maintainer-instruction (correctness, DL4000)
# fire on these two lines; IL5002 latest-base-image-tag (base-image) on the FROM.
FILE = "FROM alpine:latest\n{pragma}\nENTRYPOINT /app/run\nMAINTAINER someone\n"


def rules_reported(pragma: str) -> set[str]:
    dockerfile = parse(FILE.format(pragma=pragma), "Dockerfile")
    findings, crashes = engine.lint(dockerfile, engine.select_rules(Settings()), Settings())
    assert not crashes
    return {f.rule for f in findings if f.line >= 2}  # not the FROM


def test_without_a_pragma_both_rules_fire():
    assert {"IL8002", "IL8004"} <= rules_reported("# a plain comment")


@pytest.mark.parametrize("named", ["IL8002", "shell-form-entrypoint", "JSONArgsRecommended", "DL3025"])
def test_a_pragma_silences_a_rule_by_any_of_its_names(named):
    reported = rules_reported(f"# imagelint ignore={named}")
    assert "IL8002" not in reported
    assert "IL8004" in reported  # it only covers the instruction after it


def test_a_family_silences_every_rule_of_the_family_there():
    assert not {"IL8002", "IL8021"} & rules_reported("# imagelint ignore=correctness")
    assert "IL8004" in rules_reported("# imagelint ignore=correctness")  # the next instruction is not covered


def test_a_global_family_pragma_covers_the_whole_file():
    reported = rules_reported("# imagelint global ignore=correctness")
    assert not {"IL8002", "IL8004"} & reported


def test_all_silences_everything_at_that_instruction():
    assert "IL8002" not in rules_reported("# imagelint ignore=ALL")


def test_a_hadolint_pragma_with_a_mapped_code_keeps_working():
    assert "IL8002" not in rules_reported("# hadolint ignore=DL3025")


def test_a_hadolint_pragma_with_an_unmapped_code_is_quietly_accepted():
    reported = rules_reported(f"# hadolint ignore={unmapped_hadolint_code()},DL3025")
    assert "IL8002" not in reported and "IL8021" not in reported


def test_an_unknown_name_silences_nothing_and_is_reported():
    reported = rules_reported("# imagelint ignore=shell-form-entrypont")
    assert {"IL8002", "IL8021"} <= reported
