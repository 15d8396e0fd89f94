"""IL4004 stage-name-not-lowercase: stage names that are not lower case and the kebab-case suggestion."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(("name", "suggestion"), [("goBuilder", "go-builder"), ("BASE", "base"), ("getRuntime", "get-runtime")])
def test_stage_name_casing_suggests_kebab_case(name, suggestion):
    (finding,) = catches("IL4004", f"FROM golang:1.22 AS {name}\n")
    assert f"'{suggestion}'" in finding.message and finding.fix.description == f"AS {suggestion}"


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22 AS go-builder\n",
        "FROM golang:1.22 as builder\n",
        "FROM golang:1.22\n",
        "ARG NAME=Build\nFROM golang:1.22 AS ${NAME}\n",
        "FROM golang:1.22 AS build_2\n",
    ],
)
def test_lowercase_stage_names(text):
    passes("IL4004", text)
