"""IL1002 package-index-update-alone: an index update in its own RUN, where it points, and inline pragmas."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes


def fixed(text: str, *, unsafe: bool = False) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL1002"]], Settings(), unsafe=unsafe).fixed


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
        "FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl\n",
        "FROM alpine:3.20\nRUN apk update && apk upgrade\nRUN apk add --no-cache curl\n",
        "FROM debian:12\nRUN apt-get install -y --no-install-recommends update-notifier\n",
    ],
)
def test_index_update_alone_passes(text):
    passes("IL1002", text)


_UNUSED = "runs alone and nothing after it installs from that index"


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update\n",
        "FROM debian:12\nRUN set -eux; apt-get update\nCOPY app /app\nCMD [\"/app\"]\n",
        "FROM debian:12\nRUN apt-get update\nRUN apk add curl\n",  # another package manager
        "FROM debian:12\nRUN aptitude update\n",
        "FROM rockylinux:9-minimal\nRUN microdnf makecache\n",
        "FROM photon:5.0\nRUN tdnf makecache\n",
        "FROM opensuse/leap:15.6\nRUN zypper refresh\n",
        "FROM alpine:3.22\nRUN apk update\n",
        # another stage installs, but not one built FROM this one
        "FROM debian:12 AS a\nRUN apt-get update\nFROM debian:12\nRUN apt-get install -y curl\n",
    ],
)
def test_update_nothing_installs_from_is_reported(text):
    (finding,) = catches("IL1002", text)
    assert _UNUSED in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n",  # the stale-index finding
        "FROM debian:12\nCOPY install.sh /tmp/\nRUN apt-get update\nRUN /tmp/install.sh\n",
        "FROM debian:12\nRUN apt-get update\nRUN bash /tmp/deps.sh\n",
        "FROM debian:12\nRUN apt-get update\nRUN xx-apt-get install -y gcc\n",
        "FROM debian:12\nRUN apt-get update\nONBUILD RUN apt-get install -y curl\n",
        "FROM debian:12\nRUN apt-get update && ./configure\n",  # not alone
    ],
)
def test_update_something_may_install_from_is_not_unused(text):
    assert not [f for f in lint_snippet("IL1002", text) if _UNUSED in f.message]



def test_many_stages_with_lone_updates_stay_correct():
    """A chain of 1,000 stages that each refresh the index, installed from at its end, beside
    1,000 stages that only refresh it: the chain's updates are used (the last one is stale), each
    lone one is reported once. Asking every RUN of every stage once, not each stage of each."""
    chain = "".join(f"FROM {f'c{k - 1}' if k else 'debian:12'} AS c{k}\nRUN apt-get update\n" for k in range(1000))
    chain += "RUN apt-get install -y curl\n"  # line 2001
    lone = "".join(f"FROM debian:12 AS l{k}\nRUN apt-get update\n" for k in range(1000))
    findings = lint_snippet("IL1002", chain + lone)
    assert sorted(f.line for f in findings if _UNUSED in f.message) == [2003 + 2 * k for k in range(1000)]
    assert [f.line for f in findings if _UNUSED not in f.message] == [2000]


def test_cache_order_rules_respect_inline_pragmas():
    text = "FROM debian:12\n# imagelint ignore=IL1002\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert not [f for f in lint_snippet("IL1002", text) if f.rule == "IL1002"]


# --- the fix: the update moves to the front of the install RUN ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
        ),
        (
            "FROM alpine:3.20\nRUN apk update\nLABEL a=b\nRUN apk add curl\n",
            "FROM alpine:3.20\nLABEL a=b\nRUN apk update && apk add curl\n",
        ),
        (  # continuation lines, a ``set`` in the lone RUN
            "FROM debian:12\nRUN set -eux; \\\n    apt-get -q update\nRUN apt-get install -y \\\n        curl \\\n    && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:12\nRUN apt-get -q update && apt-get install -y \\\n        curl \\\n    && rm -rf /var/lib/apt/lists/*\n",
        ),
        (
            "FROM debian:12\r\nRUN apt-get update\r\nRUN apt-get install -y \\\r\n    curl\r\n",
            "FROM debian:12\r\nRUN apt-get update && apt-get install -y \\\r\n    curl\r\n",
        ),
        (
            "# escape=`\nFROM debian:12\nRUN apt-get update\nRUN apt-get install -y `\n    curl\n",
            "# escape=`\nFROM debian:12\nRUN apt-get update && apt-get install -y `\n    curl\n",
        ),
    ],
)
def test_index_update_alone_fix_is_safe_when_only_the_layers_change(text, expected):
    assert fixed(text) == expected
    assert fixed(expected) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a COPY between: the update now sees the copied sources list
            "FROM debian:12\nRUN apt-get update\nCOPY extra.list /etc/apt/sources.list.d/\nRUN apt-get install -y curl\n",
            "FROM debian:12\nCOPY extra.list /etc/apt/sources.list.d/\nRUN apt-get update && apt-get install -y curl\n",
        ),
        (  # the lone RUN does more: only the update leaves it
            "FROM debian:12\nRUN echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/b.list \\\n"
            "    && apt-get update\nRUN apt-get install -y curl\n",
            "FROM debian:12\nRUN echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/b.list\n"
            "RUN apt-get update && apt-get install -y curl\n",
        ),
        (  # ``;`` in the install RUN: a failed update would no longer stop the build by itself
            "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl; true\n",
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl; true\n",
        ),
    ],
)
def test_index_update_alone_fix_is_unsafe_otherwise(text, expected):
    assert fixed(text) == text
    assert fixed(text, unsafe=True) == expected
    assert fixed(expected, unsafe=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n",  # a parent stage's update
        "FROM debian:12\nARG M=http://deb.debian.org\nRUN apt-get update -o Acquire::http::Proxy=$M\nRUN apt-get install -y curl\n",
        "FROM debian:12\nRUN apt-get update\nRUN apt-cache policy curl\nRUN apt-get install -y curl\n",  # uses the index between
        "FROM debian:12\nRUN apt-get update\nUSER app\nRUN apt-get install -y curl\n",
        "FROM debian:12\nRUN export http_proxy=http://proxy:3128 && apt-get update\nRUN apt-get install -y curl\n",
        "FROM debian:12\nRUN apt-get update\nRUN <<EOF\napt-get install -y curl\nEOF\n",
        "FROM debian:12\nRUN apt-get update\nRUN if true; then apt-get install -y curl; fi\n",
    ],
)
def test_index_update_alone_fix_keeps_the_advice(text):
    finding = catches("IL1002", text)[0]
    assert finding.fix is None or finding.fix.applicability == "display-only"
    assert fixed(text, unsafe=True) == text
