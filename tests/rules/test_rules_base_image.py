"""base-image rules: tags, digests, registries, full images, end of life, deprecation, --platform."""

from __future__ import annotations

import pytest

from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes

DIGEST = "sha256:" + "0123456789abcdef" * 4


# --- IL5001 untagged-base-image -------------------------------------------------------------


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


# --- IL5002 latest-base-image-tag -------------------------------------------------------------


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


# --- IL5003 base-image-without-digest -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"FROM python:3.12-slim@{DIGEST}",
        "FROM python",  # untagged: IL5001 reports it
        "FROM python:latest",  # IL5002 reports it
        "FROM scratch",
        "ARG V\nFROM python:${V}",
        f"FROM python:3.12@{DIGEST} AS build\nFROM build",
    ],
)
def test_digest_passes(text):
    passes("IL5003", text)


def test_digest_catches_each_tagged_stage():
    findings = catches("IL5003", "FROM golang:1.23 AS build\nFROM alpine:3.22\n")
    assert [f.line for f in findings] == [1, 2]
    assert findings[0].severity.name == "INFO"


# --- IL5004 untrusted-base-image-registry --------------------------------------------------------

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


# --- IL5005 full-base-image-in-final-stage -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # builder stage on a full image, runtime on slim
        "FROM python:3.12 AS build\nCOPY . /src\nRUN pip wheel -w /w /src\n"
        "FROM python:3.12-slim\nCOPY --from=build /w /w\nCMD [\"app\"]",
        # published runtime image: only an entrypoint script is copied
        "FROM python:3.12-bookworm\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]",
        # ONBUILD template
        "FROM node:22\nONBUILD COPY . /app\nCMD [\"node\", \"server.js\"]",
        # development stage
        "FROM node:22 AS dev\nCOPY . /app\nCMD [\"npm\", \"start\"]",
        # JDK image that does not run java directly (Tomcat needs the JDK)
        "FROM eclipse-temurin:21-jdk\nCOPY app.war /usr/local/tomcat/webapps/\nCMD [\"catalina.sh\", \"run\"]",
        # toolchain image that does not compile its program in place (Go tools often need Go at run time)
        "FROM golang:1.25\nRUN go install github.com/golangci/golangci-lint/cmd/golangci-lint@v1.62.2\n"
        "ENTRYPOINT [\"golangci-lint\"]",
        # nothing runs: a base image for others
        "FROM ruby:3.3\nCOPY Gemfile /app/",
        "FROM python:3.12-alpine\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]",
        "FROM node:22-bookworm-slim\nCOPY . /app\nCMD [\"node\", \"/app\"]",
        "ARG BASE\nFROM ${BASE}\nCOPY . /app\nCMD [\"x\"]",
    ],
)
def test_full_image_passes(text):
    passes("IL5005", text)


def test_full_image_catches_through_parent_stage():
    text = """\
    FROM node:22 AS base
    WORKDIR /app
    FROM base AS final
    COPY . .
    CMD ["node", "server.js"]
    """
    finding = catches("IL5005", text)[0]
    assert finding.line == 1 and "node:22-slim" in finding.message
    assert finding.fix == "FROM node:22-slim"


def test_full_image_catches_cargo_install_shipping_the_toolchain():
    text = "FROM rust:1.82\nRUN cargo install ripgrep --version 14.1.1\nENTRYPOINT [\"rg\"]\n"
    assert "rust toolchain" in catches("IL5005", text)[0].message


def test_full_image_suggests_slim_with_distro():
    finding = catches("IL5005", "FROM python:3.12-bookworm\nCOPY . /app\nCMD [\"python\", \"-m\", \"app\"]\n")[0]
    assert "python:3.12-slim-bookworm" in finding.message


def test_full_image_catches_dotnet_sdk_publishing_in_place():
    text = """\
    FROM mcr.microsoft.com/dotnet/sdk:10.0
    COPY . /src
    RUN dotnet publish /src -c Release -o /app
    ENTRYPOINT ["dotnet", "/app/app.dll"]
    """
    assert "dotnet/aspnet" in catches("IL5005", text)[0].message


def test_full_image_respects_target():
    text = "FROM node:22 AS app\nCOPY . /app\nCMD [\"node\", \"/app\"]\nFROM nginx:1.27-alpine AS web\n"
    passes("IL5005", text)
    catches("IL5005", text, target="app")


