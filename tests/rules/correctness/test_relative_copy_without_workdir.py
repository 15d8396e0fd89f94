"""IL8008 relative-copy-without-workdir: relative COPY/ADD destinations, variables and parent stages."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_copy_dot_dot_without_workdir_points_at_the_destination():
    finding = catches("IL8008", "FROM node:22-slim\nCOPY package.json ./\n")[0]
    assert (finding.line, finding.column) == (2, 19)


def test_add_is_checked_too():
    catches("IL8008", "FROM alpine:3.20\nADD https://example.com/tool.tgz tool.tgz\n")


def test_absolute_windows_and_scratch_destinations_are_fine():
    passes("IL8008", "FROM alpine:3.20\nCOPY app /srv/app\n")
    passes("IL8008", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app.exe C:\\app\\\n")
    passes("IL8008", "FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app .\n")


def test_destination_from_a_variable():
    passes("IL8008", "FROM alpine:3.20\nENV APP_HOME=/srv/app\nCOPY . $APP_HOME/\n")
    passes("IL8008", "FROM alpine:3.20\nARG DEST\nCOPY . $DEST\n")
    catches("IL8008", "FROM alpine:3.20\nARG DEST=app/\nCOPY . $DEST\n")


def test_workdir_in_parent_stage_counts():
    passes("IL8008", "FROM node:22-slim AS base\nWORKDIR /app\nFROM base\nCOPY . .\n")
