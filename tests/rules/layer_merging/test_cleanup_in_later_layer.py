"""IL2003 cleanup-in-later-layer: cleanup of a cache or file in a later layer than the RUN that made it."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL2003"]], Settings(), unsafe=unsafe).fixed


@pytest.mark.parametrize(
    "text",
    [
        "FROM centos:7\nRUN yum install -y gcc\nRUN yum clean all\n",
        "FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\n",
        "FROM node:22\nRUN npm install -g yarn@1\nRUN npm cache clean --force\n",
        "FROM debian:12\nWORKDIR /tmp\nRUN wget https://example.com/tool.tar.gz && tar -xzf tool.tar.gz -C /opt\nRUN rm -rf /tmp/*\n",
        "FROM debian:12\nRUN git clone https://github.com/x/y.git /usr/src/y && make -C /usr/src/y install\nRUN rm -rf /usr/src/y\n",
        "FROM python:3.12\nUSER app\nRUN pip install --user flask\nRUN rm -rf /home/app/.cache/pip\n",
    ],
)
def test_cleanup_in_later_layer_catches(text):
    catches("IL2003", text)


def test_cleanup_in_later_layer_names_the_creating_run_and_points_at_the_cleanup():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN set -eux; \\\n    rm -rf /var/lib/apt/lists/*\n"
    finding = catches("IL2003", text)[0]
    assert (finding.line, finding.column) == (4, 5)
    assert "line 2" in finding.message and "/var/lib/apt/lists" in finding.message


def test_cleanup_in_later_layer_reports_a_clean_command_once():
    assert len(catches("IL2003", "FROM centos:7\nRUN yum install -y gcc\nRUN yum clean all\n")) == 1


@pytest.mark.parametrize(
    "text",
    [
        # the docker-library pattern: clean up in the same RUN
        "FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates; "
        "rm -rf /var/lib/apt/lists/*\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN rm -rf /var/cache/apk/*\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir flask\nRUN rm -rf /root/.cache/pip\n",
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nRUN pip cache purge\n",
        # deleting something the earlier RUN did not create
        "FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz\nRUN rm -rf /tmp/b\n",
        # a second cleanup of something already cleaned
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n",
    ],
)
def test_cleanup_in_later_layer_passes(text):
    passes("IL2003", text)


# --- the fix: the cleanup moves into the RUN that created the files ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        ),
        (
            "FROM centos:7\nRUN yum install -y gcc\nLABEL a=b\nRUN yum clean all\n",
            "FROM centos:7\nRUN yum install -y gcc && yum clean all\nLABEL a=b\n",
        ),
        (  # continuation lines: appended as one more line; the later RUN keeps its other commands
            "FROM debian:12\n"
            "RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/node.tar.xz \\\n"
            "    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1\n"
            "RUN set -eux; \\\n"
            "    echo hi && rm /tmp/node.tar.xz; \\\n"
            "    echo done\n",
            "FROM debian:12\n"
            "RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/node.tar.xz \\\n"
            "    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 \\\n"
            "    && rm /tmp/node.tar.xz\n"
            "RUN set -eux; \\\n"
            "    echo hi; \\\n"
            "    echo done\n",
        ),
        (  # a ``set`` and the cleanup: the whole RUN goes
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n# tidy up\nRUN set -eux; \\\n    rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n# tidy up\n",
        ),
        (
            "FROM debian:12\r\nRUN apt-get update \\\r\n  && apt-get install -y curl\r\nRUN rm -rf /var/lib/apt/lists/* && echo ok\r\n",
            "FROM debian:12\r\nRUN apt-get update \\\r\n  && apt-get install -y curl \\\r\n  && rm -rf /var/lib/apt/lists/*\r\nRUN echo ok\r\n",
        ),
        (
            "# escape=`\nFROM debian:12\nRUN apt-get update `\n    && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
            "# escape=`\nFROM debian:12\nRUN apt-get update `\n    && apt-get install -y curl `\n    && rm -rf /var/lib/apt/lists/*\n",
        ),
    ],
)
def test_cleanup_in_later_layer_fix_moves_the_cleanup(text, expected):
    assert fixed(text) == expected
    assert fixed(expected) == expected  # fixing again changes nothing
    assert fixed(text, unsafe=False) == text  # the fix is unsafe


@pytest.mark.parametrize(
    "text",
    [
        # a RUN between still uses the lists
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\nRUN rm -rf /var/lib/apt/lists/*\n",
        # the extraction in the later RUN still needs the download
        "FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz\nRUN tar -xzf /tmp/a.tgz -C /opt && rm /tmp/a.tgz\n",
        # it also removes what a COPY in between brought
        "FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz\nCOPY b /tmp/b\nRUN rm -rf /tmp/*\n",
        # it removes more than that RUN made
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/* /etc/motd\n",
        # a variable, a relative path
        "FROM debian:12\nENV L=/var/lib/apt/lists\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf $L/*\n",
        "FROM debian:12\nWORKDIR /tmp\nRUN curl -fsSLo a.tgz https://example.com/a.tgz\nRUN rm a.tgz\n",
        # another user, a compound command, a trailing comment in the creating RUN
        "FROM python:3.12\nRUN pip install flask\nUSER app\nRUN pip cache purge\n",
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN if true; then rm -rf /var/lib/apt/lists/*; fi\n",
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl # tools\nRUN rm -rf /var/lib/apt/lists/*\n",
        # an export in the creating RUN could point the cleanup elsewhere
        "FROM python:3.12\nRUN export PIP_CACHE_DIR=/opt/cache && pip install flask\nRUN pip cache purge\n",
        # the creating RUN is in the parent stage
        "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nRUN rm -rf /var/lib/apt/lists/*\n",
    ],
)
def test_cleanup_in_later_layer_fix_keeps_the_advice(text):
    finding = catches("IL2003", text)[0]
    assert finding.fix is None or finding.fix.applicability == "display-only"
    assert fixed(text) == text


def test_cleanup_after_a_lone_index_update_is_reported_beside_il1002():
    """Both are true: the update's layer goes stale (IL1002) and keeps the lists the rm hides (IL2003)."""
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    (finding,) = catches("IL2003", text)
    assert finding.line == 3 and "the apt-get update in the RUN at line 2 created" in finding.message
    assert [f.rule for f in lint_snippet("IL1002", text)] == ["IL1002"]
