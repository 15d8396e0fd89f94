"""IL4006 unused-named-stage: named stages never used or targeted."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_unused_named_stage_points_at_its_name():
    (finding,) = catches("IL4006", "FROM golang:alpine AS builder\nFROM ruby:3.2-slim\nCMD [\"fluentd\"]\n")
    assert finding.line == 1 and finding.column == 23 and finding.severity.name == "INFO"


@pytest.mark.parametrize(
    "text",
    [
        # Alternative targets: named like one, runnable, artefact stages, variants of a stage.
        "FROM python:3.12-slim AS base\nFROM base AS dev\nCMD [\"flask\", \"run\"]\nFROM base AS final\n",
        "FROM golang:1.22 AS lint\nRUN golangci-lint run\nFROM alpine:3.20\n",
        "FROM golang:1.22 AS server\nCMD [\"go\", \"run\", \".\"]\nFROM alpine:3.20\n",
        "FROM golang:1.22 AS build\nRUN go build -o /out/app\nFROM scratch AS binaries\nCOPY --from=build /out/app /\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n",
        "FROM alpine:3.20 AS base\nFROM base AS with-gdb\nRUN apk add gdb\nFROM base\n",
        # Chosen through a variable: every stage it could name counts as used.
        "ARG VARIANT=prod\nFROM alpine:3.20 AS app-dev\nFROM alpine:3.20 AS app-prod\nFROM app-${VARIANT}\n",
        "FROM golang:1.22 AS build-amd64\nFROM golang:1.22 AS build-arm64\nFROM alpine:3.20\nARG TARGETARCH\nCOPY --from=build-${TARGETARCH} /a /b\n",
        # Used through a mount, or by a stage the final one uses.
        "FROM golang:1.22 AS mod\nRUN go mod download\nFROM alpine:3.20\nRUN --mount=from=mod,source=/go,target=/go true\n",
        "FROM golang:1.22 AS deps\nFROM deps AS build\nFROM alpine:3.20\nCOPY --from=build /a /b\n",
        # Three or more unused stages: a multi-target (bake) file.
        "FROM alpine AS docs\nFROM alpine AS tools\nFROM alpine AS helpers\nFROM alpine AS utils\nFROM alpine\n",
    ],
)
def test_named_stages_in_use_or_targets(text):
    passes("IL4006", text)
