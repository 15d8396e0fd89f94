"""IL1001 dependency-install-after-source-copy: installs after COPY . by ecosystem, manifest-first idioms, go build."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


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
