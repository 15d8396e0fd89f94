"""IL7002 secret-in-arg-or-env: secrets in ARG/ENV names and values, redaction, ONBUILD and secret mounts."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "line",
    [
        "ARG USERNAME=vscode",
        "ENV GPG_KEYS 39B641343D8C104B2B146DC3F9C39DC0B9698544 E60913E4D",
        "ARG SWIFT_SIGNING_KEY=8A7495662C3CD4AE18D95637FAF6989E1BC16FEA",
        "ENV RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA",
        "ENV PASSWORD_FILE=/run/secrets/db",
        "ENV NSS_WRAPPER_PASSWD=/opt/bitnami/nss_passwd",
        "ENV ALLOW_EMPTY_PASSWORD=no",
        "ENV MARIADB_ROOT_PASSWORD=''",
        "ARG AWS_SECRET_ACCESS_KEY=FAKE_TO_GENERATE_WARNING_OUTPUT",
        "ENV DB_PASSWORD=changeme",
        "ENV DOCKER_AUTH_VERSION=1.5.0",
        "ENV TOKEN_URL=https://auth.example.com/token",
        "ARG SSH_PUBLIC_KEY",
        "ENV PASS_MAX_DAYS=99999",
    ],
)
def test_names_and_values_that_are_not_secrets(line):
    passes("IL7002", f"FROM alpine:3.20\n{line}\n")


def test_literal_secret_value_is_redacted():
    finding = catches("IL7002", "FROM alpine:3.20\nENV LDAP_ROOTPASS=fsociety LDAP_DOMAIN=example.org\n")[0]
    assert "fsociety" not in finding.message and "fs***" in finding.message
    assert (finding.line, finding.column) == (2, 5)


def test_onbuild_triggers_are_checked():
    catches("IL7002", "FROM odoo:17\nONBUILD ARG ADMIN_PASSWORD=admin\n")
    catches("IL7002", "FROM odoo:17\nONBUILD ARG PGPASSWORD\nONBUILD ENV PGPASSWORD=$PGPASSWORD\n")


def test_arg_without_default_is_fine_until_a_shipped_run_uses_it():
    passes("IL7002", "FROM node:22-slim\nARG NPM_TOKEN\nRUN npm ci\n")
    catches("IL7002", "FROM node:22-slim\nARG NPM_TOKEN\nRUN NPM_TOKEN=$NPM_TOKEN npm ci\n")


def test_secret_mount_providing_the_arg_is_fine():
    passes(
        "IL7002",
        "FROM node:22-slim\nARG NPM_TOKEN\nRUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN npm ci --token \"$NPM_TOKEN\"\n",
    )


def test_recognised_token_is_left_to_il7003():
    passes("IL7002", "FROM alpine:3.20\nENV GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\n")
