"""IL2006 package-removed-in-later-layer: packages installed in one RUN and removed in a later one."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y gcc=4:12.2.0-3\nRUN apt-get remove -y gcc\n",
        "FROM fedora:40\nRUN dnf install -y gcc make\nRUN dnf remove -y gcc\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir Cython==3.0.0\nRUN pip uninstall -y cython\n",
        "FROM node:22\nRUN npm install -g node-gyp@10\nRUN npm uninstall -g node-gyp\n",
        "FROM alpine:3.20\nRUN apk add --no-cache -t .build-deps gcc\nRUN apk del .build-deps\n",
    ],
)
def test_package_removed_later_catches(text):
    catches("IL2006", text)


def test_package_removed_later_points_at_the_removal_and_names_the_packages():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y gcc g++ make libc6-dev\nRUN set -eux; \\\n    apt-get purge -y gcc g++ make libc6-dev\n"
    finding = catches("IL2006", text)[0]
    assert (finding.line, finding.column) == (4, 5)
    assert "gcc, g++, make and 1 more" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # the docker-library pattern: savedAptMark ... purge in one RUN
        "FROM debian:12\nRUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; "
        "apt-get install -y --no-install-recommends gcc; make; apt-mark auto '.*' > /dev/null; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*\n",
        "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc && make && apk del .build-deps\n",
        # removing what the base image brought
        "FROM debian:12\nRUN apt-get purge -y --auto-remove curl\n",
        # autoremove without names
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get autoremove -y\n",
        # builder stage
        "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nRUN apt-get purge -y gcc\n"
        "FROM debian:12\nCOPY --from=build /out /out\n",
        # installed and removed again in one later RUN: nothing from an earlier RUN
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
        "RUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc\n",
    ],
)
def test_package_removed_later_passes(text):
    passes("IL2006", text)
