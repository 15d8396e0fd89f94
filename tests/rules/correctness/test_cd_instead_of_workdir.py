"""IL8017 cd-instead-of-workdir: cd in RUN that WORKDIR would replace, mounts and lone cd."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8017"]], Settings(), unsafe=unsafe).fixed


def test_cd_location_and_fix():
    finding = catches("IL8017", "FROM node:22-slim\nRUN set -eux; \\\n    true\nRUN cd /srv/app && npm ci\n")[0]
    assert (finding.line, finding.column) == (4, 5)
    assert finding.fix.applicability == "unsafe"
    text = "FROM node:22-slim\nRUN cd /srv/app && npm ci\n"
    assert fixed(text) == "FROM node:22-slim\nWORKDIR /srv/app\nRUN npm ci\n"
    assert fixed(text, unsafe=False) == text


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


def test_fix_of_a_lone_cd_and_of_a_sequence():
    assert fixed("FROM node:22-slim\nRUN cd /srv/app\nRUN npm ci\n") == "FROM node:22-slim\nWORKDIR /srv/app\nRUN npm ci\n"
    assert fixed("FROM node:22-slim\nrun cd /srv/app; npm ci\n") == "FROM node:22-slim\nworkdir /srv/app\nrun npm ci\n"


def test_fix_keeps_flags_continuations_indentation_and_crlf():
    text = (
        "FROM node:22-slim\r\n"
        "  RUN --mount=type=cache,target=/root/.npm cd /srv/app \\\r\n"
        "      && npm ci \\\r\n"
        "      && npm run build\r\n"
    )
    assert fixed(text) == (
        "FROM node:22-slim\r\n"
        "  WORKDIR /srv/app\r\n"
        "  RUN --mount=type=cache,target=/root/.npm npm ci \\\r\n"
        "      && npm run build\r\n"
    )


def test_backtick_escape_means_windows_and_is_left_alone():
    text = "# escape=`\nFROM node:22-slim\nRUN cd /srv/app `\n    && npm ci\n"
    passes("IL8017", text)
    assert fixed(text) == text


@pytest.mark.parametrize(
    "script",
    [
        "cd /srv/app || exit 1",
        "cd /srv/app | cat",
        "cd srv/app && npm ci",  # relative: WORKDIR srv/app would be IL8007's finding
        'cd "/srv/app" && npm ci',
        "cd $APP && npm ci",
        "cd /srv/app 2>/dev/null && npm ci",
        "cd /srv/app && if [ -f x ]; then npm ci; fi",
        "cd /srv/app && (npm ci)",
        "cd /srv/app # go there",
        "cd /srv/app \\\n# a comment\n    && npm ci",
    ],
)
def test_cd_that_the_fix_cannot_move_exactly_is_only_suggested(script):
    text = f"FROM node:22-slim\nENV APP=/srv/app\nRUN {script}\n"
    finding = catches("IL8017", text)[0]
    assert finding.fix.applicability == "display-only"
    assert fixed(text) == text


def test_onbuild_and_heredoc_cd_are_only_suggested():
    for text in (
        "FROM node:22-slim\nONBUILD RUN cd /srv/app && npm ci\n",
        "FROM node:22-slim\nRUN <<EOF\ncd /srv/app\nnpm ci\nEOF\n",
    ):
        for finding in catches("IL8017", text):
            assert finding.fix.applicability == "display-only"
        assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM node:22-slim\nRUN cd /srv/app && npm ci\nRUN cd /srv/app && npm test\n")
    assert once == "FROM node:22-slim\nWORKDIR /srv/app\nRUN npm ci\nWORKDIR /srv/app\nRUN npm test\n"
    assert fixed(once) == once
