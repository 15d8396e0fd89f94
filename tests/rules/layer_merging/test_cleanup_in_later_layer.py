"""IL2003 cleanup-in-later-layer: cleanup of a cache or file in a later layer than the RUN that made it."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


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
        # ``apt-get update`` alone is IL1002's
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        # a second cleanup of something already cleaned
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n",
    ],
)
def test_cleanup_in_later_layer_passes(text):
    passes("IL2003", text)
