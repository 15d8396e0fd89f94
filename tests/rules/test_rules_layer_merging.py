"""layer-merging rules: files created in one layer and touched, removed or merged in another."""

from __future__ import annotations

import pytest

from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes

# --- IL2001 chmod-after-copy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nRUN chmod +x /usr/local/bin/docker-entrypoint.sh\n",
        # ``COPY x /usr/local/bin`` (no slash): the file lands inside when the directory exists
        "FROM alpine:3.20\nCOPY run.sh /usr/local/bin\nRUN chmod 755 /usr/local/bin/run.sh\n",
        "FROM alpine:3.20\nCOPY helpers /opt/helpers\nRUN chown -R 1001:0 /opt/helpers\n",
        "FROM alpine:3.20\nCOPY . /app\nRUN cd /app && chmod +x bin/start\n",
        "FROM alpine:3.20\nENV APP=/srv/app\nCOPY app/ $APP/\nRUN chown -R app $APP\n",
        "FROM alpine:3.20\nCOPY --from=build /out/ /opt/app/\nRUN chgrp -R 0 /opt\n",
    ],
)
def test_chmod_after_copy_catches(text):
    catches("IL2001", text)


def test_chmod_after_copy_reports_once_per_run_at_the_first_command():
    text = (
        "FROM alpine:3.20\nCOPY a.sh /usr/local/bin/\nCOPY b/ /opt/b/\n"
        "RUN set -eux; \\\n    chmod +x /usr/local/bin/a.sh; \\\n    chown -R app /opt/b\n"
    )
    findings = catches("IL2001", text)
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == (5, 5)
    assert "and 1 more in this RUN" in findings[0].message


def test_chmod_after_copy_suggests_the_copy_flag():
    finding = catches("IL2001", "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R node:node /srv/app\n")[0]
    assert finding.fix == "COPY --chown=node:node ..."
    finding = catches("IL2001", "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod 0755 /run.sh\n")[0]
    assert finding.fix == "COPY --chmod=0755 ..."


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nCOPY --chmod=755 run.sh /usr/local/bin/\n",
        # a directory's own mode or owner: the files inside are not rewritten
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown app /srv/app\n",
        "FROM alpine:3.20\nCOPY . /app\nRUN chmod 755 /app\n",
        "FROM alpine:3.20\nCOPY --from=upstream /opt/conda /opt/conda\nRUN chmod =2775 /opt/conda\n",
        "FROM alpine:3.20\nCOPY --from=upstream /srv/share /srv/share\nRUN chmod g+s /srv/share\n",
        # other paths
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN mkdir /data && chown -R app /data\n",
        "FROM alpine:3.20\nCOPY run.sh /usr/local/bin\nRUN chmod +x /usr/local/bin/other\n",
        # chmod before the copy
        "FROM alpine:3.20\nRUN mkdir -p /srv/app && chown app /srv/app\nCOPY app/ /srv/app/\n",
        # builder stages never ship their layers
        "FROM golang:1.23 AS build\nCOPY . /src\nRUN chmod -R +x /src/scripts\nFROM alpine:3.20\nCOPY --from=build /src/bin/app /app\n",
        # a path we cannot resolve
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R app \"$(mktemp -d)\"\n",
    ],
)
def test_chmod_after_copy_passes(text):
    passes("IL2001", text)


def test_chmod_after_copy_in_builder_stages_when_configured():
    text = "FROM golang:1.23 AS build\nCOPY . /src\nRUN chmod -R +x /src/scripts\nFROM alpine:3.20\nCOPY --from=build /src/bin/app /app\n"
    settings = Settings(rule_options={"IL2001": {"builder-stages": True}})
    assert [f for f in lint_snippet("IL2001", text, settings=settings) if f.rule == "IL2001"]


# --- IL2002 consecutive-run-instructions ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n",
        "FROM node:22\nRUN npm install -g npm@10\nRUN npm install -g yarn@1\n",
        "FROM fedora:40\nRUN dnf install -y gcc && dnf clean all\nRUN dnf install -y make\n",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\nRUN --mount=type=cache,target=/etc/apk/cache apk add git\n",
    ],
)
def test_consecutive_runs_catches(text):
    catches("IL2002", text)


def test_consecutive_runs_points_at_the_second_run():
    finding = catches("IL2002", "FROM python:3.12\nRUN pip install a\n\n# b too\nRUN pip install b\n")[0]
    assert finding.line == 5
    assert "line 2" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # different package managers, or a step that is not package work
        "FROM debian:12\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install flask\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN curl -fsSL https://example.com/x | sh\n",
        "FROM alpine:3.20\nRUN mkdir /app\nRUN chown app /app\n",
        # longer RUNs are deliberate steps
        "FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n"
        "RUN apt-get update && apt-get install -y git\n",
        # different mounts cannot share a RUN
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\nRUN apk add --no-cache git\n",
        # IL1002 covers ``update`` alone
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
        # other instructions between
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nENV A=1\nRUN apk add --no-cache git\n",
        # not across stages
        "FROM alpine:3.20 AS a\nRUN apk add --no-cache curl\nFROM a\nRUN apk add --no-cache git\n",
    ],
)
def test_consecutive_runs_passes(text):
    passes("IL2002", text)


