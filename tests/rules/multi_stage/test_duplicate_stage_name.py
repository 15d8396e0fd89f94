"""IL4002 duplicate-stage-name: duplicate stage names, case-insensitively."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_duplicate_stage_name_points_at_the_second_name():
    (finding,) = catches("IL4002", "FROM node:22 AS build\nRUN true\nFROM golang:1.22 as build\n")
    assert finding.line == 3 and finding.column == 21 and "line 1" in finding.message


def test_duplicate_stage_name_is_case_insensitive():
    catches("IL4002", "FROM node:22 AS Build\nFROM golang:1.22 AS build\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:22 AS web\nFROM golang:1.22 AS api\n",
        "FROM node:22\nFROM golang:1.22\n",
        "ARG A=x\nARG B=y\nFROM alpine AS ${A}\nFROM alpine AS ${A}\n",
        "FROM alpine AS build-a\nFROM alpine AS build-b\nFROM build-a\n",
        "FROM alpine AS base\nFROM base AS base-debug\n",
    ],
)
def test_unique_stage_names(text):
    passes("IL4002", text)
