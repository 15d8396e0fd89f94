"""IL7011 secret-file-copied: credential files copied into the image, builder stages and locations."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "source",
    [".env", ".env.production", "./.npmrc", "deploy/id_ed25519", ".aws/credentials", ".aws", "certs/server.key",
     "tls/privkey.pem", "keystore.p12", ".git-credentials", "config/.pypirc"],
)  # fmt: skip
def test_credential_files(source):
    catches("IL7011", f"FROM alpine:3.20\nCOPY {source} /app/\n")


@pytest.mark.parametrize(
    "source",
    [".env.example", "meta.env", "library-scripts/*.env", "id_rsa.pub", "ssh/config", ".ssh/known_hosts",
     "jenkins.io-2026.key", "ca.pem", "certs/server.crt", "package.json"],
)  # fmt: skip
def test_files_that_are_not_credentials(source):
    passes("IL7011", f"FROM alpine:3.20\nCOPY {source} /app/\n")


def test_builder_stages_and_other_stages_sources_are_fine():
    passes("IL7011", "FROM node:22 AS build\nCOPY .npmrc ./\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build /app /app\n")
    passes("IL7011", "FROM alpine:3.20\nCOPY --from=build /root/.ssh/id_rsa /tmp/\n")


def test_secret_file_location_points_at_the_source():
    finding = catches("IL7011", "FROM node:22-slim\nCOPY package.json .npmrc ./\n")[0]
    assert (finding.line, finding.column) == (2, 19)
