"""IL8007 relative-workdir: relative WORKDIR, variables, Windows paths and each stage."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_relative_after_absolute_is_fine():
    passes("IL8007", "FROM golang:1.22\nWORKDIR /src\nWORKDIR tools/gopls\nWORKDIR ../deeper\n")


def test_only_the_first_relative_workdir_is_reported():
    findings = catches("IL8007", "FROM alpine:3.20\nWORKDIR app\nWORKDIR src\n")
    assert [f.line for f in findings] == [2]
    assert findings[0].fix.description == "WORKDIR /app"


def test_windows_and_unknown_variables_are_fine():
    passes("IL8007", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n")
    passes("IL8007", "FROM eclipse-temurin:21\nWORKDIR $JAVA_HOME/lib\n")


def test_variable_that_expands_to_a_relative_path():
    catches("IL8007", "FROM alpine:3.20\nARG DIR=app\nWORKDIR $DIR\n")


def test_each_stage_needs_its_own_absolute_workdir():
    catches("IL8007", "FROM alpine:3.20 AS a\nWORKDIR /a\nFROM alpine:3.20 AS b\nWORKDIR b\n")
