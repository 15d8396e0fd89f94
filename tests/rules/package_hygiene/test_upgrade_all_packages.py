"""IL6005 upgrade-all-packages: whole-system upgrades by package manager, single-package upgrades and builder stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE, DEB, EL
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN apt-get install -y --only-upgrade openssl",
        DEB + "RUN apt-get upgrade -y libssl3",
        ALPINE + "RUN apk add --no-cache --upgrade busybox",
        ALPINE + "RUN apk upgrade --no-cache openssl",
        EL + "RUN yum -y update openssl",
        "FROM debian:12 AS build\nRUN apt-get update && apt-get -y upgrade\nFROM scratch",
        DEB + "RUN apt-get update",
    ],
)
def test_upgrade_passes(text):
    passes("IL6005", text)


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN apt-get -qq -y dist-upgrade",
        DEB + "RUN apt-get full-upgrade -y",
        ALPINE + "RUN apk upgrade --no-cache",
        EL + "RUN yum update -y && yum clean all",
        "FROM fedora:43\nRUN dnf -y upgrade --refresh",
        "FROM opensuse/leap:15.6\nRUN zypper -n dup",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf update -y",
    ],
)
def test_upgrade_catches(text):
    assert catches("IL6005", text)[0].severity.name == "INFO"
