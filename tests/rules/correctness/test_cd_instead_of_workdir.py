"""IL8017 cd-instead-of-workdir: cd in RUN that WORKDIR would replace, mounts and lone cd."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_cd_location_and_fix():
    finding = catches("IL8017", "FROM node:22-slim\nRUN set -eux; \\\n    true\nRUN cd /srv/app && npm ci\n")[0]
    assert (finding.line, finding.column) == (4, 5)
    assert finding.fix.description == "WORKDIR /srv/app"


@pytest.mark.parametrize(
    "script",
    [
        "mkdir -p /src && cd /src && make",
        "cd /tmp && curl -fsSLO https://x/x.deb && dpkg -i x.deb",
        "cd /usr/src/app && make && cd / && rm -rf /usr/src/app",
        "cd - && true",
        'cd "$(mktemp -d)" && make',
        "(cd /app && make)",
    ],
)
def test_cd_that_workdir_would_not_replace(script):
    passes("IL8017", f"FROM debian:bookworm-slim\nRUN {script}\n")


def test_cd_into_a_mount_is_fine():
    passes("IL8017", "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/installTmp \\\n    cd /installTmp && ./install.sh\n")


def test_cd_alone_has_no_effect():
    finding = catches("IL8017", "FROM node:22-slim\nRUN cd /srv/app\n")[0]
    assert "no effect" in finding.message
