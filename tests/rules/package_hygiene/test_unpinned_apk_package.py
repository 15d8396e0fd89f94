"""IL6012 unpinned-apk-package: apk packages without a version and virtual package names."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apk add --no-cache curl=8.14.1-r1",
        "RUN apk add --no-cache 'curl>8.0' \"git<3\"",
        "RUN apk add --no-cache curl~8.14",
        "RUN apk add --no-cache --virtual .build-deps gcc=14.2.0-r6",
        "RUN apk add --no-cache -t .deps gcc=14.2.0-r6",
        "RUN apk add --allow-untrusted /tmp/pkg.apk",
        "RUN apk add --no-cache ${PACKAGES}",
        "RUN apk del curl",
    ],
)
def test_apk_pin_passes(run):
    passes("IL6012", ALPINE + run)


def test_apk_pin_catches_and_ignores_virtual_name():
    finding = catches("IL6012", ALPINE + "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\n")[0]
    assert "gcc, musl-dev" in finding.message and ".build-deps" not in finding.message


# docker-library's php and python images: the runtime libraries are worked out by scanelf at build time.
SCANELF_RUN_DEPS = """\
RUN set -eux; \\
    runDeps="$( \\
        scanelf --needed --nobanner --format '%n#p' --recursive /usr/local \\
            | tr ',' '\\n' | sort -u \\
            | awk 'system("[ -e /usr/local/lib/" $1 " ]") == 0 { next } { print "so:" $1 }' \\
    )"; \\
    apk add --no-cache --virtual .run-deps $runDeps
"""


def test_apk_pin_ignores_packages_computed_by_a_command_substitution():
    passes("IL6012", ALPINE + SCANELF_RUN_DEPS)


@pytest.mark.parametrize(
    "run",
    [
        "RUN apk add --no-cache $(cat /tmp/packages.txt)",
        "RUN apk add --no-cache `cat /tmp/packages.txt`",
        "RUN deps=\"$(cat /tmp/packages.txt)\" && apk add --no-cache $deps",
    ],
)
def test_apk_pin_ignores_other_computed_package_lists(run):
    passes("IL6012", ALPINE + run)


def test_apk_pin_still_reports_the_literal_names_next_to_a_substitution():
    text = ALPINE + "RUN deps=\"bash $(cat /tmp/packages.txt) tini\" && apk add --no-cache $deps\n"
    message = catches("IL6012", text)[0].message
    assert "installs bash, tini without a version" in message and "cat" not in message
