"""Multi-stage rules (IL4xxx): stage references, stage names, unused stages, what the final image ships."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes

# --- IL4001 copy-from-unknown-stage -----------------------------------------------------------


def test_copy_from_own_stage():
    (finding,) = catches("IL4001", "FROM alpine:3.20 AS build\nCOPY --from=build /a /b\n")
    assert "its own stage" in finding.message and finding.line == 2


def test_copy_from_later_stage_names_its_line():
    (finding,) = catches("IL4001", "FROM alpine:3.20 AS app\nCOPY --from=build /a /b\nFROM golang:1.22 AS build\n")
    assert "line 3" in finding.message


def test_copy_from_index_out_of_range():
    (finding,) = catches("IL4001", "FROM golang:1.22\nFROM alpine:3.20\nCOPY --from=2 /a /b\n")
    assert "no stage 2" in finding.message and "0 to 1" in finding.message


def test_copy_from_own_index():
    catches("IL4001", "FROM golang:1.22\nFROM alpine:3.20\nCOPY --from=1 /a /b\n")


def test_copy_from_misspelt_stage_suggests_the_name():
    (finding,) = catches("IL4001", "FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=buidler /a /b\n")
    assert "did you mean stage 'builder'" in finding.message


def test_copy_from_typical_stage_name_that_is_not_defined():
    (finding,) = catches("IL4001", "FROM golang:1.22 AS compile\nFROM alpine:3.20\nCOPY --from=builder /a /b\n")
    assert "'builder'" in finding.message


def test_run_mount_from_own_stage():
    catches("IL4001", "FROM golang:1.22 AS build\nRUN --mount=type=bind,from=build,target=/src go build\n")


@pytest.mark.parametrize(
    "text",
    [
        # Image references and BuildKit named contexts are not stages.
        "FROM alpine:3.20\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        "FROM alpine:3.20\nCOPY --from=busybox /bin/busybox /bin/\n",
        "FROM alpine:3.20\nCOPY --from=ghcr.io/org/tool /tool /usr/bin/\n",
        "FROM alpine:3.20\nCOPY --from=docs-context /site /srv\n",
        # Stage names are case-insensitive.
        "FROM golang:1.22 AS Build\nFROM alpine:3.20\nCOPY --from=build /a /b\n",
        "FROM golang:1.22\nFROM alpine:3.20\nCOPY --from=0 /a /b\n",
        # Variables: resolved when they have a value, skipped otherwise.
        "ARG S=build\nFROM golang:1.22 AS build\nFROM alpine:3.20\nARG S\nCOPY --from=${S} /a /b\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.20\nARG S\nCOPY --from=$S /a /b\n",
        # Stage names set by ARGs (buildah tests): any --from may name them.
        "ARG N=first\nFROM alpine AS ${N}\nFROM alpine\nCOPY --from=first /a /b\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.20\nRUN --mount=from=build,source=/out,target=/in cp /in/app /app\n",
    ],
)
def test_copy_from_valid_references(text):
    passes("IL4001", text)


# --- IL4002 duplicate-stage-name ----------------------------------------------------------------


def test_duplicate_stage_name_points_at_the_second_name():
    (finding,) = catches("IL4002", "FROM node:22 AS build\nRUN true\nFROM golang:1.22 as build\n")
    assert finding.line == 3 and finding.column == 21 and "line 1" in finding.message


def test_duplicate_stage_name_is_case_insensitive():
    catches("IL4002", "FROM node:22 AS Build\nFROM golang:1.22 AS build\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:22 AS web\nFROM golang:1.22 AS api\n",
        "FROM node:22\nFROM golang:1.22\n",
        "ARG A=x\nARG B=y\nFROM alpine AS ${A}\nFROM alpine AS ${A}\n",
        "FROM alpine AS build-a\nFROM alpine AS build-b\nFROM build-a\n",
        "FROM alpine AS base\nFROM base AS base-debug\n",
    ],
)
def test_unique_stage_names(text):
    passes("IL4002", text)


# --- IL4003 reserved-stage-name ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scratch", "context", "Scratch", "CONTEXT"])
def test_reserved_stage_names(name):
    (finding,) = catches("IL4003", f"FROM alpine:3.20 AS {name}\n")
    assert finding.column == 21


@pytest.mark.parametrize(
    "text",
    [
        "FROM scratch\nCOPY app /\n",
        "FROM alpine:3.20 AS scratch-base\n",
        "FROM alpine:3.20 AS build-context\n",
        "FROM scratch AS release\n",
        "FROM alpine:3.20\nCOPY --from=context /a /b\n",
    ],
)
def test_not_reserved_stage_names(text):
    passes("IL4003", text)


# --- IL4004 stage-name-not-lowercase --------------------------------------------------------------


@pytest.mark.parametrize(("name", "suggestion"), [("goBuilder", "go-builder"), ("BASE", "base"), ("getRuntime", "get-runtime")])
def test_stage_name_casing_suggests_kebab_case(name, suggestion):
    (finding,) = catches("IL4004", f"FROM golang:1.22 AS {name}\n")
    assert f"'{suggestion}'" in finding.message and finding.fix == f"AS {suggestion}"


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22 AS go-builder\n",
        "FROM golang:1.22 as builder\n",
        "FROM golang:1.22\n",
        "ARG NAME=Build\nFROM golang:1.22 AS ${NAME}\n",
        "FROM golang:1.22 AS build_2\n",
    ],
)
def test_lowercase_stage_names(text):
    passes("IL4004", text)


# --- IL4005 unused-unnamed-stage ----------------------------------------------------------------


def test_unused_unnamed_stage():
    (finding,) = catches("IL4005", "FROM ubuntu:24.04\nRUN echo hi\n\nFROM python:3.12-slim\n")
    assert finding.line == 1 and "never built" in finding.message
    assert {f.line for f in lint_snippet("IL4005", "FROM ubuntu:24.04\nFROM alpine:3.20\nFROM python:3.12\n")} == {1, 2}


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=0 /app /app\n",
        "FROM golang:1.22\nFROM alpine:3.20\nRUN --mount=from=0,source=/usr/local/go,target=/go ls /go\n",
        "FROM alpine:3.20\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.20\n",  # named: IL4006's business
        "FROM golang:1.22\nFROM alpine:3.20\nARG FROM_STAGE=0\nCOPY --from=$FROM_STAGE /a /b\n",
    ],
)
def test_unnamed_stages_in_use(text):
    passes("IL4005", text)


def test_unused_stage_rules_are_silent_with_a_target(tmp_path):
    text = "FROM ubuntu:24.04\nFROM node:22 AS assets\nRUN npm run build\nFROM alpine:3.20 AS app\n"
    passes("IL4005", text, target="app")
    passes("IL4006", text, target="app")


# --- IL4006 unused-named-stage -------------------------------------------------------------------


def test_unused_named_stage_points_at_its_name():
    (finding,) = catches("IL4006", "FROM golang:alpine AS builder\nFROM ruby:3.2-slim\nCMD [\"fluentd\"]\n")
    assert finding.line == 1 and finding.column == 23 and finding.severity.name == "INFO"


@pytest.mark.parametrize(
    "text",
    [
        # Alternative targets: named like one, runnable, artefact stages, variants of a stage.
        "FROM python:3.12-slim AS base\nFROM base AS dev\nCMD [\"flask\", \"run\"]\nFROM base AS final\n",
        "FROM golang:1.22 AS lint\nRUN golangci-lint run\nFROM alpine:3.20\n",
        "FROM golang:1.22 AS server\nCMD [\"go\", \"run\", \".\"]\nFROM alpine:3.20\n",
        "FROM golang:1.22 AS build\nRUN go build -o /out/app\nFROM scratch AS binaries\nCOPY --from=build /out/app /\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n",
        "FROM alpine:3.20 AS base\nFROM base AS with-gdb\nRUN apk add gdb\nFROM base\n",
        # Chosen through a variable: every stage it could name counts as used.
        "ARG VARIANT=prod\nFROM alpine:3.20 AS app-dev\nFROM alpine:3.20 AS app-prod\nFROM app-${VARIANT}\n",
        "FROM golang:1.22 AS build-amd64\nFROM golang:1.22 AS build-arm64\nFROM alpine:3.20\nARG TARGETARCH\nCOPY --from=build-${TARGETARCH} /a /b\n",
        # Used through a mount, or by a stage the final one uses.
        "FROM golang:1.22 AS mod\nRUN go mod download\nFROM alpine:3.20\nRUN --mount=from=mod,source=/go,target=/go true\n",
        "FROM golang:1.22 AS deps\nFROM deps AS build\nFROM alpine:3.20\nCOPY --from=build /a /b\n",
        # Three or more unused stages: a multi-target (bake) file.
        "FROM alpine AS docs\nFROM alpine AS tools\nFROM alpine AS helpers\nFROM alpine AS utils\nFROM alpine\n",
    ],
)
def test_named_stages_in_use_or_targets(text):
    passes("IL4006", text)


# --- IL4007 copy-whole-filesystem-from-stage ----------------------------------------------------------


def test_copy_whole_filesystem_into_an_os_image():
    (finding,) = catches("IL4007", "FROM debian:12 AS build\nRUN make\nFROM debian:12-slim\nCOPY --from=build / /\n")
    assert finding.line == 4 and "'build'" in finding.message


def test_copy_whole_filesystem_with_dot_spelling():
    catches("IL4007", "FROM debian:12 AS build\nFROM debian:12-slim\nCOPY --from=build /. ./\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12-slim AS rootfs\nRUN apt-get update\nFROM scratch\nCOPY --from=rootfs / /\n",
        "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.5.0 AS xx\nFROM golang:1.22-alpine\nCOPY --from=xx / /\n",
        "FROM alpine:3.20\nCOPY --from=gloursdocker/docker / /\n",
        "FROM debian:12 AS build\nFROM debian:12-slim\nCOPY --from=build / /rootfs\n",
        "FROM debian:12 AS build\nFROM debian:12-slim\nCOPY --from=build /usr/local/bin/app /usr/local/bin/\n",
        "FROM golang:1.22 AS build\nFROM scratch AS out\nCOPY --from=build /app /app\nFROM alpine:3.20\nCOPY --from=out / /\n",
        "FROM alpine AS base\nFROM scratch AS squashed\nCOPY --from=base / /\nFROM squashed\n",
    ],
)
def test_copy_whole_filesystem_idioms(text):
    passes("IL4007", text)


# --- IL4008 final-stage-on-build-toolchain ---------------------------------------------------------------

_GO_APP = """\
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go mod download && \\
    go build -o /usr/local/bin/app ./cmd/app
