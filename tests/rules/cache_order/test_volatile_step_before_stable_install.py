"""IL1003 volatile-step-before-stable-install: volatile ARGs and copies before stable installs, RUNs reading the copy."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nARG BUILD_DATE\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nARG VCS_REF\nRUN wget -q https://example.com/tool.tar.gz -O /tmp/t.tgz && tar -xzf /tmp/t.tgz -C /opt\n",
        "FROM alpine:3.20\nARG COMMIT_SHA=unset\nRUN apk add --no-cache git && git clone https://github.com/x/y /opt/y\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir gunicorn==22.0.0\n",
        "FROM node:22\nCOPY . /app\nRUN npm install -g pm2@5\n",
        "FROM debian:12\nCOPY . /app\nRUN curl -fsSLo /usr/local/bin/tini https://example.com/tini && chmod +x /usr/local/bin/tini\n",
    ],
)
def test_volatile_step_catches(text):
    catches("IL1003", text)


def test_volatile_step_reports_once_per_volatile_step_and_counts_the_rest():
    text = "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n"
    findings = catches("IL1003", text)
    assert len(findings) == 1
    assert "and 1 later RUNs" in findings[0].message
    assert (findings[0].line, findings[0].column) == (4, 23)


def test_volatile_arg_message_names_the_argument():
    finding = catches("IL1003", "FROM alpine:3.20\nARG GIT_COMMIT\nRUN apk add --no-cache curl\n")[0]
    assert "ARG GIT_COMMIT at line 2" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # the RUN uses the argument
        "FROM alpine:3.20\nARG GIT_COMMIT\nRUN apk add --no-cache curl && echo ${GIT_COMMIT} > /commit\n",
        # checksums and pins are not volatile
        "FROM alpine:3.20\nARG NODE_SHA256=abc\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nARG VERSION=1.2\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nARG SHA\nRUN apk add --no-cache curl\n",
        # an ARG ends with its stage
        "FROM alpine:3.20 AS meta\nARG BUILD_DATE\nFROM meta\nRUN apk add --no-cache curl\n",
        # the RUN builds the copied project (a script or make is never "stable")
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y gcc && make\n",
        "FROM debian:12\nCOPY . /app\nRUN /app/install-deps.sh\n",
        # the RUN reads the copied tree
        "FROM debian:12\nCOPY . /app\nRUN apt-get install -y $(cat /app/packages.txt)\n",
        "FROM debian:12\nCOPY . /app\nRUN dpkg -i /app/vendor/tool.deb\n",
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN tar -xzf vendor.tar.gz -C /opt\n",
        # a rootfs copy to / may carry package sources
        "FROM debian:12\nCOPY . /\nRUN apt-get update && apt-get install -y nginx\n",
        # the install runs before the copy
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n",
        # bind mounts read the context
        "FROM debian:12\nCOPY . /app\nRUN --mount=type=bind,source=pkgs.txt,target=/pkgs.txt apt-get install -y curl\n",
        # dependency installs are IL1001's
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
    ],
)
def test_volatile_step_passes(text):
    passes("IL1003", text)
