"""IL2005 copied-file-removed-later: copied files removed in a later RUN, also in ONBUILD triggers."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL2005"]], Settings(), unsafe=unsafe).fixed


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nCOPY library-scripts/*.sh /tmp/library-scripts/\nRUN bash /tmp/library-scripts/common.sh && rm -rf /tmp/library-scripts\n",
        "FROM centos:7\nCOPY kong.rpm /tmp/kong.rpm\nRUN yum install -y /tmp/kong.rpm && rm /tmp/kong.rpm\n",
        "FROM debian:12\nWORKDIR /build\nCOPY . .\nRUN make install && cd / && rm -rf /build\n",
        "FROM debian:12\nCOPY setup.sh /\nRUN /setup.sh\nRUN rm /setup.sh\n",
    ],
)
def test_copied_file_removed_catches(text):
    catches("IL2005", text)


def test_copied_file_removed_points_at_the_rm():
    text = "FROM debian:12\nCOPY setup.sh /tmp/\nRUN sh /tmp/setup.sh \\\n    && rm -f /tmp/setup.sh\n"
    finding = catches("IL2005", text)[0]
    assert (finding.line, finding.column) == (4, 8)
    assert "COPY at line 2" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # the build tree is mostly this RUN's own files (docker-library perl: patches copied into it)
        "FROM debian:12\nCOPY *.patch /usr/src/perl/\nRUN curl -fsSLo perl.tar.xz https://www.cpan.org/src/perl.tar.xz "
        "&& tar -xJf perl.tar.xz -C /usr/src/perl && make -C /usr/src/perl install && rm -rf /usr/src/perl\n",
        # removing files a RUN created inside a copied tree
        "FROM open-liberty:base\nCOPY --from=runtime /opt/ol/wlp /opt/ol/wlp\n"
        "RUN /opt/ol/wlp/bin/server create && rm -rf /opt/ol/wlp/output/.classCache\n",
        # an extracted archive is IL2004's
        "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz\n",
        # bind mount instead of COPY
        "FROM debian:12\nRUN --mount=type=bind,source=setup.sh,target=/tmp/setup.sh sh /tmp/setup.sh\n",
        # unrelated paths
        "FROM debian:12\nCOPY run.sh /usr/local/bin\nRUN rm -f /usr/local/bin/old-tool\n",
        # builder stage
        "FROM debian:12 AS build\nCOPY . /src\nRUN make -C /src && rm -rf /src\nFROM debian:12\nCOPY --from=build /out /out\n",
    ],
)
def test_copied_file_removed_passes(text):
    passes("IL2005", text)


def test_size_rules_look_at_onbuild_triggers():
    text = "FROM python:3.12\nONBUILD COPY setup.sh /tmp/\nONBUILD RUN sh /tmp/setup.sh && rm /tmp/setup.sh\n"
    catches("IL2005", text)


# --- the fix: a file only copied and removed is not copied at all ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM debian:12\nCOPY unused.txt /tmp/\nRUN rm /tmp/unused.txt\n",
            "FROM debian:12\n",
        ),
        (  # one source of several, one path of several
            "FROM debian:12\nCOPY a.conf b.conf /etc/app/\nRUN echo hi && rm -f /etc/app/b.conf /etc/app/old.conf\n",
            "FROM debian:12\nCOPY a.conf /etc/app/\nRUN echo hi && rm -f /etc/app/old.conf\n",
        ),
        (  # continuation lines: the rm and its connector leave the RUN
            "FROM debian:12\nCOPY notes/ /opt/notes/\nRUN set -eux; \\\n    rm -rf /opt/notes; \\\n    echo done\n",
            "FROM debian:12\nRUN set -eux; \\\n    echo done\n",
        ),
        (
            "FROM debian:12\r\nCOPY unused.txt /tmp/\r\nRUN apt-get update \\\r\n  && rm /tmp/unused.txt\r\n",
            "FROM debian:12\r\nRUN apt-get update\r\n",
        ),
        (
            "# escape=`\nFROM debian:12\nCOPY unused.txt /tmp/\nRUN apt-get update `\n  && rm /tmp/unused.txt\n",
            "# escape=`\nFROM debian:12\nRUN apt-get update\n",
        ),
    ],
)
def test_copied_file_removed_fix_drops_the_copy(text, expected):
    assert fixed(text) == expected
    assert fixed(expected) == expected
    assert fixed(text, unsafe=False) == text


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nCOPY install-tools.sh /tmp/\nRUN sh /tmp/install-tools.sh && rm /tmp/install-tools.sh\n",  # used
        "FROM debian:12\nCOPY setup.sh /\nRUN /setup.sh\nRUN rm /setup.sh\n",  # used between
        "FROM python:3.12\nCOPY . /src\nRUN pip install /src && rm -rf /src\n",
        "FROM debian:12\nCOPY notes/ /opt/notes/\nRUN rm -rf /opt/notes/*\n",  # a glob
        "FROM debian:12\nCOPY a.conf b.conf /etc/app\nRUN rm /etc/app/b.conf\n",  # one source left: /etc/app would be a file
        "FROM debian:12\nCOPY unused.txt /data/\nRUN rm /data/unused.txt\nWORKDIR /data\n",  # the COPY made /data
        "FROM debian:12\nCOPY unused.txt /tmp/\nRUN rm /tmp/unused.txt | true\n",
    ],
)
def test_copied_file_removed_fix_keeps_the_advice(text):
    findings = catches("IL2005", text)
    assert all(f.fix is None or f.fix.applicability == "display-only" for f in findings)
    assert fixed(text) == text


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("FROM debian:12\nADD https://example.com/dl/install.sh /tmp/\nRUN sh /tmp/install.sh && rm /tmp/install.sh\n", "/tmp/install.sh"),
        # the file name comes from the URL's path, not its query or fragment
        ("FROM debian:12\nADD https://example.com/dl/install.sh?v=2#top /tmp/\nRUN sh /tmp/install.sh && rm -f /tmp/install.sh\n", "/tmp/install.sh"),
        # or from the destination
        ("FROM debian:12\nADD https://example.com/get?tool=x /usr/local/bin/x-setup\nRUN x-setup && rm /usr/local/bin/x-setup\n", "/usr/local/bin/x-setup"),
        ("FROM debian:12\nWORKDIR /opt\nADD https://example.com/dl/app.jar .\nRUN java -jar app.jar --selftest && rm app.jar\n", "/opt/app.jar"),
    ],
)
def test_file_an_add_url_downloaded_and_a_later_run_removes(text, path):
    (finding,) = catches("IL2005", text)
    assert f"rm of {path} does not shrink the image: the ADD at line" in finding.message
    assert "downloaded it into its own layer" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nADD https://example.com/dl/install.sh /tmp/\nRUN rm -f /tmp/other.sh\n",
        "FROM debian:12\nADD https://example.com/ /tmp/\nRUN rm -rf /tmp/index.html\n",  # no file name to go by
        "FROM debian:12\nADD https://github.com/example/tool.git#v1.2.0 /src/tool\nRUN make -C /src/tool && rm -rf /src/other\n",
    ],
)
def test_add_url_sources_that_no_rm_removes(text):
    passes("IL2005", text)
