"""Any text or bytes: a Dockerfile model, or the one input error; every rule finds, none crashes,
and every finding's line is in the file."""

from __future__ import annotations

from hypothesis import given

from tests.support.fuzz_targets import run_case, target


@given(target("every-rule").strategy)
def test_every_rule_gives_findings_inside_the_file_for_any_text(text):
    run_case("every-rule", text)


@given(target("dockerfile-bytes").strategy)
def test_any_bytes_parse_or_are_refused_as_binary(data):
    run_case("dockerfile-bytes", data)
