"""IL6004 apt-instead-of-apt-get: apt instead of apt-get and the replacement."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB, fix_of, fixed
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl",
        "RUN apt-cache search curl",
        "RUN echo apt install curl",
        "RUN apt-key adv --recv-keys ABC",
        "RUN add-apt-repository ppa:deadsnakes/ppa",
    ],
)
def test_apt_passes(run):
    passes("IL6004", DEB + run)


def test_apt_catches_with_replacement():
    findings = catches("IL6004", DEB + "RUN apt update && apt show curl\n")
    assert ["apt-get update" in findings[0].message, "apt-cache show" in findings[1].message] == [True, True]

# --- the fix: apt-get for the subcommands it has with the same meaning ----------------------------------


@pytest.mark.parametrize(
    ("run", "result"),
    [
        ("RUN apt update && apt install -y curl", "RUN apt-get update && apt-get install -y curl"),
        ("RUN apt -y remove curl && apt -y autoremove && apt purge -y git", "RUN apt-get -y remove curl && apt-get -y autoremove && apt-get purge -y git"),
        ("RUN apt-get update && apt dist-upgrade -y && apt clean", "RUN apt-get update && apt-get dist-upgrade -y && apt-get clean"),
        ("RUN /usr/bin/apt install -y curl", "RUN /usr/bin/apt-get install -y curl"),
        ("RUN sudo apt install -y curl", "RUN sudo apt-get install -y curl"),
        # apt's upgrade installs new dependencies; apt-get's needs to be told
        ("RUN apt upgrade -y", "RUN apt-get upgrade --with-new-pkgs -y"),
        ("RUN apt upgrade --without-new-pkgs -y", "RUN apt-get upgrade --without-new-pkgs -y"),
    ],
)
def test_fix_uses_apt_get(run, result):
    assert fixed("IL6004", DEB + run + "\n") == DEB + result + "\n"
    assert fix_of("IL6004", DEB + run + "\n").applicability == "safe"


def test_fix_in_a_multi_line_run():
    text = DEB + "RUN apt update \\\n    && apt install -y \\\n        curl\n"
    assert fixed("IL6004", text) == DEB + "RUN apt-get update \\\n    && apt-get install -y \\\n        curl\n"


def test_fix_keeps_crlf():
    text = "FROM debian:12-slim\r\nRUN apt update \\\r\n && apt install -y curl\r\n"
    assert fixed("IL6004", text) == "FROM debian:12-slim\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + DEB + "RUN apt update `\n && apt install -y curl\n"
    assert fixed("IL6004", text) == "# escape=`\n" + DEB + "RUN apt-get update `\n && apt-get install -y curl\n"


@pytest.mark.parametrize(
    ("run", "advice"),
    [
        ("RUN apt show curl", "apt-cache show"),  # apt show hides fields apt-cache shows
        ("RUN apt list --installed", "apt-get list"),
        ("RUN apt full-upgrade -y", "apt-get full-upgrade"),
        ('RUN sh -c "\\"apt\\" install -y curl"', "apt-get install"),
        ("RUN 'apt' install -y curl", "apt-get install"),
    ],
)
def test_other_subcommands_get_the_advice(run, advice):
    text = DEB + run + "\n"
    fix = fix_of("IL6004", text)
    assert fix.applicability == "display-only" and fix.description == advice
    assert fixed("IL6004", text, unsafe=True) == text