def test_consecutive_runs_any_mode_is_hadolints_dl3059():
    text = "FROM alpine:3.20\nRUN mkdir /app\nRUN chown app /app\n"
    settings = Settings(rule_options={"IL2002": {"mode": "any"}})
    assert [f for f in lint_snippet("IL2002", text, settings=settings) if f.rule == "IL2002"]
    settings = Settings(rule_options={"IL2002": {"max-commands": 1}})
    passes("IL2002", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n", settings=settings)


def test_consecutive_runs_respects_hadolint_pragma():
    text = "FROM python:3.12\nRUN pip install a\n# hadolint ignore=DL3059\nRUN pip install b\n"
    passes("IL2002", text)


# --- IL2003 cleanup-in-later-layer ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM centos:7\nRUN yum install -y gcc\nRUN yum clean all\n",
        "FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\n",
        "FROM node:22\nRUN npm install -g yarn@1\nRUN npm cache clean --force\n",
        "FROM debian:12\nWORKDIR /tmp\nRUN wget https://example.com/tool.tar.gz && tar -xzf tool.tar.gz -C /opt\nRUN rm -rf /tmp/*\n",
        "FROM debian:12\nRUN git clone https://github.com/x/y.git /usr/src/y && make -C /usr/src/y install\nRUN rm -rf /usr/src/y\n",
        "FROM python:3.12\nUSER app\nRUN pip install --user flask\nRUN rm -rf /home/app/.cache/pip\n",
    ],
)
def test_cleanup_in_later_layer_catches(text):
    catches("IL2003", text)


def test_cleanup_in_later_layer_names_the_creating_run_and_points_at_the_cleanup():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN set -eux; \\\n    rm -rf /var/lib/apt/lists/*\n"
    finding = catches("IL2003", text)[0]
    assert (finding.line, finding.column) == (4, 5)
    assert "line 2" in finding.message and "/var/lib/apt/lists" in finding.message


def test_cleanup_in_later_layer_reports_a_clean_command_once():
    assert len(catches("IL2003", "FROM centos:7\nRUN yum install -y gcc\nRUN yum clean all\n")) == 1


@pytest.mark.parametrize(
    "text",
    [
        # the docker-library pattern: clean up in the same RUN
        "FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates; "
        "rm -rf /var/lib/apt/lists/*\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN rm -rf /var/cache/apk/*\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir flask\nRUN rm -rf /root/.cache/pip\n",
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nRUN pip cache purge\n",
        # deleting something the earlier RUN did not create
        "FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz\nRUN rm -rf /tmp/b\n",
        # ``apt-get update`` alone is IL1002's
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        # a second cleanup of something already cleaned
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n",
    ],
)
def test_cleanup_in_later_layer_passes(text):
    passes("IL2003", text)


# --- IL2004 copied-archive-extracted-later --------------------------------------------------------


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


# --- IL2005 copied-file-removed-later -------------------------------------------------------------


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


# --- IL2006 package-removed-in-later-layer --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y gcc=4:12.2.0-3\nRUN apt-get remove -y gcc\n",
        "FROM fedora:40\nRUN dnf install -y gcc make\nRUN dnf remove -y gcc\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir Cython==3.0.0\nRUN pip uninstall -y cython\n",
        "FROM node:22\nRUN npm install -g node-gyp@10\nRUN npm uninstall -g node-gyp\n",
        "FROM alpine:3.20\nRUN apk add --no-cache -t .build-deps gcc\nRUN apk del .build-deps\n",
    ],
)
def test_package_removed_later_catches(text):
    catches("IL2006", text)


def test_package_removed_later_points_at_the_removal_and_names_the_packages():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y gcc g++ make libc6-dev\nRUN set -eux; \\\n    apt-get purge -y gcc g++ make libc6-dev\n"
    finding = catches("IL2006", text)[0]
    assert (finding.line, finding.column) == (4, 5)
    assert "gcc, g++, make and 1 more" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # the docker-library pattern: savedAptMark ... purge in one RUN
        "FROM debian:12\nRUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; "
        "apt-get install -y --no-install-recommends gcc; make; apt-mark auto '.*' > /dev/null; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*\n",
        "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc && make && apk del .build-deps\n",
        # removing what the base image brought
        "FROM debian:12\nRUN apt-get purge -y --auto-remove curl\n",
        # autoremove without names
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get autoremove -y\n",
        # builder stage
        "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nRUN apt-get purge -y gcc\n"
        "FROM debian:12\nCOPY --from=build /out /out\n",
        # installed and removed again in one later RUN: nothing from an earlier RUN
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
        "RUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc\n",
    ],
)
def test_package_removed_later_passes(text):
    passes("IL2006", text)


def test_size_rules_look_at_onbuild_triggers():
    text = "FROM python:3.12\nONBUILD COPY setup.sh /tmp/\nONBUILD RUN sh /tmp/setup.sh && rm /tmp/setup.sh\n"
    catches("IL2005", text)
