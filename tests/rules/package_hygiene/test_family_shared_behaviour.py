"""Behaviour shared by the package-hygiene rules: pragmas, exec-form RUN, odd input."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE, DEB, EL
from tests.support.helpers import lint_snippet, passes


def only(code: str, text: str, **kwargs):
    return [f for f in lint_snippet(code, text, **kwargs) if f.rule == code]


def test_hadolint_ignore_pragma_covers_grouped_rule():
    text = EL + "# hadolint ignore=DL3040\nRUN dnf -y install httpd\n"
    assert not only("IL6010", text)


def test_imagelint_ignore_pragma():
    assert not only("IL6006", ALPINE + "# imagelint ignore=IL6006\nRUN apk add curl\n")


def test_exec_form_run_is_not_a_shell_script():
    passes("IL6001", DEB + 'RUN ["apt-get", "install", "curl"]')


@pytest.mark.parametrize("code", [f"IL60{n:02d}" for n in range(1, 19)])
def test_rules_do_not_crash_on_odd_input(code):
    text = (
        "FROM debian:12-slim\nRUN apt-get install -y 'unterminated\nRUN <<EOF\napk add\nEOF\n"
        "RUN --mount=type=cache apt-get update\nONBUILD RUN pip install\nRUN [\"npm\", \"ci\"]\nRUN yum\nRUN go get\n"
    )
    lint_snippet(code, text)


def test_pragma_above_onbuild_reaches_its_trigger():
    text = DEB + "# imagelint ignore=IL6001\nONBUILD RUN apt-get install curl\n"
    assert not only("IL6001", text)
    text = "# imagelint ignore=IL6001\n" + DEB + "ONBUILD RUN apt-get install curl\n"
    assert only("IL6001", text)[0].line == 3
