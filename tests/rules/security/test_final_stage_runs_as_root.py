"""IL7001 final-stage-runs-as-root: root in the final stage, USER via ARGs and parents, exemptions, --target."""

from __future__ import annotations

from tests.support.helpers import catches, lint_snippet, passes


def test_root_user_written_numerically_or_with_group():
    catches("IL7001", "FROM alpine:3.20\nUSER 0:0\n")
    catches("IL7001", "FROM alpine:3.20\nUSER root:root\n")


def test_root_user_through_an_arg():
    finding = catches("IL7001", "FROM alpine:3.20\nARG RUN_AS=root\nUSER ${RUN_AS}\n")[0]
    assert finding.line == 3


def test_builder_stage_root_is_fine():
    passes("IL7001", "FROM golang:1.22 AS build\nUSER root\nRUN go build -o /app .\nFROM alpine:3.20\nUSER 65534\n")


def test_user_set_in_parent_stage_counts():
    passes("IL7001", "FROM alpine:3.20 AS base\nUSER app\nFROM base AS final\nCMD [\"app\"]\n")


def test_scratch_and_windows_are_exempt():
    passes("IL7001", "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n")
    passes("IL7001", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"cmd\"]\n")


def test_nonroot_base_images_are_exempt():
    passes("IL7001", "FROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled\nCOPY app/ /app/\n")
    passes("IL7001", "FROM gcr.io/distroless/python3-debian12:nonroot\nCOPY app.py /\n")


def test_privilege_dropping_entrypoints_are_exempt():
    passes(
        "IL7001",
        "FROM alpine:3.20\nRUN apk add --no-cache 'su-exec>=0.2'\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n',
    )
    passes("IL7001", "FROM debian:bookworm-slim\nCOPY --from=tianon/gosu:1.17 /gosu /usr/local/bin/\n")


def test_no_user_points_at_the_final_from():
    finding = catches("IL7001", "FROM golang:1.22 AS build\nRUN true\nFROM debian:bookworm-slim\nCMD [\"app\"]\n")[0]
    assert finding.line == 3


def test_target_stage_is_the_one_checked():
    text = "FROM alpine:3.20 AS dev\nRUN true\nFROM alpine:3.20 AS prod\nUSER app\n"
    assert lint_snippet("IL7001", text, target="dev")
    assert not lint_snippet("IL7001", text)
