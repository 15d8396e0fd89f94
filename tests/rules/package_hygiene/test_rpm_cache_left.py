"""IL6010 rpm-cache-left: yum/dnf caches left in the layer."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import EL, fix_of, fixed
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum -y install httpd && yum clean all",
        EL + "RUN yum -y install httpd && yum clean all && rm -rf /var/cache/yum",
        EL + "RUN yum -y install httpd && rm -rf /var/cache/yum /var/cache/dnf",
        EL + "RUN dnf -y install httpd && dnf clean metadata",
        EL + "RUN --mount=type=cache,target=/var/cache/dnf dnf -y install httpd",
        EL + "RUN --mount=type=cache,target=/var/cache dnf -y install httpd",
        EL + "RUN yum -y install httpd && rm -rf /var/cache/*",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar && microdnf clean all",
        "FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper cc -a",
        "FROM photon:5.0\nRUN tdnf install -y tar && tdnf clean all",
        "FROM rockylinux:9 AS build\nRUN dnf -y install gcc\nFROM scratch\nCOPY --from=build /a /a",
        EL + "RUN yum clean all",
    ],
)
def test_rpm_cache_passes(text):
    passes("IL6010", text)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        (EL + "RUN yum -y install httpd", "yum clean all"),
        (EL + "RUN dnf -y install httpd && dnf clean packages", "dnf clean all"),
        (EL + "RUN yum -y install httpd\nRUN yum clean all", "yum clean all"),
        ("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar", "microdnf clean all"),
        ("FROM opensuse/leap:15.6\nRUN zypper -n refresh && zypper -n install curl", "zypper clean -a"),
    ],
)
def test_rpm_cache_catches(text, clean):
    assert clean in catches("IL6010", text)[0].message

# --- the fix: the tool's cleanup at the end of the RUN ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        (EL + "RUN yum -y install httpd", EL + "RUN yum -y install httpd && yum clean all"),
        ("FROM fedora:43\nRUN dnf -y install python3", "FROM fedora:43\nRUN dnf -y install python3 && dnf clean all"),
        (
            "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils",
            "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all",
        ),
        ("FROM photon:5.0\nRUN tdnf -y install curl", "FROM photon:5.0\nRUN tdnf -y install curl && tdnf clean all"),
        ("FROM opensuse/leap:15.6\nRUN zypper -n install curl", "FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper clean -a"),
    ],
)
def test_fix_appends_the_tools_cleanup(text, result):
    assert fixed("IL6010", text + "\n") == result + "\n"
    assert fix_of("IL6010", text + "\n").applicability == "safe"


def test_fix_continues_a_multi_line_run_in_its_style():
    text = EL + "RUN yum -y install httpd && \\\n    yum -y install mod_ssl\n"
    assert fixed("IL6010", text) == EL + "RUN yum -y install httpd && \\\n    yum -y install mod_ssl \\\n    && yum clean all\n"


def test_fix_keeps_crlf():
    text = "FROM rockylinux:9\r\nRUN yum -y install \\\r\n    httpd\r\n"
    assert fixed("IL6010", text) == "FROM rockylinux:9\r\nRUN yum -y install \\\r\n    httpd \\\r\n    && yum clean all\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + EL + "RUN yum -y install `\n    httpd\n"
    assert fixed("IL6010", text) == "# escape=`\n" + EL + "RUN yum -y install `\n    httpd `\n    && yum clean all\n"


def test_fix_adds_a_line_to_a_heredoc_script_with_set_e():
    text = EL + "RUN <<EOT bash\n  set -eux\n  yum -y install httpd\nEOT\n"
    assert fixed("IL6010", text) == EL + "RUN <<EOT bash\n  set -eux\n  yum -y install httpd\n  yum clean all\nEOT\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN yum -y install httpd;",
        "RUN sudo yum -y install httpd",
        "RUN yum -y --installroot=/sysroot install httpd",
        "RUN dnf -y --setopt=cachedir=/tmp/dnf install httpd",
        "ONBUILD RUN yum -y install httpd",
    ],
)
def test_fix_falls_back_to_the_message_when_the_cleanup_would_miss(run):
    text = EL + run + "\n"
    assert fix_of("IL6010", text) is None
    assert fixed("IL6010", text, unsafe=True) == text
