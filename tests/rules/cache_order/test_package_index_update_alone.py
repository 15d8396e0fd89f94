"""IL1002 package-index-update-alone: an index update in its own RUN, where it points, and inline pragmas."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
        "FROM debian:12\nRUN apt update\nRUN apt install -y curl\n",
        "FROM fedora:40\nRUN dnf makecache\nRUN dnf install -y curl\n",
        "FROM debian:12\nRUN apt-get -q update\nRUN echo hi\nRUN apt-get -qq install -y curl\n",
        "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n",
    ],
)
def test_index_update_alone_catches(text):
    catches("IL1002", text)


def test_index_update_alone_points_at_the_update_command():
    text = "FROM debian:12\nRUN set -eux; \\\n    apt-get update\nRUN apt-get install -y curl\n"
    finding = catches("IL1002", text)[0]
    assert (finding.line, finding.column) == (3, 5)
    assert "line 4" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian:12\nRUN apt-get update\n",  # nothing installs from it afterwards
        "FROM debian:12\nRUN apt-get update\nRUN apk add curl\n",  # another package manager
        "FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl\n",
        "FROM debian:12 AS a\nRUN apt-get update\nFROM debian:12\nRUN apt-get install -y curl\n",
        "FROM alpine:3.20\nRUN apk update && apk upgrade\nRUN apk add --no-cache curl\n",
        "FROM debian:12\nRUN apt-get install -y --no-install-recommends update-notifier\n",
    ],
)
def test_index_update_alone_passes(text):
    passes("IL1002", text)


def test_cache_order_rules_respect_inline_pragmas():
    text = "FROM debian:12\n# imagelint ignore=IL1002\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert not [f for f in lint_snippet("IL1002", text) if f.rule == "IL1002"]
