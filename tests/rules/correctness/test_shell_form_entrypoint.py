"""IL8002 shell-form-entrypoint: shell-form ENTRYPOINT, its fix, custom shells and parent stages."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_shell_form_entrypoint_and_fix():
    finding = catches("IL8002", "FROM alpine:3.20\nENTRYPOINT /usr/local/bin/app --serve\n")[0]
    assert finding.fix.description == 'ENTRYPOINT ["/usr/local/bin/app", "--serve"]'


def test_no_fix_when_the_command_needs_the_shell():
    finding = catches("IL8002", "FROM alpine:3.20\nCMD app --port $PORT\n")[0]
    assert finding.fix is None


def test_custom_shell_and_windows_are_exempt():
    passes("IL8002", 'FROM alpine:3.20\nSHELL ["/bin/bash", "-c"]\nCMD app --port "$PORT"\n')
    passes("IL8002", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD powershell -Command Start-Sleep 1\n")


def test_shell_set_in_parent_stage_counts():
    passes("IL8002", 'FROM alpine:3.20 AS base\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nFROM base\nCMD app\n')


def test_healthcheck_shell_form_is_not_reported():
    passes("IL8002", "FROM alpine:3.20\nHEALTHCHECK CMD wget -qO- http://localhost/ || exit 1\n")


def test_broken_json_is_left_to_il8006():
    passes("IL8002", "FROM alpine:3.20\nCMD ['app']\n")
