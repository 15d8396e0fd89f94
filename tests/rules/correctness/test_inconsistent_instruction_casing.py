"""IL8015 inconsistent-instruction-casing: mixed keyword casing, AS casing and the majority case."""

from __future__ import annotations

from tests.support.helpers import catches, passes


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
