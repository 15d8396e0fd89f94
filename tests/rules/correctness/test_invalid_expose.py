"""IL8010 invalid-expose: invalid EXPOSE ports and protocols, and variables."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize("ports", ["0.0.0.0:80", "80/http", "http", "8000-70000", "80/Udp"])
def test_invalid_expose(ports):
    catches("IL8010", f"FROM nginx:1.27\nEXPOSE {ports}\n")


@pytest.mark.parametrize("ports", ["80", "53/udp 53/tcp", "132/sctp", "0", "65535", "$PORT", "${PORT:-8080}"])
def test_valid_expose(ports):
    passes("IL8010", f"FROM nginx:1.27\nEXPOSE {ports}\n")


def test_expose_variable_is_expanded():
    catches("IL8010", "FROM nginx:1.27\nARG PORT=99999\nEXPOSE $PORT\n")
