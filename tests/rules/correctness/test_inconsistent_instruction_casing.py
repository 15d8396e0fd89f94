"""IL8015 inconsistent-instruction-casing: mixed keyword casing, AS casing and the majority case."""

from __future__ import annotations

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8015"]], Settings()).fixed


def test_mixed_case_keyword_is_reported():
    finding = catches("IL8015", "FROM alpine:3.20\nRUn echo hi\n")[0]
    assert "RUN" in finding.message and finding.line == 2


def test_as_casing_points_at_as():
    finding = catches("IL8015", "FROM golang:1.22 as build\n")[0]
    assert (finding.line, finding.column) == (1, 18)


def test_lower_case_majority():
    findings = catches("IL8015", "from alpine:3.20\nrun true\nCMD [\"sh\"]\n")
    assert [f.line for f in findings] == [3]


def test_consistent_files_are_fine():
    passes("IL8015", "FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.20\nCOPY --from=build /x /x\n")


def test_fix_writes_the_majority_casing():
    assert fixed("FROM alpine:3.20\nrun apk add curl\nRUn true\nCMD [\"sh\"]\n") == (
        'FROM alpine:3.20\nRUN apk add curl\nRUN true\nCMD ["sh"]\n'
    )
    assert fixed("from alpine:3.20\nrun true\nCMD [\"sh\"]\n") == 'from alpine:3.20\nrun true\ncmd ["sh"]\n'


def test_fix_makes_as_match_from():
    assert fixed("FROM golang:1.22 as build\nRUN go build\n") == "FROM golang:1.22 AS build\nRUN go build\n"
    assert fixed("from golang:1.22 AS build\nrun go build\n") == "from golang:1.22 as build\nrun go build\n"
    # FROM itself is off: both end in the file's casing
    assert fixed("from golang:1.22 AS build\nRUN go build\nRUN true\n") == "FROM golang:1.22 AS build\nRUN go build\nRUN true\n"
    assert fixed("FROM golang:1.22 as build\nrun go build\nrun true\n") == "from golang:1.22 as build\nrun go build\nrun true\n"


def test_fix_keeps_continuations_crlf_and_the_backtick_escape():
    text = "FROM alpine:3.20\r\n  run apk add \\\r\n      curl\r\nCMD [\"sh\"]\r\n"
    assert fixed(text) == "FROM alpine:3.20\r\n  RUN apk add \\\r\n      curl\r\nCMD [\"sh\"]\r\n"
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 as base\nRun dir `\n  C:\\\nCMD dir\n"
    assert fixed(text) == "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\nRUN dir `\n  C:\\\nCMD dir\n"


def test_unknown_instructions_are_not_rewritten():
    text = "FROM alpine:3.20\nfrobnicate x\n"
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("from golang:1.22 AS build\nRUN go build\nrun x\nRUN true\n")
    assert once == "FROM golang:1.22 AS build\nRUN go build\nRUN x\nRUN true\n"
    assert fixed(once) == once
