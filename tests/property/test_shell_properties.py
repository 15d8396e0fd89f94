"""The shell model and ARG/ENV expansion on any text."""

from __future__ import annotations

from hypothesis import given

from tests.support.fuzz_targets import run_case, target


@given(target("shell-model").strategy)
def test_the_shell_model_never_raises_and_keeps_spans_in_the_text(text):
    run_case("shell-model", text)


@given(target("variable-expansion").strategy)
def test_variable_expansion_never_raises_and_stays_bounded(case):
    run_case("variable-expansion", case)
