"""IL6009 rpm-install-without-yes: yum/dnf install without -y and locations."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import EL
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum -y install httpd",
        EL + "RUN yum install --assumeyes httpd",
        EL + "RUN dnf --setopt=assumeyes=True install httpd",
        EL + "RUN echo 'assumeyes=1' >> /etc/yum.conf\nRUN yum install httpd",
        EL + "RUN yum clean all && yum makecache && yum info httpd",
        EL + "RUN yes | yum install httpd",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install shadow-utils",
        "FROM opensuse/leap:15.6\nRUN zypper -n in curl",
        "FROM opensuse/leap:15.6\nRUN zypper --non-interactive --gpg-auto-import-keys ref && zypper -n up",
        "FROM opensuse/leap:15.6\nRUN zypper install --no-confirm curl",
        "FROM photon:5.0\nRUN tdnf install -y tar",
    ],
)
def test_rpm_yes_passes(text):
    passes("IL6009", text)


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum install httpd",
        EL + "RUN yum -q update",
        EL + "RUN yum groupinstall 'Development Tools'",
        "FROM fedora:43\nRUN dnf remove vim-minimal",
        "FROM opensuse/leap:15.6\nRUN zypper install -n curl",  # after the subcommand, -n is --name
        "FROM photon:5.0\nRUN tdnf install tar",
    ],
)
def test_rpm_yes_catches(text):
    catches("IL6009", text)


def test_rpm_yes_location():
    text = EL + "RUN yum -y install httpd \\\n && yum update \\\n && yum clean all\n"
    finding = catches("IL6009", text)[0]
    assert (finding.line, finding.column) == (3, 5) and "yum update" in finding.message
