"""IL7005 tls-verification-disabled: switches that disable TLS verification."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "script",
    [
        "curl --insecure -o /tmp/x https://example.com/x",
        "wget --no-check-certificate https://example.com/x",
        "python3 -m pip install --trusted-host pypi.example.com flask",
        "pip config set global.trusted-host pypi.example.com",
        "git -c http.sslVerify=false clone https://git.example.com/r.git",
        "git config --global http.sslVerify false",
        'yarn config set "strict-ssl" false -g',
        "dnf install -y --setopt=sslverify=false foo",
        "conda config --set ssl_verify false",
        "echo insecure >> ~/.curlrc",
        "echo 'sslverify=0' >> /etc/yum.conf",
    ],
)
def test_tls_switches(script):
    catches("IL7005", f"FROM alpine:3.20\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSLo /tmp/x https://example.com/x",
        "curl --cacert /etc/ssl/corp.pem -fsSL https://example.com/x -o /tmp/x",
        "git config --global http.sslVerify true",
        "pip install --index-url https://pypi.example.com/simple flask",
        "npm config set strict-ssl true",
        "tar -kxf archive.tar",
    ],
)
def test_tls_left_on(script):
    passes("IL7005", f"FROM alpine:3.20\nRUN {script}\n")