# --- IL5006 end-of-life-base-image ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("FROM python:2.7-slim", "Python 2"),
        ("FROM python:3.10.15-alpine", "Python 3.10"),
        ("FROM node:hydrogen-slim", "Node.js 18"),
        ("FROM node:0.10", "Node.js 0.10"),
        ("FROM node:25-alpine", "Node.js 25"),
        ("FROM debian:bullseye-slim", "Debian 11"),
        ("FROM debian:10.13", "Debian 10"),
        ("FROM ubuntu:focal-20240123", "Ubuntu 20.04"),
        ("FROM ubuntu:25.04", "Ubuntu 25.04"),
        ("FROM nvidia/cuda:11.8.0-runtime-ubuntu20.04", "Ubuntu 20.04"),
        ("FROM alpine:3.19.1", "Alpine 3.19"),
        ("FROM node:20-alpine3.18", "Node.js 20"),
        ("FROM ruby:3.3-alpine3.18", "Alpine 3.18"),
        ("FROM centos", "CentOS Linux"),
        ("FROM quay.io/centos/centos:stream8", "CentOS Stream 8"),
        ("FROM golang:1.24-bookworm", "Go 1.24"),
        ("FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy", ".NET 8"),
        ("FROM amazonlinux:2", "Amazon Linux 2"),
        ("FROM fedora:41", "Fedora 41"),
        ("FROM eclipse-temurin:24-jre", "Java 24"),
        ("FROM registry.access.redhat.com/ubi7/ubi:7.9", "UBI 7"),
        ("FROM php:8.1-fpm", "PHP 8.1"),
    ],
)
def test_eol_catches(text, what):
    finding = catches("IL5006", text)[0]
    assert what in finding.message and "end of life" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.13-slim",
        "FROM python:3",  # the newest 3.x
        "FROM node:22-bookworm-slim",
        "FROM node:24",
        "FROM debian:bookworm-slim",
        "FROM debian:12",
        "FROM ubuntu:22.04",
        "FROM ubuntu:noble",
        "FROM alpine:3.22",
        "FROM alpine:edge",
        "FROM golang:1.26-alpine3.22",
        "FROM mcr.microsoft.com/dotnet/aspnet:10.0",
        "FROM mcr.microsoft.com/dotnet/monitor:8.1",  # its own version line, not .NET's
        "FROM eclipse-temurin:21-jre",
        "FROM amazonlinux:2023",
        "FROM quay.io/centos/centos:stream9",
        "FROM myorg/python:3.8",  # not the official image
        "ARG PY\nFROM python:${PY}",
    ],
)
def test_eol_passes(text):
    passes("IL5006", text)


def test_eol_resolves_arg_defaults():
    finding = catches("IL5006", "ARG NODE_VERSION=16\nFROM node:${NODE_VERSION}-alpine\n")[0]
    assert (finding.line, finding.column) == (2, 6)


# --- IL5007 deprecated-base-image ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM eclipse-temurin:21-jre",
        "FROM amazoncorretto:21",
        "FROM jenkins/jenkins:lts-jdk21",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
        "FROM myregistry.example.com/openjdk:17",  # a private mirror keeps its own lifecycle
        "FROM python:3.13-slim",
    ],
)
def test_deprecated_passes(text):
    passes("IL5007", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM docker.io/library/openjdk:21-jdk",
        "FROM java:8",
        "FROM adoptopenjdk/openjdk11:alpine",
        "FROM jenkins:2.60.3",
        "FROM microsoft/windowsservercore:1803",
        "FROM node:8-onbuild",
    ],
)
def test_deprecated_catches(text):
    assert "deprecated" in catches("IL5007", text)[0].message


# --- IL5008 constant-from-platform ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=$BUILDPLATFORM golang:1.23 AS build",
        "FROM --platform=${BUILDPLATFORM} golang:1.23 AS build",
        "FROM --platform=$TARGETPLATFORM alpine:3.22",  # IL5009's business
        "ARG arch=amd64\nFROM --platform=linux/${arch} alpine:3.22",  # hadolint DL3029 reports this
        "FROM --platform=linux/amd64 alpine:3.22 AS build-amd64",
        "FROM --platform=linux/arm64 alpine:3.22 AS tools_arm64",
        "FROM --platform=linux/x86_64 alpine:3.22 AS fetch-amd64",  # normalised like BuildKit
        "FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022 AS windows",
        "FROM alpine:3.22",
    ],
)
def test_constant_platform_passes(text):
    passes("IL5008", text)


def test_constant_platform_catches_with_location():
    finding = catches("IL5008", "FROM alpine:3.22\n\nFROM --platform=linux/arm/v7 ubuntu:24.04 AS final-image\n")[0]
    assert finding.line == 3 and "linux/arm/v7" in finding.message


# --- IL5009 redundant-target-platform --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=$BUILDPLATFORM alpine:3.22",
        "FROM --platform=linux/$TARGETARCH alpine:3.22",
        "FROM --platform=${TARGETOS}/${TARGETARCH} alpine:3.22",
        "FROM --platform=linux/amd64 alpine:3.22",
        "FROM alpine:3.22",
    ],
)
def test_redundant_platform_passes(text):
    passes("IL5009", text)


def test_redundant_platform_catches_each_stage():
    text = "FROM --platform=$TARGETPLATFORM alpine:3.22 AS a\nFROM --platform=${TARGETPLATFORM} alpine:3.22\n"
    assert [f.line for f in catches("IL5009", text)] == [1, 2]


def test_hadolint_pragma_suppresses_equivalent():
    text = "# hadolint ignore=DL3029\nFROM --platform=linux/amd64 alpine:3.22\n"
    assert not [f for f in lint_snippet("IL5008", text) if f.rule == "IL5008"]


def test_eol_sees_docker_hub_mirrors():
    assert "CentOS Linux 7" in catches("IL5006", "FROM public.ecr.aws/docker/library/centos:7\n")[0].message
    catches("IL5006", "FROM mirror.gcr.io/library/python:3.8-slim\n")
    passes("IL5006", "FROM public.ecr.aws/myteam/python:3.8\n")
