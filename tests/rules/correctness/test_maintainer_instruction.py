"""IL8004 maintainer-instruction: MAINTAINER, its LABEL fix and lower case."""

from __future__ import annotations

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def test_maintainer_fix_escapes_quotes():
    finding = catches("IL8004", 'FROM alpine:3.20\nMAINTAINER Jane "JD" Doe\n')[0]
    assert finding.fix.description == 'LABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe"'


def test_lower_case_maintainer():
    catches("IL8004", "from alpine:3.20\nmaintainer me@example.com\n")


def test_maintainer_label_is_fine():
    passes("IL8004", 'FROM alpine:3.20\nLABEL maintainer="me@example.com"\n')


def fixed(text: str) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL8004"]], Settings()).fixed


def test_fix_writes_the_label():
    assert fixed("FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n") == (
        'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'
    )


def test_fix_keeps_continuations_comments_crlf_and_casing():
    text = "from alpine:3.20\r\nmaintainer  Jane Doe \\\r\n# the team\r\n    <jane@example.com>  \r\nrun true\r\n"
    assert fixed(text) == (
        'from alpine:3.20\r\nlabel  org.opencontainers.image.authors="Jane Doe \\\r\n# the team\r\n'
        '    <jane@example.com>"  \r\nrun true\r\n'
    )


def test_fix_with_the_backtick_escape():
    text = "# escape=`\nFROM alpine:3.20\nMAINTAINER Jane `\n  Doe\n"
    assert fixed(text) == '# escape=`\nFROM alpine:3.20\nLABEL org.opencontainers.image.authors="Jane `\n  Doe"\n'


def test_text_a_label_would_read_differently_is_only_suggested():
    for author in ('Jane "JD" Doe', "$USER", "C:\\Users\\jane"):
        text = f"FROM alpine:3.20\nMAINTAINER {author}\n"
        finding = catches("IL8004", text)[0]
        assert finding.fix.applicability == "display-only"
        assert fixed(text) == text
    text = "# escape=`\nFROM alpine:3.20\nMAINTAINER Jane`s\n"
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM alpine:3.20\nMAINTAINER me@example.com\n")
    assert fixed(once) == once
