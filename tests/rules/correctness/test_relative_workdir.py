"""IL8007 relative-workdir: relative WORKDIR, variables, Windows paths and each stage."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8007"]], Settings(), unsafe=unsafe).fixed


def test_relative_after_absolute_is_fine():
    passes("IL8007", "FROM golang:1.22\nWORKDIR /src\nWORKDIR tools/gopls\nWORKDIR ../deeper\n")


def test_only_the_first_relative_workdir_is_reported():
    findings = catches("IL8007", "FROM alpine:3.20\nWORKDIR app\nWORKDIR src\n")
    assert [f.line for f in findings] == [2]
    assert findings[0].fix.applicability == "unsafe"
    assert fixed("FROM alpine:3.20\nWORKDIR app\nWORKDIR src\n") == "FROM alpine:3.20\nWORKDIR /app\nWORKDIR src\n"


def test_windows_and_unknown_variables_are_fine():
    passes("IL8007", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n")
    passes("IL8007", "FROM eclipse-temurin:21\nWORKDIR $JAVA_HOME/lib\n")


def test_variable_that_expands_to_a_relative_path():
    catches("IL8007", "FROM alpine:3.20\nARG DIR=app\nWORKDIR $DIR\n")


def test_each_stage_needs_its_own_absolute_workdir():
    catches("IL8007", "FROM alpine:3.20 AS a\nWORKDIR /a\nFROM alpine:3.20 AS b\nWORKDIR b\n")


def test_fix_roots_the_path():
    assert fixed("FROM node:22-slim\nWORKDIR ./srv/app\n") == "FROM node:22-slim\nWORKDIR /srv/app\n"
    assert fixed("FROM node:22-slim\nWORKDIR app\n", unsafe=False) == "FROM node:22-slim\nWORKDIR app\n"


def test_fix_keeps_continuations_crlf_and_casing():
    text = "FROM node:22-slim\r\nworkdir \\\r\n    srv/app\r\n"
    assert fixed(text) == "FROM node:22-slim\r\nworkdir \\\r\n    /srv/app\r\n"


def test_backtick_escape_means_windows_and_only_gets_the_suggestion():
    text = "# escape=`\nFROM alpine:3.20\nWORKDIR app\n"
    finding = catches("IL8007", text)[0]
    assert finding.fix.applicability == "display-only"
    assert fixed(text) == text


@pytest.mark.parametrize("path", ["$DIR", "'app'", "../app", "app\\\\x"])
def test_paths_not_written_plainly_are_only_suggested(path):
    text = f"FROM alpine:3.20\nARG DIR=app\nWORKDIR {path}\n"
    catches("IL8007", text)
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM alpine:3.20 AS a\nWORKDIR a\nFROM alpine:3.20\nWORKDIR ./b\n")
    assert once == "FROM alpine:3.20 AS a\nWORKDIR /a\nFROM alpine:3.20\nWORKDIR /b\n"
    assert fixed(once) == once
