"""IL5008 constant-from-platform: hard-coded --platform, per-architecture stages, the DL3029 pragma."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=$BUILDPLATFORM golang:1.23 AS build",
        "FROM --platform=${BUILDPLATFORM} golang:1.23 AS build",
        "FROM --platform=$TARGETPLATFORM alpine:3.22",  # IL5009's business
        "ARG arch=amd64\nFROM --platform=linux/${arch} alpine:3.22",  # hadolint DL3029 reports this
        "FROM --platform=linux/amd64 alpine:3.22 AS build-amd64",
        "FROM --platform=linux/arm64 alpine:3.22 AS tools_arm64",
        "FROM --platform=linux/x86_64 alpine:3.22 AS fetch-amd64",  # normalised like BuildKit
        "FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022 AS windows",
        "FROM alpine:3.22",
    ],
)
def test_constant_platform_passes(text):
    passes("IL5008", text)


def test_constant_platform_catches_with_location():
    finding = catches("IL5008", "FROM alpine:3.22\n\nFROM --platform=linux/arm/v7 ubuntu:24.04 AS final-image\n")[0]
    assert finding.line == 3 and "linux/arm/v7" in finding.message


def test_hadolint_pragma_suppresses_equivalent():
    text = "# hadolint ignore=DL3029\nFROM --platform=linux/amd64 alpine:3.22\n"
    assert not [f for f in lint_snippet("IL5008", text) if f.rule == "IL5008"]
