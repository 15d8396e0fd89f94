"""IL4007 copy-whole-filesystem-from-stage: a stage's whole filesystem copied into an OS image, idioms that are fine."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_copy_whole_filesystem_into_an_os_image():
    (finding,) = catches("IL4007", "FROM debian:12 AS build\nRUN make\nFROM debian:12-slim\nCOPY --from=build / /\n")
    assert finding.line == 4 and "'build'" in finding.message


def test_copy_whole_filesystem_with_dot_spelling():
    catches("IL4007", "FROM debian:12 AS build\nFROM debian:12-slim\nCOPY --from=build /. ./\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12-slim AS rootfs\nRUN apt-get update\nFROM scratch\nCOPY --from=rootfs / /\n",
        "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.5.0 AS xx\nFROM golang:1.22-alpine\nCOPY --from=xx / /\n",
        "FROM alpine:3.20\nCOPY --from=gloursdocker/docker / /\n",
        "FROM debian:12 AS build\nFROM debian:12-slim\nCOPY --from=build / /rootfs\n",
        "FROM debian:12 AS build\nFROM debian:12-slim\nCOPY --from=build /usr/local/bin/app /usr/local/bin/\n",
        "FROM golang:1.22 AS build\nFROM scratch AS out\nCOPY --from=build /app /app\nFROM alpine:3.20\nCOPY --from=out / /\n",
        "FROM alpine AS base\nFROM scratch AS squashed\nCOPY --from=base / /\nFROM squashed\n",
    ],
)
def test_copy_whole_filesystem_idioms(text):
    passes("IL4007", text)