CMD ["app"]
"""


def test_toolchain_final_stage_points_at_the_build_command():
    (finding,) = catches("IL4008", _GO_APP)
    assert (finding.line, finding.column) == (5, 5) and "golang:1.22" in finding.message and "'go build'" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        'FROM maven:3.9-eclipse-temurin-21\nCOPY pom.xml .\nCOPY src src\nRUN mvn -B package\nCMD ["java", "-jar", "target/app.jar"]\n',
        'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT ["dotnet", "/app/api.dll"]\n',
        'FROM node:22\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/server.js"]\n',
        'FROM rust:1.80\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/app"]\n',
        'FROM eclipse-temurin:21\nCOPY . .\nRUN ./gradlew bootJar\nCMD ["java", "-jar", "build/libs/app.jar"]\n',
        'FROM golang:1.22 AS base\nCOPY go.mod .\nFROM base\nCOPY . .\nRUN go build -o /app\nENTRYPOINT ["/app"]\n',
    ],
)
def test_toolchain_final_stage_other_ecosystems(text):
    catches("IL4008", text)


def test_toolchain_final_stage_that_only_runs_a_copied_binary():
    text = (
        "FROM golang:1.21 AS build\nCOPY . .\nRUN go build -o /out/main .\n"
        'FROM golang:1.21\nCOPY --from=build /out/main /app/main\nCMD ["/app/main"]\n'
    )
    (finding,) = catches("IL4008", text)
    assert (finding.line, finding.column) == (4, 6) and "stage 'build'" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # The copied stage built nothing (just downloaded), or the runtime stage is slim.
        'FROM alpine AS fetch\nRUN wget -O /tool https://x\nFROM golang:1.22\nCOPY --from=fetch /tool /tool\nCMD ["/tool"]\n',
        'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\nCMD ["/app"]\n',
        'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM golang:1.22\nCOPY --from=build /app /app\nENTRYPOINT ["go"]\n',
    ],
)
def test_runtime_stage_after_a_build_stage(text):
    passes("IL4008", text)


@pytest.mark.parametrize(
    "text",
    [
        # Multi-stage: the final stage is a runtime image.
        "FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
        # Runtime-sized variants.
        'FROM node:22-slim\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/server.js"]\n',
        'FROM eclipse-temurin:21-jre\nCOPY app.jar .\nCMD ["java", "-jar", "app.jar"]\n',
        # Toolchain images: the entrypoint is the tool, a shell, or there is none.
        'FROM golang:1.22\nCOPY go_workspace.go /builder/\nRUN go build -o /builder/ws /builder/go_workspace.go\nENTRYPOINT ["go.bash"]\n',
        'FROM maven:3.9\nCOPY . .\nRUN mvn package\nENTRYPOINT ["mvn"]\n',
        "FROM golang:1.22\nCOPY . .\nRUN go build ./...\n",
        'FROM rust:1.80\nCOPY . .\nRUN cargo build\nCMD ["bash"]\n',
        # Dev containers and dev targets.
        'FROM mcr.microsoft.com/devcontainers/go:1.22\nCOPY . .\nRUN go build ./...\nCMD ["sleep", "infinity"]\n',
        'FROM golang:1.22 AS dev\nCOPY . .\nRUN go build -o /app\nCMD ["/app"]\n',
        # Builds nothing.
        'FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
    ],
)
def test_toolchain_images_that_are_fine(text):
    passes("IL4008", text)


def test_toolchain_rule_ignores_devcontainer_paths(tmp_path):
    from imagelint import engine
    from imagelint.settings import Settings
    from imagelint.dockerfile import parse
    from imagelint.rule import registered_rules

    dockerfile = parse(_GO_APP, ".devcontainer/Dockerfile")
    findings, _ = engine.lint(dockerfile, [registered_rules()["IL4008"]], Settings())
    assert not findings


# --- IL4009 build-tools-in-final-stage ------------------------------------------------------------------

_PY_APP_TAIL = 'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n'


def test_build_tools_point_at_the_package_in_a_multiline_run():
    text = (
        "FROM python:3.12-slim\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "       curl gcc libpq-dev \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n" + _PY_APP_TAIL
    )
    (finding,) = catches("IL4009", text)
    assert (finding.line, finding.column) == (4, 13)
    assert "gcc, libpq-dev" in finding.message


def test_build_tools_removed_only_in_a_later_run_still_count():
    text = (
        "FROM python:3.12-alpine\nRUN apk add --no-cache build-base\n" + _PY_APP_TAIL.replace("COPY . .\n", "COPY . .\nRUN apk del build-base\n")
    )
    catches("IL4009", text)


@pytest.mark.parametrize(
    "install",
    [
        "RUN yum install -y gcc python3-devel && yum clean all",
        "RUN apt-get update && apt-get install -y build-essential=12.9 && rm -rf /var/lib/apt/lists/*",
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev",  # never deleted
        "RUN apt-get update && apt-get install -y make && apt-get purge -y gcc",
    ],
)
def test_build_tools_variants(install):
    catches("IL4009", f"FROM python:3.12-slim\n{install}\n{_PY_APP_TAIL}")


@pytest.mark.parametrize(
    "install",
    [
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install -r requirements.txt && apk del .build-deps",
        "RUN apk add --no-cache -t .deps gcc && pip install uwsgi && apk del --no-network .deps",
        # docker-library: apt-mark the manual set, install, build, then purge --auto-remove.
        'RUN savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y gcc libc6-dev make; '
        "make install; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
        "RUN apt-get update && apt-get install -y gcc && pip install x && apt-get purge -y --auto-remove gcc",
        'RUN buildDeps="gcc make"; apt-get update && apt-get install -y $buildDeps && make && apt-get purge -y $buildDeps',
        "RUN dnf install -y gcc && pip install x && dnf remove -y gcc",
        "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl",
    ],
)
def test_build_tools_removed_in_the_same_run(install):
    passes("IL4009", f"FROM python:3.12-slim\n{install}\n{_PY_APP_TAIL}")


@pytest.mark.parametrize(
    "text",
    [
        # Builder stages are exempt.
        "FROM python:3.12 AS build\nRUN apt-get update && apt-get install -y gcc libpq-dev\nRUN pip wheel -w /w psycopg2\n"
        "FROM python:3.12-slim\nCOPY --from=build /w /w\n" + _PY_APP_TAIL,
        # Toolchain / CI images: no CMD, or a shell.
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential cmake\nCOPY requirements.txt .\n",
        'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /src\nCMD ["/bin/bash"]\n',
        # Official-image style: copies only its entrypoint script.
        'FROM debian:12-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n',
        # A development environment, as its comments say.
        "# Assemble the full dev environment.\nFROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential\n"
        'COPY . /go/src/app\nENTRYPOINT ["hack/dind"]\n',
        # A dev target.
        "FROM python:3.12-slim AS dev\nRUN apt-get update && apt-get install -y gcc\n" + _PY_APP_TAIL,
    ],
)
def test_build_tools_outside_application_images(text):
    passes("IL4009", text)


def test_build_tools_in_a_parent_stage_of_the_final_one():
    text = "FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y gcc\nFROM base\n" + _PY_APP_TAIL
    (finding,) = catches("IL4009", text)
    assert finding.line == 2
