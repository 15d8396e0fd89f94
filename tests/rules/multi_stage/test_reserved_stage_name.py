"""IL4003 reserved-stage-name: reserved stage names."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize("name", ["scratch", "context", "Scratch", "CONTEXT"])
def test_reserved_stage_names(name):
    (finding,) = catches("IL4003", f"FROM alpine:3.20 AS {name}\n")
    assert finding.column == 21


@pytest.mark.parametrize(
    "text",
    [
        "FROM scratch\nCOPY app /\n",
        "FROM alpine:3.20 AS scratch-base\n",
        "FROM alpine:3.20 AS build-context\n",
        "FROM scratch AS release\n",
        "FROM alpine:3.20\nCOPY --from=context /a /b\n",
    ],
)
def test_not_reserved_stage_names(text):
    passes("IL4003", text)
