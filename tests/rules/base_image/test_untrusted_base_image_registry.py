"""IL5004 untrusted-base-image-registry: trusted_registries, wildcards, Docker Hub, off without configuration."""

from __future__ import annotations

import pytest

from imagelint.settings import Settings
from tests.support.helpers import catches, passes

TRUSTED = Settings(trusted_registries=("docker.io", "*.gcr.io", "registry.example.com"))


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12",
        "FROM docker.io/library/python:3.12",
        "FROM index.docker.io/library/python:3.12",
        "FROM eu.gcr.io/project/app:1",
        "FROM registry.example.com/team/app:1",
        "FROM REGISTRY.EXAMPLE.COM/team/app:1",
        "FROM scratch",
        "FROM python:3.12 AS build\nFROM build",
        "ARG REGISTRY\nFROM ${REGISTRY}/app:1",  # registry unknown: cannot be judged
        "ARG IMAGE\nFROM $IMAGE",
    ],
)
def test_registry_passes(text):
    passes("IL5004", text, settings=TRUSTED)


@pytest.mark.parametrize(
    ("text", "registry"),
    [
        ("FROM quay.io/prometheus/busybox:1.36", "quay.io"),
        ("FROM gcr.io/distroless/static:nonroot", "gcr.io"),  # *.gcr.io needs a subdomain, as in hadolint
        ("ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/org/app:1", "ghcr.io"),  # hadolint#339 style: resolved
        ("ARG TAG\nFROM public.ecr.aws/docker/library/alpine:${TAG}", "public.ecr.aws"),
        ("FROM localhost:5000/app:1", "localhost:5000"),
    ],
)
def test_registry_catches(text, registry):
    finding = catches("IL5004", text, settings=TRUSTED)[0]
    assert registry in finding.message and finding.severity.name == "ERROR"


def test_registry_off_without_configuration():
    passes("IL5004", "FROM quay.io/prometheus/busybox:1.36")


def test_registry_docker_hub_must_be_listed():
    catches("IL5004", "FROM python:3.12", settings=Settings(trusted_registries=("registry.example.com",)))
    passes("IL5004", "FROM python:3.12", settings=Settings(trusted_registries=("hub.docker.com",)))
