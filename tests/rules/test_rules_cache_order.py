"""cache-order rules: what invalidates which layers (dependency installs, index updates, volatile
steps, remote ADD sources)."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes

# --- IL1001 dependency-install-after-source-copy --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install\n", "npm install"),
        ("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN yarn --frozen-lockfile\n", "yarn"),
        ("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile\n", "pnpm install"),
        ("FROM python:3.12\nCOPY . /app\nRUN cd /app && poetry install --no-root\n", "poetry install"),
        ("FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN uv sync --locked\n", "uv sync"),
        ("FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN pipenv install --system --deploy\n", "pipenv install"),
        ("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN python3 -m pip install -r requirements/prod.txt\n", "pip install -r"),
        ("FROM ruby:3.3\nWORKDIR /app\nADD . /app\nRUN bundle install\n", "bundle install"),
        ("FROM composer:2\nWORKDIR /app\nCOPY . .\nRUN composer install --no-dev\n", "composer install"),
        ("FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod download\n", "go mod download"),
        ("FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod tidy && go build -o /app .\n", "go mod tidy"),
        ("FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n", "cargo build"),
        ("FROM maven:3-eclipse-temurin-21\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n", "mvn package"),
        ("FROM gradle:8-jdk21\nWORKDIR /src\nCOPY . .\nRUN ./gradlew build\n", "gradlew build"),
        ("FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\n", "dotnet publish"),
    ],
)
def test_dependency_install_after_copy_catches(text, tool):
    finding = catches("IL1001", text)[0]
    assert finding.message.startswith(tool)


def test_dependency_install_after_copy_names_the_manifests_and_the_copy_line():
    finding = catches("IL1001", "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n")[0]
    assert "package.json package-lock.json" in finding.message
    assert "line 3" in finding.message
    assert (finding.line, finding.column) == (4, 5)


def test_dependency_install_after_copy_points_at_the_install_inside_a_long_run():
    text = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN apt-get update \\\n    && npm ci \\\n    && npm run build\n"
    finding = catches("IL1001", text)[0]
    assert (finding.line, finding.column) == (5, 8)


def test_dependency_install_after_copy_says_move_when_the_manifest_is_already_copied():
    text = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY . .\nRUN pip install -r requirements.txt\n"
    assert "move this RUN above line 4" in catches("IL1001", text)[0].message


def test_dependency_install_after_copy_reports_once_per_ecosystem_and_stage_chain():
    text = (
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /app\nCOPY . .\nRUN dotnet restore\n"
        "RUN dotnet build -c Release\nFROM build AS publish\nRUN dotnet publish -c Release -o /out\n"
    )
    assert len(catches("IL1001", text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        # the official-images ONBUILD pattern: manifest first
        "FROM python:3.12\nWORKDIR /usr/src/app\nONBUILD COPY requirements.txt /usr/src/app/\n"
        "ONBUILD RUN pip install --no-cache-dir -r requirements.txt\nONBUILD COPY . /usr/src/app\n",
        # dependencies first, then the project itself without them
        "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\n"
        "COPY . .\nRUN poetry install --only-root\n",
        # uv's documented pattern: bind-mounted manifests, then the project
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN --mount=type=cache,target=/root/.cache/uv --mount=type=bind,source=uv.lock,target=uv.lock "
        "--mount=type=bind,source=pyproject.toml,target=pyproject.toml uv sync --locked --no-install-project\n"
        "COPY . /app\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n",
        # dotnet-docker samples: restore from the project file, then publish --no-restore
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /source\nCOPY *.csproj .\nRUN dotnet restore\n"
        "COPY . .\nRUN dotnet publish --no-restore -o /app\n",
        # npm run is not an install
        "FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n",
        # global tools are not the project's dependencies
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install -g pm2\n",
        "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go install golang.org/x/tools/cmd/goimports@v0.24.0\n",
        # go build with the module cache mounted, or with vendored modules
        "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build ./...\n",
        "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -mod=vendor -o /app .\n",
        # the install reads a manifest the build itself produced, outside the copied tree
        "FROM node:14\nCOPY . /appsrc\nRUN meteor build /app --directory\nWORKDIR /app/bundle\n"
        "RUN cd programs/server && npm install\n",
        # an install in another stage than the copy
        "FROM node:22 AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "FROM node:22\nWORKDIR /app\nCOPY --from=deps /app/node_modules node_modules\nCOPY . .\n",
        # COPY --from is not the build context
        "FROM node:22\nWORKDIR /app\nCOPY --from=build /src .\nRUN npm ci\n",
        # installing the project itself without its dependencies
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-deps .\n",
    ],
)
def test_dependency_install_after_copy_passes(text):
    passes("IL1001", text)


GO_BUILD = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"


def test_dependency_install_after_copy_go_build_with_dependencies_in_the_context(tmp_path):
    files = {"go.mod": "module example.com/hello\n", "go.sum": "x v1 h1:abc\n", "main.go": "package main\n"}
    finding = catches("IL1001", GO_BUILD, context=files, tmp_path=tmp_path)[0]
    assert "go mod download" in finding.message


@pytest.mark.parametrize(
    "files",
    [
        {"go.mod": "module example.com/hello\n", "main.go": "package main\n"},  # no go.sum: no dependencies
        {"go.mod": "m\n", "go.sum": "x\n", "vendor/modules.txt": "# x\n"},  # vendored
        {"main.go": "package main\n"},  # the module is not where the context lands
    ],
)
def test_dependency_install_after_copy_go_build_without_downloads(files, tmp_path):
    passes("IL1001", GO_BUILD, context=files, tmp_path=tmp_path)


def test_dependency_install_after_copy_go_build_without_a_context_is_silent():
    passes("IL1001", GO_BUILD)


# --- IL1002 package-index-update-alone ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
        "FROM debian:12\nRUN apt update\nRUN apt install -y curl\n",
        "FROM fedora:40\nRUN dnf makecache\nRUN dnf install -y curl\n",
        "FROM debian:12\nRUN apt-get -q update\nRUN echo hi\nRUN apt-get -qq install -y curl\n",
        "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n",
    ],
)
def test_index_update_alone_catches(text):
    catches("IL1002", text)


def test_index_update_alone_points_at_the_update_command():
    text = "FROM debian:12\nRUN set -eux; \\\n    apt-get update\nRUN apt-get install -y curl\n"
    finding = catches("IL1002", text)[0]
    assert (finding.line, finding.column) == (3, 5)
    assert "line 4" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian:12\nRUN apt-get update\n",  # nothing installs from it afterwards
        "FROM debian:12\nRUN apt-get update\nRUN apk add curl\n",  # another package manager
        "FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl\n",
        "FROM debian:12 AS a\nRUN apt-get update\nFROM debian:12\nRUN apt-get install -y curl\n",
        "FROM alpine:3.20\nRUN apk update && apk upgrade\nRUN apk add --no-cache curl\n",
        "FROM debian:12\nRUN apt-get install -y --no-install-recommends update-notifier\n",
    ],
)
def test_index_update_alone_passes(text):
    passes("IL1002", text)


# --- IL1003 volatile-step-before-stable-install ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nARG BUILD_DATE\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nARG VCS_REF\nRUN wget -q https://example.com/tool.tar.gz -O /tmp/t.tgz && tar -xzf /tmp/t.tgz -C /opt\n",
        "FROM alpine:3.20\nARG COMMIT_SHA=unset\nRUN apk add --no-cache git && git clone https://github.com/x/y /opt/y\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir gunicorn==22.0.0\n",
        "FROM node:22\nCOPY . /app\nRUN npm install -g pm2@5\n",
        "FROM debian:12\nCOPY . /app\nRUN curl -fsSLo /usr/local/bin/tini https://example.com/tini && chmod +x /usr/local/bin/tini\n",
    ],
)
def test_volatile_step_catches(text):
    catches("IL1003", text)


def test_volatile_step_reports_once_per_volatile_step_and_counts_the_rest():
    text = "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n"
    findings = catches("IL1003", text)
    assert len(findings) == 1
    assert "and 1 later RUNs" in findings[0].message
    assert (findings[0].line, findings[0].column) == (4, 23)


def test_volatile_arg_message_names_the_argument():
    finding = catches("IL1003", "FROM alpine:3.20\nARG GIT_COMMIT\nRUN apk add --no-cache curl\n")[0]
    assert "ARG GIT_COMMIT at line 2" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # the RUN uses the argument
        "FROM alpine:3.20\nARG GIT_COMMIT\nRUN apk add --no-cache curl && echo ${GIT_COMMIT} > /commit\n",
        # checksums and pins are not volatile
        "FROM alpine:3.20\nARG NODE_SHA256=abc\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nARG VERSION=1.2\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nARG SHA\nRUN apk add --no-cache curl\n",
        # an ARG ends with its stage
        "FROM alpine:3.20 AS meta\nARG BUILD_DATE\nFROM meta\nRUN apk add --no-cache curl\n",
        # the RUN builds the copied project (a script or make is never "stable")
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y gcc && make\n",
        "FROM debian:12\nCOPY . /app\nRUN /app/install-deps.sh\n",
        # the RUN reads the copied tree
        "FROM debian:12\nCOPY . /app\nRUN apt-get install -y $(cat /app/packages.txt)\n",
        "FROM debian:12\nCOPY . /app\nRUN dpkg -i /app/vendor/tool.deb\n",
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN tar -xzf vendor.tar.gz -C /opt\n",
        # a rootfs copy to / may carry package sources
        "FROM debian:12\nCOPY . /\nRUN apt-get update && apt-get install -y nginx\n",
        # the install runs before the copy
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n",
        # bind mounts read the context
        "FROM debian:12\nCOPY . /app\nRUN --mount=type=bind,source=pkgs.txt,target=/pkgs.txt apt-get install -y curl\n",
        # dependency installs are IL1001's
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
    ],
)
def test_volatile_step_passes(text):
    passes("IL1003", text)


# --- IL1004 add-url-without-checksum --------------------------------------------------------------


def test_add_url_points_at_the_url():
    text = "FROM alpine:3.20\nADD --chmod=755 https://example.com/tool /usr/local/bin/tool\n"
    finding = catches("IL1004", text)[0]
    assert (finding.line, finding.column) == (2, 17)
    assert "https://example.com/tool" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        'FROM alpine:3.20\nADD ["https://example.com/a.tar.gz", "/tmp/"]\n',
        "FROM alpine:3.20\nARG V=1.0\nADD https://example.com/tool-${V}.tgz /tmp/\n",
        "FROM alpine:3.20\nONBUILD ADD http://example.com/file /file\n",
        "FROM alpine:3.20\nADD ftp://example.com/file /file\n",
    ],
)
def test_add_url_catches(text):
    catches("IL1004", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nADD --checksum=sha256:" + "a" * 64 + " https://example.com/tool /tool\n",
        "FROM alpine:3.20\nADD rootfs.tar.xz /\n",
        "FROM alpine:3.20\nCOPY https-notes.txt /\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.15.0 /src\n",  # git: IL1005's
        "FROM alpine:3.20\nADD --from=build /out/https:/x /x\n",
    ],
)
def test_add_url_passes(text):
    passes("IL1004", text)


# --- IL1005 add-git-unpinned-ref ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#master /src\n",
        "FROM alpine:3.20\nARG REF=main\nADD https://github.com/moby/buildkit.git#${REF} /src\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#main:frontend /src\n",
    ],
)
def test_add_git_unpinned_catches(text):
    catches("IL1005", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.15.0 /src\n",
        "FROM alpine:3.20\nARG RUNC_VERSION\nADD https://github.com/opencontainers/runc.git#$RUNC_VERSION /src\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git?ref=main&checksum=" + "a" * 40 + " /src\n",
        "FROM alpine:3.20\nADD --checksum=" + "b" * 40 + " https://github.com/moby/buildkit.git /src\n",
        "FROM alpine:3.20\nADD https://example.com/archive.tar.gz /src\n",
    ],
)
def test_add_git_unpinned_passes(text):
    passes("IL1005", text)


def test_cache_order_rules_respect_inline_pragmas():
    text = "FROM debian:12\n# imagelint ignore=IL1002\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert not [f for f in lint_snippet("IL1002", text) if f.rule == "IL1002"]
