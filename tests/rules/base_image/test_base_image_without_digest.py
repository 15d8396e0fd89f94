"""IL5003 base-image-without-digest: tagged images without a digest, in each stage."""

from __future__ import annotations

import pytest

from tests.rules.base_image.cases import DIGEST
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        f"FROM python:3.12-slim@{DIGEST}",
        "FROM python",  # untagged: IL5001 reports it
        "FROM python:latest",  # IL5002 reports it
        "FROM scratch",
        "ARG V\nFROM python:${V}",
        f"FROM python:3.12@{DIGEST} AS build\nFROM build",
    ],
)
def test_digest_passes(text):
    passes("IL5003", text)


def test_digest_catches_each_tagged_stage():
    findings = catches("IL5003", "FROM golang:1.23 AS build\nFROM alpine:3.22\n")
    assert [f.line for f in findings] == [1, 2]
    assert findings[0].severity.name == "INFO"
