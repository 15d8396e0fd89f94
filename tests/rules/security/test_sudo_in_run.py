"""IL7008 sudo-in-run: sudo in RUN, dropping to another user, installing sudo and ONBUILD."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_sudo_location_in_a_multiline_run():
    text = "FROM ubuntu:24.04\nUSER ubuntu\nRUN echo start \\\n  && sudo apt-get update\n"
    finding = catches("IL7008", text)[0]
    assert (finding.line, finding.column) == (4, 6)
    assert "sudo apt-get" in finding.message


def test_sudo_dropping_to_another_user_is_fine():
    passes("IL7008", "FROM archlinux:base\nRUN sudo -u builduser bash -c 'makepkg -s --noconfirm'\n")
    passes("IL7008", "FROM node:22\nRUN sudo --user=node npm install -g esy\n")


def test_sudo_to_root_explicitly_is_flagged():
    catches("IL7008", "FROM ubuntu:24.04\nRUN sudo -u root apt-get update\n")


def test_installing_or_configuring_sudo_is_fine():
    passes("IL7008", "FROM ubuntu:24.04\nRUN apt-get install -y sudo && echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app\n")
    passes("IL7008", "FROM ubuntu:24.04\nRUN EDITOR=tee visudo -f /etc/sudoers.d/app < /tmp/rules\n")


def test_sudo_in_onbuild_run():
    catches("IL7008", "FROM ubuntu:24.04\nONBUILD RUN sudo make install\n")
