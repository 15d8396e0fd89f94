"""IL6010 rpm-cache-left: yum/dnf caches left in the layer."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import EL
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
