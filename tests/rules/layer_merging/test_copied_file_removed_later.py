"""IL2005 copied-file-removed-later: copied files removed in a later RUN, also in ONBUILD triggers."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


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
