"""IL6001 apt-get-install-without-yes: apt-get install without -y, locations and heredocs."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get install -y curl",
        "RUN apt-get -qq install curl",
        "RUN apt-get -q -q install curl",
        "RUN apt-get --quiet=2 install curl",
        "RUN apt-get -q=2 install curl",
        "RUN apt-get install --yes curl",
        "RUN apt-get -o APT::Get::Assume-Yes=1 install curl",
        "RUN yes | apt-get install curl",
        "RUN apt-get update",
        "RUN apt-get -o Dpkg::Options::=--force-confnew -y install curl",
        "RUN sudo apt-get install -y curl",
        "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF",
    ],
)
def test_apt_yes_passes(run):
    passes("IL6001", DEB + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get -q install curl",  # one -q does not imply -y
        "RUN DEBIAN_FRONTEND=noninteractive apt-get install curl",
        "RUN apt-get dist-upgrade",
        "RUN sh -c 'apt-get update && apt-get install curl'",
        "ONBUILD RUN apt-get install curl",
    ],
)
def test_apt_yes_catches(run):
    catches("IL6001", DEB + run)


def test_apt_yes_points_at_the_command_line():
    text = DEB + "RUN set -eux; \\\n    apt-get update; \\\n    apt-get install \\\n        curl\n"
    finding = catches("IL6001", text)[0]
    assert (finding.line, finding.column) == (4, 5)


def test_apt_yes_in_heredoc_points_at_body_line():
    finding = catches("IL6001", DEB + "RUN <<EOF\nset -e\napt-get update\napt-get install curl\nEOF\n")[0]
    assert (finding.line, finding.column) == (5, 1)


def test_message_says_what_apt_get_does_without_a_terminal():
    message = catches("IL6001", DEB + "RUN apt-get update && apt-get install curl\n")[0].message
    assert message == (
        "apt-get install without -y fails as soon as it must install more than the named packages or remove any: "
        "with no terminal to answer 'Do you want to continue? [Y/n]' it prints 'Abort.' and exits; add -y"
    )
    message = catches("IL6001", DEB + "RUN apt-get update && apt-get dist-upgrade\n")[0].message
    assert message.startswith("apt-get dist-upgrade without -y fails whenever it has anything to do:")
