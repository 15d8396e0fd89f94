"""IL7006 verification-disabled-by-env: environment variables that disable verification."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "line",
    [
        "ENV GIT_SSL_NO_VERIFY=1",
        "ENV GIT_SSL_NO_VERIFY=false",
        "ENV PYTHONHTTPSVERIFY=0",
        "ENV npm_config_strict_ssl=false",
        "ARG PIP_TRUSTED_HOST=pypi.example.com",
        "ENV GOINSECURE=git.example.com",
        "RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci",
        "RUN env GIT_SSL_NO_VERIFY=true git clone https://git.example.com/r.git",
    ],
)
def test_env_switches(line):
    catches("IL7006", f"FROM node:22-slim\n{line}\n")


@pytest.mark.parametrize(
    "line",
    [
        "ENV NODE_TLS_REJECT_UNAUTHORIZED=1",
        "ENV PYTHONHTTPSVERIFY=1",
        "ENV NPM_CONFIG_STRICT_SSL=true",
        "ENV GOSUMDB=sum.golang.org GONOSUMDB=git.example.com",
        "ENV PIP_TRUSTED_HOST=",
    ],
)
def test_env_settings_that_keep_verification(line):
    passes("IL7006", f"FROM node:22-slim\n{line}\n")
