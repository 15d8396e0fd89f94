"""IL8014 legacy-key-value-format: legacy ENV/LABEL key value forms and the quoting fix."""

from __future__ import annotations

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8014"]], Settings()).fixed


def test_legacy_fix_quotes_values_with_spaces():
    finding = catches("IL8014", "FROM alpine:3.20\nENV JAVA_OPTS -Xmx1g -Xms1g\n")[0]
    assert finding.fix.applicability == "safe"
    assert fixed("FROM alpine:3.20\nENV JAVA_OPTS -Xmx1g -Xms1g\n") == 'FROM alpine:3.20\nENV JAVA_OPTS="-Xmx1g -Xms1g"\n'
    assert fixed("FROM alpine:3.20\nENV LANG   C.UTF-8\n") == "FROM alpine:3.20\nENV LANG=C.UTF-8\n"
    assert fixed("FROM alpine:3.20\nENV PATH $PATH:/opt/bin\n") == "FROM alpine:3.20\nENV PATH=$PATH:/opt/bin\n"


def test_legacy_label_and_onbuild():
    finding = catches("IL8014", 'FROM alpine:3.20\nLABEL maintainer "me@example.com"\n')[0]
    assert finding.fix.applicability == "display-only"  # quotes: the two forms read them differently
    assert fixed("FROM alpine:3.20\nLABEL maintainer me@example.com\n") == "FROM alpine:3.20\nLABEL maintainer=me@example.com\n"
    assert fixed("FROM alpine:3.20\nONBUILD ENV A 1\n") == "FROM alpine:3.20\nONBUILD ENV A=1\n"


def test_fix_keeps_continuations_crlf_and_the_backtick_escape():
    text = "FROM alpine:3.20\r\nENV OPTS -a \\\r\n    -b\r\nRUN true\r\n"
    assert fixed(text) == 'FROM alpine:3.20\r\nENV OPTS="-a \\\r\n    -b"\r\nRUN true\r\n'
    text = "# escape=`\nFROM alpine:3.20\nenv OPTS -a `\n    -b\n"
    assert fixed(text) == '# escape=`\nFROM alpine:3.20\nenv OPTS="-a `\n    -b"\n'


def test_values_the_two_forms_read_differently_are_only_suggested():
    for value in ("'single'", 'say "hi"', "C:\\dir", "a\\ b"):
        text = f"FROM alpine:3.20\nENV A {value}\n"
        assert fixed(text) == text
    text = "FROM alpine:3.20\nENV A \\\n    1\n"  # key and value on two lines
    assert fixed(text) == text
    text = "# escape=`\nFROM alpine:3.20\nENV A x`y\n"
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM alpine:3.20\nENV A 1 2\nLABEL b c\n")
    assert once == 'FROM alpine:3.20\nENV A="1 2"\nLABEL b=c\n'
    assert fixed(once) == once


def test_key_value_forms_are_fine():
    passes("IL8014", 'FROM alpine:3.20\nENV A=1 B="two words"\nLABEL a=b\nARG X\n')
