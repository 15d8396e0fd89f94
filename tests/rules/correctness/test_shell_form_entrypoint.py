"""IL8002 shell-form-entrypoint: shell-form ENTRYPOINT, its fix, custom shells and parent stages."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8002"]], Settings(), unsafe=unsafe).fixed


def test_shell_form_entrypoint_and_fix():
    text = "FROM alpine:3.20\nENTRYPOINT /usr/local/bin/app --serve\n"
    finding = catches("IL8002", text)[0]
    assert finding.fix.applicability == "unsafe"
    assert fixed(text) == 'FROM alpine:3.20\nENTRYPOINT ["/usr/local/bin/app", "--serve"]\n'
    assert fixed(text, unsafe=False) == text


def test_fix_keeps_continuations_comments_crlf_and_casing():
    text = "FROM python:3.12-slim\r\ncmd python -m \\\r\n# the port\r\n    http.server 8000\r\n"
    assert fixed(text) == 'FROM python:3.12-slim\r\ncmd ["python", "-m", \\\r\n# the port\r\n    "http.server", "8000"]\r\n'


def test_the_backtick_escape_means_windows_and_is_left_alone():
    text = "# escape=`\nFROM alpine:3.20\nCMD app `\n  --serve\n"
    passes("IL8002", text)
    assert fixed(text) == text


@pytest.mark.parametrize(
    "command",
    [
        "app --port $PORT",
        "app 'quoted arg'",
        'app "x"',
        "app *.conf",
        "app && other",
        "app | tee log",
        "app > /var/log/app.log",
        "app\\ x",
        "app # comment",
        "PORT=80 app",
        "cd /srv && app",
        "app ~/conf",
        "app; other",
        "pyth\\\non app.py",  # a word split by a continuation
    ],
)
def test_commands_that_need_the_shell_are_only_suggested(command):
    text = f"FROM alpine:3.20\nCMD {command}\n"
    finding = catches("IL8002", text)[0]
    assert finding.fix is None or finding.fix.applicability == "display-only"
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM alpine:3.20\nENTRYPOINT app\nCMD serve --port=80 --host 0.0.0.0\n")
    assert once == 'FROM alpine:3.20\nENTRYPOINT ["app"]\nCMD ["serve", "--port=80", "--host", "0.0.0.0"]\n'
    assert fixed(once) == once


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
