"""IL8003 repeated-cmd-entrypoint-healthcheck: repeated CMD/ENTRYPOINT/HEALTHCHECK, ONBUILD and parent stages."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_every_earlier_instruction_is_reported_with_the_winning_line():
    findings = catches("IL8003", 'FROM alpine:3.20\nCMD ["a"]\nCMD ["b"]\nCMD ["c"]\n')
    assert [f.line for f in findings] == [2, 3]
    assert "line 4" in findings[0].message


def test_repeated_entrypoint_and_healthcheck():
    catches("IL8003", 'FROM alpine:3.20\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n')
    catches("IL8003", "FROM alpine:3.20\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n")


def test_one_of_each_is_fine():
    passes("IL8003", 'FROM alpine:3.20\nENTRYPOINT ["app"]\nCMD ["--help"]\nHEALTHCHECK CMD ["app", "ping"]\n')


def test_onbuild_cmd_does_not_count():
    passes("IL8003", 'FROM alpine:3.20\nONBUILD CMD ["a"]\nCMD ["b"]\n')


def test_parent_stage_cmd_is_overridden_not_repeated():
    passes("IL8003", 'FROM alpine:3.20 AS base\nCMD ["a"]\nFROM base\nCMD ["b"]\n')
