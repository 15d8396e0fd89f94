"""IL8001 invalid-dockerfile-syntax: instructions before FROM, unknown instructions, parsing past a problem."""

from __future__ import annotations

from tests.support.helpers import catches, lint_snippet, passes


def test_instruction_before_from_is_reported():
    finding = catches("IL8001", "RUN echo hi\nFROM alpine:3.20\n")[0]
    assert finding.line == 1


def test_global_args_before_from_are_fine():
    passes("IL8001", "# syntax=docker/dockerfile:1\nARG BASE=alpine:3.20\nFROM ${BASE}\n")


def test_unknown_onbuild_trigger():
    catches("IL8001", "FROM alpine:3.20\nONBUILD RUNN echo hi\n")


def test_parsing_goes_on_after_a_problem():
    text = "FROM alpine:3.20\nRUNN typo\nMAINTAINER me\n"
    assert lint_snippet("IL8001", text) and lint_snippet("IL8004", text)


def test_lower_case_instructions_are_valid():
    passes("IL8001", "from alpine:3.20\nrun echo hi\n")
