"""IL5001 untagged-base-image: FROM without a tag, ARG defaults, registry ports and stage names."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import ConfigError, Settings, settings_from_table
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


def tags_settings(tags: dict | None) -> Settings | None:
    return settings_from_table({"rules": {"IL5001": {"tags": tags}}}, "test", registered_rules()) if tags is not None else None


def fixed(text: str, tags: dict | None = None) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL5001"]], tags_settings(tags) or Settings()).fixed


TAGS = {"python": "3.12-slim", "node": DIGEST, "ghcr.io/acme/base": f"1.4@{DIGEST}"}


def test_configured_tag_is_appended():
    assert fixed("FROM python\n", TAGS) == "FROM python:3.12-slim\n"
    assert fixed("FROM docker.io/library/python AS app\n", TAGS) == "FROM docker.io/library/python:3.12-slim AS app\n"
    assert fixed("FROM --platform=$BUILDPLATFORM node AS web\n", TAGS) == f"FROM --platform=$BUILDPLATFORM node@{DIGEST} AS web\n"
    assert fixed("FROM ghcr.io/acme/base\n", TAGS) == f"FROM ghcr.io/acme/base:1.4@{DIGEST}\n"


def test_fix_keeps_continuations_crlf_and_the_backtick_escape():
    text = "FROM \\\r\n    python \\\r\n    AS app\r\nRUN true\r\n"
    assert fixed(text, TAGS) == "FROM \\\r\n    python:3.12-slim \\\r\n    AS app\r\nRUN true\r\n"
    text = "# escape=`\nfrom python `\n    as app\n"
    assert fixed(text, TAGS) == "# escape=`\nfrom python:3.12-slim `\n    as app\n"


def test_without_a_configured_tag_it_is_only_suggested():
    for text, tags in (
        ("FROM python\n", None),
        ("FROM ruby\n", TAGS),
        ("FROM quay.io/python\n", TAGS),  # another registry's image of that name
        ("ARG BASE=python\nFROM ${BASE}\n", TAGS),  # --build-arg BASE=python:3.11 would break an appended tag
        ("FROM python\n", {"python": "not a tag!"}),
    ):
        finding = catches("IL5001", text, settings=tags_settings(tags))[0]
        assert finding.fix is None or finding.fix.applicability == "display-only"
        assert fixed(text, tags) == text


def test_tags_option_must_be_a_table_of_strings():
    with pytest.raises(ConfigError, match="table of strings"):
        settings_from_table({"rules": {"IL5001": {"tags": {"python": 3.12}}}}, "test", registered_rules())
    with pytest.raises(ConfigError, match="table of strings"):
        settings_from_table({"rules": {"IL5001": {"tags": "3.12"}}}, "test", registered_rules())


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM python AS a\nFROM node\nCOPY --from=a /x /x\n", TAGS)
    assert once == f"FROM python:3.12-slim AS a\nFROM node@{DIGEST}\nCOPY --from=a /x /x\n"
    assert fixed(once, TAGS) == once
