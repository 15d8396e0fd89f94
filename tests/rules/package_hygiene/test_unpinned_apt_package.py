"""IL6011 unpinned-apt-package: apt packages without a version, script variables, one per command."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get install -y curl=7.88.1-10+deb12u8",
        "RUN apt-get install -y \"curl=${CURL_VERSION}\"",  # hadolint#928
        "RUN apt-get install -y ./vendor/tool.deb /tmp/other.deb",  # hadolint#345
        "RUN apt-get install -y -t bookworm-backports golang/bookworm-backports",
        "RUN apt-get install -y linux-headers-$(uname -r)",
        "RUN apt-get install -y $UNKNOWN_PACKAGES",
        "RUN apt-get update && apt-get -y build-dep python3",
        "RUN deps='curl=7.88.1-10+deb12u8' && apt-get install -y $deps",
    ],
)
def test_apt_pin_passes(run):
    passes("IL6011", DEB + run)


def test_apt_pin_expands_script_variables():
    text = DEB + "RUN buildDeps='gcc make' set -x && apt-get install -y --no-install-recommends $buildDeps\n"
    assert "gcc, make" in catches("IL6011", text)[0].message


def test_apt_pin_one_finding_per_command_pointing_at_first_package():
    text = DEB + "RUN apt-get update && apt-get install -y --no-install-recommends \\\n    ca-certificates=20230311 \\\n    curl \\\n    git\n"
    findings = catches("IL6011", text)
    assert len(findings) == 1 and (findings[0].line, findings[0].column) == (4, 5)
    assert "curl, git" in findings[0].message


def test_apt_pin_ignores_options_computed_by_a_substitution():
    # apache/arrow: `quiet` is `-qq` or nothing; the substitution's words are not packages.
    text = DEB + (
        'RUN quiet=$([ "${DEBUG}" = "yes" ] || echo "-qq") && \\\n'
        "    apt update ${quiet} && apt install -y -V ${quiet} build-essential\n"
    )
    message = catches("IL6011", text)[0].message
    assert message.startswith("apt installs build-essential without a version"), message


def test_apt_pin_ignores_packages_listed_by_a_command():
    passes("IL6011", DEB + "RUN apt-get install -y $(cat /tmp/packages.txt | grep -v '^#')")


def test_aptitude_installs_are_checked_too():
    message = catches("IL6011", DEB + "RUN aptitude update && aptitude install -y curl git=1:2.39.5-0+deb12u1\n")[0].message
    assert message.startswith("aptitude installs curl without a version")
