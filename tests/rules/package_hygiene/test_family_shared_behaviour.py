"""Behaviour shared by the package-hygiene rules: pragmas, exec-form RUN, odd input."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
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


def _family_rules():
    return [r for r in registered_rules().values() if r.family == "package-hygiene"]


def test_the_familys_fixes_combine_in_rounds():
    text = "FROM ubuntu:24.04\nRUN apt update \\\n && apt install curl\n"
    outcome = fix_text(text, "Dockerfile", _family_rules(), Settings(), unsafe=True)
    assert outcome.fixed == (
        "FROM ubuntu:24.04\nRUN apt-get update \\\n && apt-get install --no-install-recommends -y curl \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )
    assert not [f for f in outcome.remaining if f.fix is not None and f.fix.applies(unsafe=True)]


def test_fixes_do_not_crash_on_odd_input():
    text = (
        "FROM debian:12-slim\nRUN apt-get update && apt-get install 'unterminated\nRUN <<EOF\napk add\nEOF\n"
        "RUN <<EOF\nEOF\nRUN apt-get update \\\n\nONBUILD RUN npm ci\nRUN [\"npm\", \"ci\"]\nRUN yum install\n"
    )
    outcome = fix_text(text, "Dockerfile", _family_rules(), Settings(), unsafe=True)
    assert not outcome.crashes
