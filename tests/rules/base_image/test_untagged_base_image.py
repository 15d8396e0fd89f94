"""IL5001 untagged-base-image: FROM without a tag, ARG defaults, registry ports and stage names."""

from __future__ import annotations

import pytest

from tests.rules.base_image.cases import DIGEST
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12-slim",
        f"FROM python@{DIGEST}",
        "ARG TAG=3.12\nFROM python:${TAG}",
        "ARG BASE=python:3.12\nFROM ${BASE}",
        "ARG V\nFROM golang:${V}",  # declared without a default: cannot be judged
        "ARG V=\nFROM golang:${V}",
        "FROM ${UNDECLARED}",
        "FROM golang:1.23 AS build\nFROM build",
        "FROM golang:1.23 AS Build\nFROM build",  # stage names are case-insensitive
        "FROM scratch",
        "ARG ARCH=amd64\nFROM alpine:3.22 AS base-amd64\nFROM base-${ARCH}",
        "FROM localhost:5000/app:1.0",  # the port is not a tag
        "FROM quay.io/libpod/busybox${TARGETARCH:+@" + DIGEST + "}",
    ],
)
def test_untagged_passes(text):
    passes("IL5001", text)


def test_untagged_catches_arg_default_without_tag():
    finding = catches("IL5001", "ARG BASE_IMAGE=quay.io/jupyter/base-notebook\nFROM $BASE_IMAGE\n")[0]
    assert "quay.io/jupyter/base-notebook" in finding.message
    assert (finding.line, finding.column) == (2, 6)


def test_untagged_catches_registry_with_port():
    catches("IL5001", "FROM localhost:5000/app")
