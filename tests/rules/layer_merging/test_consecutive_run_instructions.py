"""IL2002 consecutive-run-instructions: consecutive RUNs, the any mode (DL3059) and the hadolint pragma."""

from __future__ import annotations

import pytest

from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes


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
