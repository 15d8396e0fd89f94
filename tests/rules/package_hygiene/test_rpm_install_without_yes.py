"""IL6009 rpm-install-without-yes: yum/dnf install without -y and locations."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import EL, fix_of, fixed
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

# --- the fix: -y (zypper: --non-interactive) after the program's name --------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        (EL + "RUN yum install httpd && yum clean all", EL + "RUN yum -y install httpd && yum clean all"),
        ("FROM fedora:43\nRUN dnf group install 'Development Tools'", "FROM fedora:43\nRUN dnf -y group install 'Development Tools'"),
        ("FROM photon:5.0\nRUN tdnf install curl", "FROM photon:5.0\nRUN tdnf -y install curl"),
        ("FROM opensuse/leap:15.6\nRUN zypper install curl", "FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl"),
        ("FROM opensuse/leap:15.6\nRUN zypper -q in curl", "FROM opensuse/leap:15.6\nRUN zypper --non-interactive -q in curl"),
    ],
)
def test_fix_adds_yes_after_the_program(text, result):
    assert fixed("IL6009", text + "\n") == result + "\n"
    assert fix_of("IL6009", text + "\n").applicability == "safe"


def test_fix_in_a_multi_line_run():
    text = EL + "RUN yum install \\\n      httpd \\\n && yum update \\\n && yum clean all\n"
    assert fixed("IL6009", text) == EL + "RUN yum -y install \\\n      httpd \\\n && yum -y update \\\n && yum clean all\n"


def test_fix_keeps_crlf():
    text = "FROM rockylinux:9\r\nRUN yum install \\\r\n    httpd\r\n"
    assert fixed("IL6009", text) == "FROM rockylinux:9\r\nRUN yum -y install \\\r\n    httpd\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + EL + "RUN yum install `\n    httpd\n"
    assert fixed("IL6009", text) == "# escape=`\n" + EL + "RUN yum -y install `\n    httpd\n"


def test_fix_falls_back_to_advice_when_the_program_is_not_exact():
    text = EL + 'RUN sh -c "\\"yum\\" install httpd"\n'
    fix = fix_of("IL6009", text)
    assert fix.applicability == "display-only" and fix.description == "yum -y install ..."
    assert fixed("IL6009", text, unsafe=True) == text


def test_message_says_what_each_tool_does_without_a_terminal():
    message = catches("IL6009", EL + "RUN dnf install httpd\n")[0].message
    assert "fails at its 'Is this ok [y/N]' prompt: with no terminal it reads the end of its input" in message
    message = catches("IL6009", "FROM opensuse/leap:15.6\nRUN zypper install curl\n")[0].message
    assert "stops at its confirmation prompt, which a build has no terminal to answer; add --non-interactive" in message
