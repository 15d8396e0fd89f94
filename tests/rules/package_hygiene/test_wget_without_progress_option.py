"""IL6019 wget-without-progress-option: hadolint's DL3047 condition, BusyBox's wget, and the -nv fix."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "wget https://example.com/a.tgz",
        "wget -O - https://example.com/a.sh | sh",
        "wget -c -O /tmp/a https://example.com/a",
        "wget -Oq https://example.com/a",  # -O takes "q" as the file name: not quiet (hadolint reads -q)
        "wget --progress=bar https://example.com/a",  # falls back to dots without a terminal
        "wget --progress=dot https://example.com/a",
        "sudo wget https://example.com/a",
        "/usr/bin/wget https://example.com/a",  # hadolint matches the bare name only
        "wget https://example.com/a.tgz https://example.com/a.tgz.asc",  # the archive is not small
    ],
)
def test_catches_noisy_gnu_wget(run):
    finding = catches("IL6019", f"FROM debian:12-slim\nRUN {run}\n")[0]
    assert finding.line == 2
    assert "-nv" in finding.message


@pytest.mark.parametrize(
    "run",
    [
        "wget -q https://example.com/a",
        "wget --quiet https://example.com/a",
        "wget -nv https://example.com/a",
        "wget --no-verbose https://example.com/a",
        "wget -qO- https://example.com/a.sh",
        "wget -qnv https://example.com/a",
        "wget --progress=dot:giga https://example.com/a",
        "wget --progress=dot:mega https://example.com/a",
        "wget --progress=bar:force:noscroll https://example.com/a",
        "wget -o /tmp/wget.log https://example.com/a",
        "wget --append-output=/tmp/wget.log https://example.com/a",
        "wget -e progress=dot:giga https://example.com/a",
        "wget --version",
        "apt-get install -y --no-install-recommends wget",
        'wget -O /usr/local/bin/gosu.asc "$url.asc"',
        "wget -O - https://example.com/release.gpg.key | gpg --dearmor -o /usr/share/keyrings/x.gpg",
        "wget https://example.com/SHA256SUMS",
    ],
)
def test_silent_when_the_output_is_short(run):
    passes("IL6019", f"FROM debian:12-slim\nRUN {run}\n")


def test_silent_after_a_wgetrc_setting():
    passes("IL6019", "FROM debian:12-slim\nRUN echo 'progress = dot:giga' >> /etc/wgetrc\nRUN wget https://example.com/a\n")


@pytest.mark.parametrize("base", ["alpine:3.22", "busybox:1.37", "python:3.12-alpine", "node:22-alpine3.21"])
def test_silent_for_busybox_wget(base):
    passes("IL6019", f"FROM {base}\nRUN wget -O /tmp/a https://example.com/a\n")


def test_catches_gnu_wget_installed_on_alpine():
    catches("IL6019", "FROM alpine:3.22\nRUN apk add --no-cache wget\nRUN wget https://example.com/a\n")
    # installed after the call: the call was BusyBox's
    passes("IL6019", "FROM alpine:3.22\nRUN wget https://example.com/a && apk add --no-cache wget\n")


def test_fix_adds_no_verbose_after_wget():
    rule = registered_rules()["IL6019"]
    result = fix_text("FROM debian:12-slim\nRUN wget -O /tmp/a https://example.com/a\n", "Dockerfile", [rule], Settings())
    assert result.fixed == "FROM debian:12-slim\nRUN wget -nv -O /tmp/a https://example.com/a\n"


def test_no_fix_when_verbose_is_asked_for():
    finding = catches("IL6019", "FROM debian:12-slim\nRUN wget -v https://example.com/a\n")[0]
    assert finding.fix is not None and finding.fix.applicability == "display-only"


def test_silent_for_powershells_wget_on_windows():
    passes("IL6019", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command wget -Uri https://example.com/a.exe -OutFile a.exe\n")
