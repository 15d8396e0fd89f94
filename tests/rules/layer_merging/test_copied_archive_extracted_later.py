"""IL2004 copied-archive-extracted-later: copied archives extracted in a later RUN, and the location."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


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
