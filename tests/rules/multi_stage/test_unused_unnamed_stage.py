"""IL4005 unused-unnamed-stage: unnamed stages never built or copied from."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes


def test_unused_unnamed_stage():
    (finding,) = catches("IL4005", "FROM ubuntu:24.04\nRUN echo hi\n\nFROM python:3.12-slim\n")
    assert finding.line == 1 and "never built" in finding.message
    assert {f.line for f in lint_snippet("IL4005", "FROM ubuntu:24.04\nFROM alpine:3.20\nFROM python:3.12\n")} == {1, 2}


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=0 /app /app\n",
        "FROM golang:1.22\nFROM alpine:3.20\nRUN --mount=from=0,source=/usr/local/go,target=/go ls /go\n",
        "FROM alpine:3.20\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.20\n",  # named: IL4006's business
        "FROM golang:1.22\nFROM alpine:3.20\nARG FROM_STAGE=0\nCOPY --from=$FROM_STAGE /a /b\n",
    ],
)
def test_unnamed_stages_in_use(text):
    passes("IL4005", text)
