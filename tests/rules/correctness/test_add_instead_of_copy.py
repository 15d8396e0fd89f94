"""IL8020 add-instead-of-copy: ADD of local files, what it stays silent on, and the COPY fix."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str, *, unsafe: bool = False, context_dir=None) -> str:
    rule = registered_rules()["IL8020"]
    return fix_text(text, "Dockerfile", [rule], Settings(), unsafe=unsafe, context_dir=context_dir).fixed


@pytest.mark.parametrize(
    "line",
    [
        "ADD app.py /srv/",
        "ADD . /srv/app",
        "ADD --chown=app:app config/ /etc/app/",
        "ADD bin/tool /usr/local/bin/tool",
        'ADD ["my file.txt", "/srv/"]',
        "ADD site.zip /srv/",  # ADD does not unpack zip files
    ],
)
def test_local_sources_are_reported(line):
    catches("IL8020", f"FROM alpine:3.20\n{line}\n")


@pytest.mark.parametrize(
    "line",
    [
        "ADD https://example.com/app.py /srv/",
        "ADD git@github.com:moby/buildkit.git /src",
        "ADD https://github.com/moby/buildkit.git#v0.14.0 /src",
        "ADD rootfs.tar.gz /",
        "ADD vendor.TGZ /opt/",
        "ADD a.tar b.txz c.tar.zst d.gz e.bz2 f.xz g.zst h.tbz2 i.tar.bz2 j.tar.xz /opt/",
        "ADD app.py rootfs.tar /",  # one archive: ADD is needed
        "ARG SRC\nADD $SRC /opt/",  # value unknown
        "ARG SRC=dist/app.tar.gz\nADD ${SRC} /opt/",
        "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://x/a.sh /a",
        "ADD --keep-git-dir=true https://github.com/moby/buildkit.git /src",
        "ADD <<EOF /etc/motd\nhello\nEOF",
        "COPY app.py /srv/",
    ],
)
def test_silent_on_urls_archives_and_unknown_sources(line):
    passes("IL8020", f"FROM alpine:3.20\n{line}\n")


def test_known_file_kinds_are_fixed_safely():
    assert fixed("FROM alpine:3.20\nADD requirements.txt app.py /srv/\n") == "FROM alpine:3.20\nCOPY requirements.txt app.py /srv/\n"
    assert fixed("FROM alpine:3.20\nADD . /srv/\n") == "FROM alpine:3.20\nCOPY . /srv/\n"
    assert fixed("FROM alpine:3.20\nARG CONF=nginx.conf\nADD $CONF /etc/nginx/\n").endswith("COPY $CONF /etc/nginx/\n")


def test_a_source_that_may_be_an_archive_needs_unsafe():
    text = "FROM alpine:3.20\nADD bin/tool * /opt/\n"
    finding = catches("IL8020", text)[0]
    assert finding.fix.applicability == "unsafe"
    assert fixed(text) == text
    assert fixed(text, unsafe=True) == "FROM alpine:3.20\nCOPY bin/tool * /opt/\n"


def test_a_folder_of_the_build_context_is_safe(tmp_path):
    (tmp_path / "site").mkdir()
    text = "FROM nginx:1.27\nADD site /usr/share/nginx/html\n"
    assert fixed(text, context_dir=tmp_path) == "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n"
    assert fixed(text) == text  # without the context, `site` may be a tar file


def test_fix_keeps_layout_crlf_casing_and_escape():
    text = "FROM alpine:3.20\r\nADD --chown=1:1 \\\r\n    a.py \\\r\n    b.json /srv/\r\n"
    assert fixed(text) == "FROM alpine:3.20\r\nCOPY --chown=1:1 \\\r\n    a.py \\\r\n    b.json /srv/\r\n"
    assert fixed("from alpine:3.20\nadd app.py /srv/\n") == "from alpine:3.20\ncopy app.py /srv/\n"
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nADD app.ps1 `\n    C:/app/\n"
    assert fixed(text) == "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app.ps1 `\n    C:/app/\n"


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM alpine:3.20\nADD app.py /srv/\nADD tool /opt/\n", unsafe=True)
    assert once == "FROM alpine:3.20\nCOPY app.py /srv/\nCOPY tool /opt/\n"
    assert fixed(once, unsafe=True) == once
