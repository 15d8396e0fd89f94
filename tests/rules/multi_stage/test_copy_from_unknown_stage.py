"""IL4001 copy-from-unknown-stage: COPY --from/RUN --mount=from of own, later, misspelt or missing stages."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_copy_from_own_stage():
    (finding,) = catches("IL4001", "FROM alpine:3.20 AS build\nCOPY --from=build /a /b\n")
    assert "its own stage" in finding.message and finding.line == 2


def test_copy_from_later_stage_names_its_line():
    (finding,) = catches("IL4001", "FROM alpine:3.20 AS app\nCOPY --from=build /a /b\nFROM golang:1.22 AS build\n")
    assert "line 3" in finding.message


def test_copy_from_index_out_of_range():
    (finding,) = catches("IL4001", "FROM golang:1.22\nFROM alpine:3.20\nCOPY --from=2 /a /b\n")
    assert "no stage 2" in finding.message and "0 to 1" in finding.message


def test_copy_from_own_index():
    catches("IL4001", "FROM golang:1.22\nFROM alpine:3.20\nCOPY --from=1 /a /b\n")


def test_copy_from_misspelt_stage_suggests_the_name():
    (finding,) = catches("IL4001", "FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=buidler /a /b\n")
    assert "did you mean stage 'builder'" in finding.message


def test_copy_from_typical_stage_name_that_is_not_defined():
    (finding,) = catches("IL4001", "FROM golang:1.22 AS compile\nFROM alpine:3.20\nCOPY --from=builder /a /b\n")
    assert "'builder'" in finding.message


def test_run_mount_from_own_stage():
    catches("IL4001", "FROM golang:1.22 AS build\nRUN --mount=type=bind,from=build,target=/src go build\n")


@pytest.mark.parametrize(
    "text",
    [
        # Image references and BuildKit named contexts are not stages.
        "FROM alpine:3.20\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        "FROM alpine:3.20\nCOPY --from=busybox /bin/busybox /bin/\n",
        "FROM alpine:3.20\nCOPY --from=ghcr.io/org/tool /tool /usr/bin/\n",
        "FROM alpine:3.20\nCOPY --from=docs-context /site /srv\n",
        # Stage names are case-insensitive.
        "FROM golang:1.22 AS Build\nFROM alpine:3.20\nCOPY --from=build /a /b\n",
        "FROM golang:1.22\nFROM alpine:3.20\nCOPY --from=0 /a /b\n",
        # Variables: resolved when they have a value, skipped otherwise.
        "ARG S=build\nFROM golang:1.22 AS build\nFROM alpine:3.20\nARG S\nCOPY --from=${S} /a /b\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.20\nARG S\nCOPY --from=$S /a /b\n",
        # Stage names set by ARGs (buildah tests): any --from may name them.
        "ARG N=first\nFROM alpine AS ${N}\nFROM alpine\nCOPY --from=first /a /b\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.20\nRUN --mount=from=build,source=/out,target=/in cp /in/app /app\n",
    ],
)
def test_copy_from_valid_references(text):
    passes("IL4001", text)
