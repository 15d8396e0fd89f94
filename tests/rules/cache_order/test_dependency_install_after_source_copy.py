"""IL1001 dependency-install-after-source-copy: installs after COPY . by ecosystem, manifest-first idioms, go build."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes, write_context


def fixed(text: str, context: dict[str, str] | None, tmp_path, *, unsafe: bool = True) -> str:
    if context is not None:
        write_context(tmp_path, context)
    rule = registered_rules()["IL1001"]
    return fix_text(text, "Dockerfile", [rule], Settings(), unsafe=unsafe, context_dir=tmp_path if context is not None else None).fixed


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


# --- the fix: the manifests and the dependency install before COPY . ---

NPM = {"package.json": '{"name": "app", "dependencies": {"express": "^4"}}', "package-lock.json": "{}"}
GO = {"go.mod": "module example.com/app\n\nrequire golang.org/x/sync v0.8.0\n", "go.sum": "x", "main.go": "package main"}
CARGO = {"Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n', "Cargo.lock": "", "src/main.rs": ""}
GRADLE = {"build.gradle": "plugins {}", "settings.gradle": "rootProject.name = 'app'", "gradlew": "", "gradle/wrapper/gradle-wrapper.properties": ""}


@pytest.mark.parametrize(
    ("context", "text", "expected"),
    [
        (  # npm: the RUN moves up behind a COPY of package.json and the lockfile
            NPM,
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
            "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
        ),
        (  # npm in a longer RUN, continuation lines: the install leaves it; the COPY flags come along
            NPM,
            "FROM node:22\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN set -eux; \\\n    npm ci \\\n    && npm run build\n",
            "FROM node:22\nWORKDIR /app\nCOPY --chown=node:node package.json package-lock.json ./\n"
            "RUN set -eux; \\\n    npm ci\nCOPY --chown=node:node . .\nRUN set -eux; \\\n    npm run build\n",
        ),
        (  # pip -r: the files it includes come along, into their directory
            {"requirements/prod.txt": "-r base.txt\nflask\n", "requirements/base.txt": "requests\n"},
            "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements/prod.txt\n",
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements/prod.txt requirements/base.txt ./requirements/\n"
            "RUN pip install --no-cache-dir -r requirements/prod.txt\nCOPY . .\n",
        ),
        (  # pip install .: requirements.txt first, the project after
            {"requirements.txt": "flask\n", "pyproject.toml": "[project]\nname = 'app'\n"},
            "FROM python:3.12\nWORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir -e . && pytest\n",
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt /app/\nRUN pip install --no-cache-dir -r requirements.txt\n"
            "COPY . /app\nRUN pip install --no-cache-dir -e . && pytest\n",
        ),
        (  # a cd to the tree moves along when the whole RUN moves
            {"requirements.txt": "flask\n"},
            "FROM python:3.12\nCOPY . /app\nRUN cd /app && pip install -r requirements.txt\n",
            "FROM python:3.12\nCOPY requirements.txt /app/\nRUN cd /app && pip install -r requirements.txt\nCOPY . /app\n",
        ),
        (  # poetry: --no-root before, the project after; the poetry install moves with it
            {"pyproject.toml": "[tool.poetry]\nname = 'app'\n", "poetry.lock": ""},
            "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install poetry==1.8.3 && poetry install --no-interaction\n",
            "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\n"
            "RUN pip install poetry==1.8.3 && poetry install --no-root --no-interaction\nCOPY . .\nRUN poetry install --no-interaction\n",
        ),
        (  # uv: --no-install-project, the RUN's cache mount kept
            {"pyproject.toml": "[project]\nname = 'app'\n", "uv.lock": "", ".python-version": "3.12\n"},
            "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n",
            "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock .python-version ./\n"
            "RUN --mount=type=cache,target=/root/.cache/uv uv sync --no-install-project --locked\nCOPY . .\n"
            "RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n",
        ),
        (  # go build: go mod download first
            GO,
            "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n",
            "FROM golang:1.23\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/app .\n",
        ),
        (  # cargo: fetch on a stub main.rs, removed again
            CARGO,
            "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n",
            "FROM rust:1.80\nWORKDIR /src\nCOPY Cargo.toml Cargo.lock ./\n"
            "RUN mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch && rm -rf src\nCOPY . .\nRUN cargo build --release\n",
        ),
        (  # bundler
            {"Gemfile": "source 'https://rubygems.org'\ngem 'rails'\n", "Gemfile.lock": ""},
            "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n",
            "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\n",
        ),
        (  # maven: its batch and property options kept
            {"pom.xml": "<project></project>"},
            "FROM maven:3-eclipse-temurin-21\nWORKDIR /src\nCOPY . .\nRUN mvn -B package -DskipTests\n",
            "FROM maven:3-eclipse-temurin-21\nWORKDIR /src\nCOPY pom.xml ./\nRUN mvn -B -DskipTests dependency:go-offline\n"
            "COPY . .\nRUN mvn -B package -DskipTests\n",
        ),
        (  # the gradle wrapper: its script and gradle/ come along
            GRADLE,
            "FROM eclipse-temurin:21\nWORKDIR /src\nCOPY . .\nRUN ./gradlew build --no-daemon\n",
            "FROM eclipse-temurin:21\nWORKDIR /src\nCOPY gradlew build.gradle settings.gradle ./\nCOPY gradle/ ./gradle/\n"
            "RUN ./gradlew --no-daemon dependencies\nCOPY . .\nRUN ./gradlew build --no-daemon\n",
        ),
        (  # the manifest is already copied: the RUN only moves
            {"requirements.txt": "flask\n"},
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY . .\nRUN pip install -r requirements.txt\n",
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
        ),
        (
            NPM,
            "FROM node:22\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm ci \\\r\n  && npm run build\r\n",
            "FROM node:22\r\nWORKDIR /app\r\nCOPY package.json package-lock.json ./\r\nRUN npm ci\r\nCOPY . .\r\nRUN npm run build\r\n",
        ),
        (
            NPM,
            "# escape=`\nFROM node:22\nWORKDIR /app\nCOPY . .\nRUN set -e; `\n    npm ci\n",
            "# escape=`\nFROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN set -e; `\n    npm ci\nCOPY . .\n",
        ),
    ],
)
def test_dependency_install_fix_installs_before_the_copy(context, text, expected, tmp_path):
    assert fixed(text, context, tmp_path) == expected
    assert fixed(expected, context, tmp_path) == expected
    assert fixed(text, context, tmp_path, unsafe=False) == text


@pytest.mark.parametrize(
    ("context", "text"),
    [
        (None, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),  # no build context to look at
        ({"package.json": "{}"}, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),  # npm ci without a lockfile
        ({**NPM, "package.json": '{"workspaces": ["packages/*"]}'}, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
        ({**NPM, "package.json": '{"scripts": {"prepare": "tsc"}}'}, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
        ({**NPM, ".dockerignore": "package-lock.json\n"}, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
        ({**NPM, ".npmrc": "//registry.example.com/:_authToken=x\n"}, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
        (NPM, "FROM node:22\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production\nRUN npm ci\n"),  # an ENV between
        (NPM, "FROM node:22\nCOPY . /app\nRUN cd /app/web && npm ci\n"),  # not at the top of the tree
        (NPM, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN ./scripts/prepare.sh && npm ci\n"),  # a project script first
        # a cd copied into the new RUN would be reported twice (IL8017)
        ({"requirements.txt": "flask\n"}, "FROM python:3.12\nCOPY . /app\nRUN cd /app && pip install -e . && pytest\n"),
        ({"requirements.txt": "-e ./libs/core\nflask\n"}, "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"),
        ({"pyproject.toml": "[project]\n"}, "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n"),  # no requirements.txt
        ({**GO, "go.mod": "module x\n\nreplace example.com/lib => ./lib\n"}, "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build .\n"),
        (GO, "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod tidy && go build .\n"),  # tidy reads the source
        ({**CARGO, "Cargo.toml": "[workspace]\nmembers = ['a']\n"}, "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build\n"),
        ({**CARGO, "Cargo.toml": "[package]\nname = 'x'\n[[bin]]\nname = 'x'\npath = 'src/x.rs'\n"}, "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build\n"),
        ({"Gemfile": "gemspec\n", "Gemfile.lock": ""}, "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"),
        ({"pom.xml": "<project><modules><module>a</module></modules></project>"}, "FROM maven:3\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"),
        ({"pom.xml": "<project/>"}, "FROM maven:3\nWORKDIR /src\nCOPY . .\nRUN mvn -s settings.xml package\n"),
        ({**GRADLE, "settings.gradle": "include 'app', 'lib'"}, "FROM gradle:8\nWORKDIR /src\nCOPY . .\nRUN gradle build\n"),
        ({"composer.json": "{}", "composer.lock": "{}"}, "FROM composer:2\nWORKDIR /app\nCOPY . .\nRUN composer install\n"),
    ],
)
def test_dependency_install_fix_keeps_the_advice(context, text, tmp_path):
    if context is not None:
        write_context(tmp_path, context)
    findings = catches("IL1001", text, context=context, tmp_path=tmp_path) if context is not None else catches("IL1001", text)
    assert all(f.fix is None or f.fix.applicability == "display-only" for f in findings)
    assert fixed(text, context, tmp_path) == text
