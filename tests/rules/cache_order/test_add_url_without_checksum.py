"""IL1004 add-url-without-checksum: remote ADD sources without --checksum and where the finding points."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_add_url_points_at_the_url():
    text = "FROM alpine:3.20\nADD --chmod=755 https://example.com/tool /usr/local/bin/tool\n"
    finding = catches("IL1004", text)[0]
    assert (finding.line, finding.column) == (2, 17)
    assert "https://example.com/tool" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        'FROM alpine:3.20\nADD ["https://example.com/a.tar.gz", "/tmp/"]\n',
        "FROM alpine:3.20\nARG V=1.0\nADD https://example.com/tool-${V}.tgz /tmp/\n",
        "FROM alpine:3.20\nONBUILD ADD http://example.com/file /file\n",
        "FROM alpine:3.20\nADD ftp://example.com/file /file\n",
    ],
)
def test_add_url_catches(text):
    catches("IL1004", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nADD --checksum=sha256:" + "a" * 64 + " https://example.com/tool /tool\n",
        "FROM alpine:3.20\nADD rootfs.tar.xz /\n",
        "FROM alpine:3.20\nCOPY https-notes.txt /\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.15.0 /src\n",  # git: IL1005's
        "FROM alpine:3.20\nADD --from=build /out/https:/x /x\n",
    ],
)
def test_add_url_passes(text):
    passes("IL1004", text)


def test_add_url_checksum_is_left_to_the_user():
    """No digest imagelint could vouch for: the fix is advice, never applied (not even --unsafe)."""
    from imagelint.fixer import fix_text
    from imagelint.rule import registered_rules
    from imagelint.settings import Settings

    text = "FROM alpine:3.20\nADD https://example.com/tool /tool\n"
    fix = catches("IL1004", text)[0].fix
    assert fix.applicability == "display-only" and not fix.edits
    assert fix.description.startswith("ADD --checksum=sha256:<digest> <url> <dest>") and "leaves this to you" in fix.description
    assert fix_text(text, "Dockerfile", [registered_rules()["IL1004"]], Settings(), unsafe=True).fixed == text
