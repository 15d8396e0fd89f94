"""IL3007 dockerignore-exception-includes-secret: exceptions that bring back a secret, reported once."""

from __future__ import annotations

import pytest

from tests.rules.dockerignore.cases import CERTIFICATE, PRIVATE_KEY
from tests.support.helpers import catches, passes


def test_exception_bringing_back_a_private_key(tmp_path):
    context = {".dockerignore": "*.pem\n!*.pem\n", "certs/ca.pem": CERTIFICATE, "tls.pem": PRIVATE_KEY}
    (finding,) = catches("IL3007", "FROM nginx:1.27\nCOPY . /etc/nginx/\n", context=context, tmp_path=tmp_path)
    assert (finding.line, finding.column) == (2, 1) and "tls.pem (private key)" in finding.message
    assert "ca.pem" not in finding.message


def test_secret_brought_back_is_reported_once_at_the_exception(tmp_path):
    context = {".dockerignore": ".env*\n!.env*\n", ".env.production": "A=1\n"}
    catches("IL3007", "FROM alpine\nCOPY . .\n", context=context, tmp_path=tmp_path)
    passes("IL3002", "FROM alpine\nCOPY . .\n", context=context, tmp_path=tmp_path)


@pytest.mark.parametrize(
    "dockerignore",
    [
        ".env*\n!.env.example\n",
        "*\n!src\n",
        "*.pem\n!certs/ca.pem\n",
        "!.env\n",  # nothing excluded it before: not a re-include (IL3002 reports the COPY)
    ],
)
def test_exceptions_that_bring_back_no_secret(tmp_path, dockerignore):
    context = {
        ".dockerignore": dockerignore,
        ".env.example": "A=\n",
        ".env": "A=1\n",
        "src/app.py": "x",
        "certs/ca.pem": CERTIFICATE,
        "tls.pem": PRIVATE_KEY,
    }
    passes("IL3007", "FROM alpine\nCOPY . .\n", context=context, tmp_path=tmp_path)
