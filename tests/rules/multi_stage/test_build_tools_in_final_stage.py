"""IL4009 build-tools-in-final-stage: build tools shipped in the final stage, variants and removal."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes

_PY_APP_TAIL = 'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n'


def test_build_tools_point_at_the_package_in_a_multiline_run():
    text = (
        "FROM python:3.12-slim\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "       curl gcc libpq-dev \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n" + _PY_APP_TAIL
    )
    (finding,) = catches("IL4009", text)
    assert (finding.line, finding.column) == (4, 13)
    assert "gcc, libpq-dev" in finding.message


def test_build_tools_removed_only_in_a_later_run_still_count():
    text = (
        "FROM python:3.12-alpine\nRUN apk add --no-cache build-base\n" + _PY_APP_TAIL.replace("COPY . .\n", "COPY . .\nRUN apk del build-base\n")
    )
    catches("IL4009", text)


@pytest.mark.parametrize(
    "install",
    [
        "RUN yum install -y gcc python3-devel && yum clean all",
        "RUN apt-get update && apt-get install -y build-essential=12.9 && rm -rf /var/lib/apt/lists/*",
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev",  # never deleted
        "RUN apt-get update && apt-get install -y make && apt-get purge -y gcc",
    ],
)
def test_build_tools_variants(install):
    catches("IL4009", f"FROM python:3.12-slim\n{install}\n{_PY_APP_TAIL}")


@pytest.mark.parametrize(
    "install",
    [
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install -r requirements.txt && apk del .build-deps",
        "RUN apk add --no-cache -t .deps gcc && pip install uwsgi && apk del --no-network .deps",
        # docker-library: apt-mark the manual set, install, build, then purge --auto-remove.
        'RUN savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y gcc libc6-dev make; '
        "make install; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
        "RUN apt-get update && apt-get install -y gcc && pip install x && apt-get purge -y --auto-remove gcc",
        'RUN buildDeps="gcc make"; apt-get update && apt-get install -y $buildDeps && make && apt-get purge -y $buildDeps',
        "RUN dnf install -y gcc && pip install x && dnf remove -y gcc",
        "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl",
    ],
)
def test_build_tools_removed_in_the_same_run(install):
    passes("IL4009", f"FROM python:3.12-slim\n{install}\n{_PY_APP_TAIL}")


@pytest.mark.parametrize(
    "text",
    [
        # Builder stages are exempt.
        "FROM python:3.12 AS build\nRUN apt-get update && apt-get install -y gcc libpq-dev\nRUN pip wheel -w /w psycopg2\n"
        "FROM python:3.12-slim\nCOPY --from=build /w /w\n" + _PY_APP_TAIL,
        # Toolchain / CI images: no CMD, or a shell.
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential cmake\nCOPY requirements.txt .\n",
        'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /src\nCMD ["/bin/bash"]\n',
        # Official-image style: copies only its entrypoint script.
        'FROM debian:12-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n',
        # A development environment, as its comments say.
        "# Assemble the full dev environment.\nFROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential\n"
        'COPY . /go/src/app\nENTRYPOINT ["hack/dind"]\n',
        # A dev target.
        "FROM python:3.12-slim AS dev\nRUN apt-get update && apt-get install -y gcc\n" + _PY_APP_TAIL,
    ],
)
def test_build_tools_outside_application_images(text):
    passes("IL4009", text)


def test_build_tools_in_a_parent_stage_of_the_final_one():
    text = "FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y gcc\nFROM base\n" + _PY_APP_TAIL
    (finding,) = catches("IL4009", text)
    assert finding.line == 2
