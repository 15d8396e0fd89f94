"""IL5005 full-base-image-in-final-stage: full images in the final stage, parent stages, slim suggestions, --target."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


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
    assert finding.fix.description == "FROM node:22-slim"


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
