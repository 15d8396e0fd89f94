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
        "FROM alpine:3.20\nRUN mkdir /app\nRUN ./configure\n",
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
    text = "FROM alpine:3.20\nRUN touch /app\nRUN date > /built-at\n"
    passes("IL2002", text)
    settings = Settings(rule_options={"IL2002": {"mode": "any"}})
    assert [f for f in lint_snippet("IL2002", text, settings=settings) if f.rule == "IL2002"]
    settings = Settings(rule_options={"IL2002": {"max-commands": 1}})
    passes("IL2002", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n", settings=settings)


def test_micromamba_installs_are_package_steps():
    text = "FROM mambaorg/micromamba:2.0\nRUN micromamba install -y -n base numpy\nRUN micromamba install -y -n base scipy\n"
    assert "both conda installs" in catches("IL2002", text)[0].message


_SETUP = "both only create directories, users, links or modes"


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nRUN mkdir /app\nRUN chown app /app\n",
        "FROM debian:12\nRUN groupadd -r app && useradd -r -g app app\nRUN mkdir -p /srv/app /var/log/app && chmod 0750 /srv/app\n",
        "FROM debian:12\nRUN set -eux; ln -s /usr/bin/python3 /usr/local/bin/python\n# logs\nRUN mkdir -p /var/log/app\n",
        "FROM alpine:3.20\nRUN addgroup -S app\nRUN adduser -S -G app app\n",
    ],
)
def test_consecutive_setup_runs_catches(text):
    (finding,) = catches("IL2002", text)
    assert _SETUP in finding.message and str(finding.severity) == "info"


def test_a_run_of_setup_runs_reports_each_joint():
    text = "FROM debian:12\nRUN useradd app\nRUN mkdir /data\nRUN chown app /data\nRUN chmod 700 /data\n"
    assert [f.line for f in catches("IL2002", text)] == [3, 4, 5]
    assert fixed(text) == "FROM debian:12\nRUN useradd app && \\\n    mkdir /data && \\\n    chown app /data && \\\n    chmod 700 /data\n"


@pytest.mark.parametrize(
    "text",
    [
        # a builder stage: its layers are not shipped, caching matters more
        "FROM debian:12 AS build\nRUN mkdir /out\nRUN chown nobody /out\nFROM scratch\nCOPY --from=build /out /out\n",
        # never across instructions that change the cache key
        "FROM debian:12\nRUN mkdir /app\nCOPY app /app\nRUN chown -R nobody /app\n",
        "FROM debian:12\nRUN mkdir /app\nADD app.tar.gz /app\nRUN chown -R nobody /app\n",
        "FROM debian:12\nRUN mkdir /app\nARG OWNER=nobody\nRUN chown -R $OWNER /app\n",
        # one of them does more than set up
        "FROM debian:12\nRUN mkdir /app\nRUN chown -R nobody /app && make -C /app\n",
        # exec form, ONBUILD triggers
        'FROM debian:12\nRUN mkdir /app\nRUN ["chown", "nobody", "/app"]\n',
        "FROM debian:12\nONBUILD RUN mkdir /app\nONBUILD RUN chown nobody /app\n",
    ],
)
def test_consecutive_setup_runs_passes(text):
    passes("IL2002", text)


def test_setup_steps_can_be_turned_off_and_stay_off_in_builder_stages():
    text = "FROM alpine:3.20\nRUN mkdir /app\nRUN chown app /app\n"
    passes("IL2002", text, settings=Settings(rule_options={"IL2002": {"setup-steps": False}}))
    builder = "FROM debian:12 AS build\nRUN mkdir /out\nRUN chown nobody /out\nFROM scratch\nCOPY --from=build /out /out\n"
    passes("IL2002", builder, settings=Settings(rule_options={"IL2002": {"builder-stages": True}}))


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
        ("FROM alpine:3.20\nRUN declare -x A=1\nRUN echo done\n", None),
        ("FROM alpine:3.20\nRUN readonly PATH=/opt/bin:$PATH\nRUN echo done\n", None),
        ("FROM alpine:3.20\nRUN exec >/tmp/build.log 2>&1\nRUN echo done\n", None),  # its output to the log
        # the second RUN would never run: the shell ends first
        ("FROM alpine:3.20\nRUN make && exit 0\nRUN echo done\n", None),
        ("FROM alpine:3.20\nRUN exec /usr/local/bin/setup.sh\nRUN echo done\n", None),
    ],
)
def test_consecutive_runs_fix_in_any_mode(text, expected):
    settings = settings_from_table({"rules": {"IL2002": {"mode": "any"}}}, "test", registered_rules())
    assert lint_snippet("IL2002", text, settings=settings)
    assert fixed(text, settings=settings) == (expected or text)
