"""IL6016 unpinned-rpm-package: rpm packages without a version."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import EL
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum -y install httpd-2.4.57",
        EL + "RUN yum -y install nodejs-18.16.0-1.module_el8.x86_64",
        EL + "RUN yum -y install epel-release-9-7.el9",
        EL + "RUN yum -y install /tmp/vendor.rpm https://example.com/x.rpm",
        EL + "RUN dnf -y install @development-tools 'perl(JSON)'",
        EL + "RUN yum -y groupinstall 'Development Tools'",
        EL + "RUN yum -y group install 'Development Tools'",
        EL + "RUN dnf -y module install nodejs:20",
        EL + "RUN yum -y install kernel-devel-$(uname -r) MariaDB-server-${MARIADB_VERSION}",
        "FROM opensuse/leap:15.6\nRUN zypper -n install curl=8.6.0 'git>=2.40'",
        "FROM opensuse/leap:15.6\nRUN zypper -n install -t pattern devel_basis",
    ],
)
def test_rpm_pin_passes(text):
    passes("IL6016", text)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (EL + "RUN yum -y install httpd gcc-c++", "httpd, gcc-c++"),
        (EL + "RUN yum -y install java-17-openjdk", "java-17-openjdk"),  # a name, not a version
        (EL + "RUN dnf -y install python3.11-devel", "python3.11-devel"),
        ("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar", "tar"),
        ("FROM opensuse/leap:15.6\nRUN zypper -n in curl", "curl"),
    ],
)
def test_rpm_pin_catches(text, names):
    assert names in catches("IL6016", text)[0].message


def test_rpm_pin_ignores_words_of_a_substitution_in_a_variable():
    text = EL + (
        'RUN quiet=$([ "${DEBUG}" = "yes" ] || echo "--quiet") && \\\n'
        "    dnf install -y ${quiet} $(cat /tmp/rpms.txt) httpd\n"
    )
    message = catches("IL6016", text)[0].message
    assert message.startswith("dnf install installs httpd without a version"), message
