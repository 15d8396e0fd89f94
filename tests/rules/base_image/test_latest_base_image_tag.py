"""IL5002 latest-base-image-tag: the latest tag, also resolved from an ARG, in every stage."""

from __future__ import annotations

import pytest

from tests.rules.base_image.cases import DIGEST
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:22",
        f"FROM node:latest@{DIGEST}",
        "FROM node",  # IL5001's business
        "ARG TAG\nFROM node:${TAG}",
        "FROM node:lts",
    ],
)
def test_latest_passes(text):
    passes("IL5002", text)


def test_latest_catches_arg_resolved_and_every_stage():
    findings = catches("IL5002", "ARG TAG=latest\nFROM node:${TAG} AS a\nFROM alpine:latest\n")
    assert [f.line for f in findings] == [2, 3]
