"""IL2002 consecutive-run-instructions: consecutive RUNs, the any mode (DL3059) and the hadolint pragma."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings, settings_from_table
from tests.support.helpers import catches, lint_snippet, passes


def fixed(text: str, *, unsafe: bool = True, settings: Settings | None = None) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL2002"]], settings or Settings(), unsafe=unsafe).fixed


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n",
        "FROM node:22\nRUN npm install -g npm@10\nRUN npm install -g yarn@1\n",
        "FROM fedora:40\nRUN dnf install -y gcc && dnf clean all\nRUN dnf install -y make\n",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\nRUN --mount=type=cache,target=/etc/apk/cache apk add git\n",
    ],
)
def test_consecutive_runs_catches(text):
    catches("IL2002", text)


def test_consecutive_runs_points_at_the_second_run():
    finding = catches("IL2002", "FROM python:3.12\nRUN pip install a\n\n# b too\nRUN pip install b\n")[0]
    assert finding.line == 5
    assert "line 2" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # different package managers, or a step that is not package work
        "FROM debian:12\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install flask\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN curl -fsSL https://example.com/x | sh\n",
        "FROM alpine:3.20\nRUN mkdir /app\nRUN chown app /app\n",
        # longer RUNs are deliberate steps
        "FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n"
        "RUN apt-get update && apt-get install -y git\n",
        # different mounts cannot share a RUN
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\nRUN apk add --no-cache git\n",
        # IL1002 covers ``update`` alone
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
        # other instructions between
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nENV A=1\nRUN apk add --no-cache git\n",
        # not across stages
        "FROM alpine:3.20 AS a\nRUN apk add --no-cache curl\nFROM a\nRUN apk add --no-cache git\n",
    ],
)
def test_consecutive_runs_passes(text):
    passes("IL2002", text)


def test_consecutive_runs_any_mode_is_hadolints_dl3059():
    text = "FROM alpine:3.20\nRUN mkdir /app\nRUN chown app /app\n"
    settings = Settings(rule_options={"IL2002": {"mode": "any"}})
    assert [f for f in lint_snippet("IL2002", text, settings=settings) if f.rule == "IL2002"]
    settings = Settings(rule_options={"IL2002": {"max-commands": 1}})
    passes("IL2002", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n", settings=settings)


def test_consecutive_runs_respects_hadolint_pragma():
    text = "FROM python:3.12\nRUN pip install a\n# hadolint ignore=DL3059\nRUN pip install b\n"
    passes("IL2002", text)


# --- the fix: the second RUN joins the first with `` && \\`` ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM python:3.12\nRUN pip install flask\nRUN pip install gunicorn\n",
            "FROM python:3.12\nRUN pip install flask && \\\n    pip install gunicorn\n",
        ),
        (  # a comment between stays inside the continuation, a blank line goes
            "FROM alpine:3.20\nRUN apk add --no-cache curl\n\n# and git\nRUN apk add --no-cache git\n",
            "FROM alpine:3.20\nRUN apk add --no-cache curl && \\\n# and git\n    apk add --no-cache git\n",
        ),
        (  # continuation lines: the joint takes the first RUN's indentation, the second keeps its own
            "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl\nRUN apt-get install -y \\\n      git\n",
            "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl && \\\n  apt-get install -y \\\n      git\n",
        ),
        (  # three in a row: one RUN
            "FROM node:22\nRUN npm install -g npm@10\nRUN npm install -g yarn@1\nRUN npm install -g pnpm@9\n",
            "FROM node:22\nRUN npm install -g npm@10 && \\\n    npm install -g yarn@1 && \\\n    npm install -g pnpm@9\n",
        ),
        (
            "FROM python:3.12\r\nRUN pip install flask\r\n# web\r\nRUN pip install gunicorn\r\n",
            "FROM python:3.12\r\nRUN pip install flask && \\\r\n# web\r\n    pip install gunicorn\r\n",
        ),
        (
            "# escape=`\nFROM python:3.12\nRUN pip install flask\nRUN pip install gunicorn\n",
            "# escape=`\nFROM python:3.12\nRUN pip install flask && `\n    pip install gunicorn\n",
        ),
    ],
)
def test_consecutive_runs_fix_merges_them(text, expected):
    assert fixed(text) == expected
    assert fixed(expected) == expected
    assert fixed(text, unsafe=False) == text


@pytest.mark.parametrize(
    "text",
    [
        # the second RUN would now run its second command even when the first RUN failed
        "FROM python:3.12\nRUN pip install flask\nRUN pip install gunicorn; true\n",
        # pipefail from the first RUN would apply to the second's pipe
        "FROM alpine:3.20\nRUN set -o pipefail && apk add curl\nRUN apk add git | true\n",
        # a trailing comment
        "FROM python:3.12\nRUN pip install flask # web\nRUN pip install gunicorn\n",
        # an ONBUILD between them is no step, but it is a line the merge would swallow
        "FROM python:3.12\nRUN pip install flask\nONBUILD RUN echo child\nRUN pip install gunicorn\n",
        # PowerShell
        'FROM python:3.12\nSHELL ["pwsh", "-Command"]\nRUN pip install flask\nRUN pip install gunicorn\n',
    ],
)
def test_consecutive_runs_fix_keeps_the_advice(text):
    findings = catches("IL2002", text)
    assert all(f.fix is None or f.fix.applicability == "display-only" for f in findings)
    assert fixed(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM alpine:3.20\nRUN mkdir -p /srv/app\nRUN adduser -D app\n",
            "FROM alpine:3.20\nRUN mkdir -p /srv/app && \\\n    adduser -D app\n",
        ),
        # the second RUN would run in the first one's directory, with its variables
        ("FROM alpine:3.20\nRUN cd /tmp && wget https://example.com/a\nRUN tar -xf a\n", None),
        ("FROM alpine:3.20\nRUN export A=1\nRUN echo $A\n", None),
        ("FROM alpine:3.20\nRUN A=1\nRUN echo done\n", None),
    ],
)
def test_consecutive_runs_fix_in_any_mode(text, expected):
    settings = settings_from_table({"rules": {"IL2002": {"mode": "any"}}}, "test", registered_rules())
    assert lint_snippet("IL2002", text, settings=settings)
    assert fixed(text, settings=settings) == (expected or text)
