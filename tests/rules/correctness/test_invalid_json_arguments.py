"""IL8006 invalid-json-arguments: broken JSON arrays, shell tests and the single-quote fix."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8006"]], Settings(), unsafe=unsafe).fixed


@pytest.mark.parametrize(
    "line",
    [
        'CMD ["echo", "look ma, no quote!]',
        "ENTRYPOINT [\u201cpython\u201d, \u201capp.py\u201d]",
        'CMD ["echo", ["nested"]]',
        'CMD ["sh", "-c", "echo \\$HOME"]',
        "SHELL ['/bin/bash', '-c']",
        'RUN ["apk", "add", "curl"',
        "COPY ['a.txt', '/app/']",
    ],
)
def test_broken_arrays(line):
    catches("IL8006", f"FROM alpine:3.20\n{line}\n")


@pytest.mark.parametrize(
    "line",
    [
        'RUN [ "$(uname -m)" = "x86_64" ] && echo amd64',
        "RUN [ -d /app ] || mkdir /app",
        "RUN [[ -f /etc/os-release ]] && cat /etc/os-release",
        "CMD []",
        'CMD [ "a", "b" ]',
        "VOLUME /data",
    ],
)
def test_shell_tests_and_valid_json(line):
    passes("IL8006", f"FROM alpine:3.20\n{line}\n")


def test_single_quote_fix():
    text = "FROM alpine:3.20\nCMD ['python', 'app.py']\n"
    finding = catches("IL8006", text)[0]
    assert finding.fix.applicability == "unsafe"
    assert fixed(text) == 'FROM alpine:3.20\nCMD ["python", "app.py"]\n'
    assert fixed(text, unsafe=False) == text


@pytest.mark.parametrize(
    ("line", "repaired"),
    [
        ("ENTRYPOINT [\u201cpython\u201d, \u201capp.py\u201d]", 'ENTRYPOINT ["python", "app.py"]'),
        ('RUN ["apk", "add", "curl"', 'RUN ["apk", "add", "curl"]'),
        ("SHELL ['/bin/bash', '-c']", 'SHELL ["/bin/bash", "-c"]'),
        ("COPY ['a.txt', '/app/']", 'COPY ["a.txt", "/app/"]'),
        ("ONBUILD CMD ['app']", 'ONBUILD CMD ["app"]'),
        ("CMD ['app'", 'CMD ["app"]'),
    ],
)
def test_repairs(line, repaired):
    assert fixed(f"FROM alpine:3.20\n{line}\n") == f"FROM alpine:3.20\n{repaired}\n"


def test_fix_keeps_continuations_comments_crlf_and_the_backtick_escape():
    text = "FROM alpine:3.20\r\nCMD ['python', \\\r\n# the app\r\n     'app.py']\r\n"
    assert fixed(text) == 'FROM alpine:3.20\r\nCMD ["python", \\\r\n# the app\r\n     "app.py"]\r\n'
    text = "# escape=`\nFROM alpine:3.20\nCMD ['python', `\n     'app.py'\n"
    assert fixed(text) == '# escape=`\nFROM alpine:3.20\nCMD ["python", `\n     "app.py"]\n'


@pytest.mark.parametrize(
    "line",
    [
        'CMD ["echo", "look ma, no quote!]',
        'CMD ["echo", ["nested"]]',
        'CMD ["sh", "-c", "echo \\$HOME"]',
        "CMD ['it''s']",
        "CMD ['mixed', \"quotes\"]",
    ],
)
def test_no_obvious_repair_is_left_alone(line):
    text = f"FROM alpine:3.20\n{line}\n"
    finding = catches("IL8006", text)[0]
    assert finding.fix is None or finding.fix.applicability == "display-only"
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM alpine:3.20\nCMD ['a']\nENTRYPOINT [\"b\"\n")
    assert once == 'FROM alpine:3.20\nCMD ["a"]\nENTRYPOINT ["b"]\n'
    assert fixed(once) == once
