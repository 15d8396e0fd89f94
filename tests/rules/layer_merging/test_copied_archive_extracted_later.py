"""IL2004 copied-archive-extracted-later: copied archives extracted in a later RUN, and the location."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL2004"]], Settings(), unsafe=unsafe).fixed


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nCOPY dist/app.tgz /tmp/app.tgz\nRUN tar xzf /tmp/app.tgz -C /opt\n",
        "FROM debian:12\nCOPY app.tar.xz /tmp/\nRUN tar --extract --file=/tmp/app.tar.xz -C /opt\n",
        "FROM debian:12\nCOPY --from=build /out/app.tar.gz /tmp/\nRUN tar -xf /tmp/app.tar.gz -C /opt\n",
        "FROM debian:12\nADD https://example.com/sdk.tar.gz /tmp/\nRUN tar -xzf /tmp/sdk.tar.gz -C /opt\n",
        "FROM debian:12\nCOPY *.zip /tmp/\nRUN unzip /tmp/plugin.zip -d /opt/plugins\n",
    ],
)
def test_copied_archive_extracted_catches(text):
    catches("IL2004", text)


def test_copied_archive_extracted_points_at_the_copy_source():
    finding = catches("IL2004", "FROM debian:12\nCOPY README app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n")[0]
    assert (finding.line, finding.column) == (2, 13)
    assert "ADD app.tar.gz <dir>/" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nADD app.tar.gz /opt/\n",
        "FROM debian:12\nCOPY app.tar.gz /srv/downloads/\n",  # shipped as a file on purpose
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -tzf /tmp/app.tar.gz\n",  # only lists it
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/other.tar.gz -C /opt\n",
        "FROM debian:12\nRUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz tar -xzf /tmp/app.tar.gz -C /opt\n",
        "FROM debian:12 AS fetch\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\nFROM debian:12\nCOPY --from=fetch /opt /opt\n",
    ],
)
def test_copied_archive_extracted_passes(text):
    passes("IL2004", text)


# --- the fix: ADD extracts the local archive in place of COPY + tar ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz\n",
            "FROM debian:12\nADD app.tar.gz /opt/\n",
        ),
        (  # old-style options, no -C: the working directory; lower-case keyword
            "FROM debian:12\nWORKDIR /srv\ncopy dist/app.tgz /tmp/app.tgz\nRUN tar xvf /tmp/app.tgz\n",
            "FROM debian:12\nWORKDIR /srv\nadd dist/app.tgz /srv/\n",
        ),
        (  # continuation lines: the mkdir, tar and rm leave the RUN, the rest stays; an ENV between
            "FROM debian:12\nCOPY app.tar.xz /tmp/\nENV APP=/opt/app\nRUN set -eux; \\\n    mkdir -p /opt/app \\\n"
            "    && tar --extract --xz --file=/tmp/app.tar.xz --directory /opt/app \\\n    && rm -f /tmp/app.tar.xz \\\n"
            "    && ln -s /opt/app/bin/app /usr/local/bin/app\n",
            "FROM debian:12\nADD app.tar.xz /opt/app/\nENV APP=/opt/app\nRUN set -eux; \\\n"
            "    ln -s /opt/app/bin/app /usr/local/bin/app\n",
        ),
        (
            "FROM debian:12\r\nCOPY app.tar.bz2 /tmp/\r\nRUN tar -xjf /tmp/app.tar.bz2 -C /opt \\\r\n  && /opt/app/setup\r\n",
            "FROM debian:12\r\nADD app.tar.bz2 /opt/\r\nRUN /opt/app/setup\r\n",
        ),
        (
            "# escape=`\nFROM debian:12\nCOPY app.tar /tmp/\nRUN tar -xf /tmp/app.tar -C /opt `\n  && rm /tmp/app.tar\n",
            "# escape=`\nFROM debian:12\nADD app.tar /opt/\n",
        ),
    ],
)
def test_copied_archive_extracted_fix_uses_add(text, expected):
    assert fixed(text) == expected
    assert fixed(expected) == expected
    assert fixed(text, unsafe=False) == text


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz --strip-components=1 -C /opt\n",
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt app/bin\n",  # one member
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar --no-same-owner -xzf /tmp/app.tar.gz -C /opt\n",
        "FROM debian:12\nCOPY dist.zip /tmp/\nRUN unzip /tmp/dist.zip -d /opt\n",  # ADD does not unpack zip files
        "FROM debian:12\nCOPY --from=build /out/app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
        "FROM debian:12\nCOPY --chown=app app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
        "FROM debian:12\nCOPY README app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",  # more than the archive
        "FROM debian:12\nUSER app\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",  # tar as another user
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN useradd app\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",  # a RUN between
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN sha256sum -c app.sha256 /tmp/app.tar.gz && tar -xzf /tmp/app.tar.gz -C /opt\n",
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\nRUN cp /tmp/app.tar.gz /srv/\n",
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C $DEST\n",
    ],
)
def test_copied_archive_extracted_fix_keeps_the_advice(text):
    findings = catches("IL2004", text)
    assert all(f.fix is None or f.fix.applicability == "display-only" for f in findings)
    assert fixed(text) == text
