"""IL5009 redundant-target-platform: --platform=$TARGETPLATFORM in each stage."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=$BUILDPLATFORM alpine:3.22",
        "FROM --platform=linux/$TARGETARCH alpine:3.22",
        "FROM --platform=${TARGETOS}/${TARGETARCH} alpine:3.22",
        "FROM --platform=linux/amd64 alpine:3.22",
        "FROM alpine:3.22",
    ],
)
def test_redundant_platform_passes(text):
    passes("IL5009", text)


def test_redundant_platform_catches_each_stage():
    text = "FROM --platform=$TARGETPLATFORM alpine:3.22 AS a\nFROM --platform=${TARGETPLATFORM} alpine:3.22\n"
    assert [f.line for f in catches("IL5009", text)] == [1, 2]
