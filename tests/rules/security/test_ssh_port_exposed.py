"""IL7010 ssh-port-exposed: EXPOSE of the SSH port in its spellings, other ports and builder stages."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_ssh_port_spellings():
    catches("IL7010", "FROM alpine:3.20\nEXPOSE 22/tcp\n")
    catches("IL7010", "FROM alpine:3.20\nARG SSH_PORT=22\nEXPOSE 80 ${SSH_PORT}\n")
    catches("IL7010", "FROM alpine:3.20\nEXPOSE 20-25\n")


def test_other_ports_and_builder_stages_are_fine():
    passes("IL7010", "FROM alpine:3.20\nEXPOSE 2222 220 8022\n")
    passes("IL7010", "FROM alpine:3.20 AS sshd-test\nEXPOSE 22\nFROM alpine:3.20\nEXPOSE 8080\n")
