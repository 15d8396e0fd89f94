"""IL4008 final-stage-on-build-toolchain: final stages on a build toolchain image, by ecosystem, runtime stages."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes

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
    from imagelint.dockerfile import parse
    from imagelint.rule import registered_rules
    from imagelint.settings import Settings

    dockerfile = parse(_GO_APP, ".devcontainer/Dockerfile")
    findings, _ = engine.lint(dockerfile, [registered_rules()["IL4008"]], Settings())
    assert not findings


_BUILT_ON_BUILDPACK_DEPS = """\
FROM buildpack-deps:{tag}
WORKDIR /src
COPY . .
RUN gcc -O2 -o /usr/local/bin/app main.c
CMD ["app"]
"""


def test_full_buildpack_deps_is_a_compiler_image():
    (finding,) = catches("IL4008", _BUILT_ON_BUILDPACK_DEPS.format(tag="bookworm"))
    assert "compilers and -dev packages" in finding.message


@pytest.mark.parametrize("tag", ["bookworm-curl", "bookworm-scm", "curl", "scm", "noble-scm"])
def test_buildpack_deps_curl_and_scm_variants_have_no_compilers(tag):
    passes("IL4008", _BUILT_ON_BUILDPACK_DEPS.format(tag=tag))
