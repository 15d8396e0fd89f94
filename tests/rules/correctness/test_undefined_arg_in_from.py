"""IL8012 undefined-arg-in-from: ARGs in FROM declared too late, quoting, --platform and defaults."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_arg_declared_in_a_stage_is_too_late_for_from():
    finding = catches("IL8012", "FROM alpine:3.20 AS a\nARG TAG=3.20\nFROM alpine:${TAG}\n")[0]
    assert "too late" in finding.message and finding.line == 3


def test_quoted_and_platform_args_resolve():
    passes("IL8012", 'ARG ALPINE_TAG=3.23.2\nFROM alpine:"${ALPINE_TAG}" AS build\nFROM --platform=$TARGETPLATFORM alpine:${ALPINE_TAG}\n')


def test_default_leaving_an_invalid_name():
    catches("IL8012", "ARG ENGINE_VERSION\nFROM docker:${ENGINE_VERSION}-dind\n")
    catches("IL8012", "ARG MAVEN_VERSION=latest\nFROM maven@${MAVEN_VERSION}\n")


def test_stage_names_and_defaults_are_fine():
    passes("IL8012", "ARG VARIANT=bookworm\nFROM debian:${VARIANT}-slim AS base\nFROM base\n")
    passes("IL8012", "ARG IMAGE=alpine\nARG TAG=3.20\nFROM ${IMAGE}:${TAG}\n")
