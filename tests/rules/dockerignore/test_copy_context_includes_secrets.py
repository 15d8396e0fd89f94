"""IL3002 copy-context-includes-secrets: secrets sent with the context, their kinds, --exclude, dependency folders."""

from __future__ import annotations

import pytest

from tests.rules.dockerignore.cases import CERTIFICATE, PRIVATE_KEY
from tests.support.helpers import catches, passes


def test_secrets_are_listed_with_their_kind(tmp_path):
    context = {
        ".dockerignore": ".git\n",
        "app.py": "x",
        ".env.production": "API_KEY=sk_live_1\n",
        "deploy/id_rsa": PRIVATE_KEY,
        "deploy/server.pem": PRIVATE_KEY,
        ".npmrc": "//registry.npmjs.org/:_authToken=npm_abcdef\n",
    }
    (finding,) = catches("IL3002", "FROM node:22-slim\nWORKDIR /app\nCOPY . .\n", context=context, tmp_path=tmp_path)
    assert finding.line == 3 and finding.severity.name == "ERROR"
    for name in (".env.production (environment file)", "deploy/id_rsa (private key)", ".npmrc (npm token)"):
        assert name in finding.message
    assert "and 1 more" not in finding.message or "deploy/server.pem" not in finding.message


def test_git_remote_with_a_token(tmp_path):
    context = {
        ".dockerignore": ".env\n",
        ".git/config": '[remote "origin"]\n\turl = https://ci:ghp_abc123@github.com/org/repo.git\n',
    }
    (finding,) = catches("IL3002", "FROM alpine\nCOPY . /src\n", context=context, tmp_path=tmp_path)
    assert ".git/config (git remote URL with credentials)" in finding.message
    context[".git/config"] = '[remote "origin"]\n\turl = https://github.com/org/repo.git\n'
    passes("IL3002", "FROM alpine\nCOPY . /src\n", context=context, tmp_path=tmp_path)


def test_secret_in_a_copied_subfolder(tmp_path):
    context = {".dockerignore": ".git\n", "config/.env": "DB_PASSWORD=x\n", "config/app.yml": "a: 1"}
    catches("IL3002", "FROM alpine\nCOPY config/ /etc/app/\n", context=context, tmp_path=tmp_path)


@pytest.mark.parametrize(
    "context",
    [
        {".env.example": "API_KEY=\n", ".env.sample": "A=1\n", ".env.template": "A=1\n"},
        {"certs/ca.pem": CERTIFICATE, "certs/server.key.pub": "ssh-ed25519 AAAA"},
        {".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"},
        {".npmrc": "registry=https://registry.npmjs.org/\n"},
        {".env": "# nothing here yet\n"},
        {".pypirc": "[pypi]\nusername = __token__\n"},
        {".env": "A=1\n", ".dockerignore": ".env\n"},
        {"keys/id_rsa": PRIVATE_KEY, ".dockerignore": "keys\n"},
    ],
)
def test_no_secret_sent(tmp_path, context):
    passes("IL3002", "FROM alpine\nCOPY . /app\n", context={"app.py": "x", **context}, tmp_path=tmp_path)


def test_secret_copied_by_explicit_folder_elsewhere_is_not_reported(tmp_path):
    context = {".env": "A=1\n", "src/app.py": "x", ".dockerignore": ".git\n"}
    passes("IL3002", "FROM alpine\nCOPY src/ /app/\n", context=context, tmp_path=tmp_path)


def test_copy_exclude_flag_keeps_the_secret_out(tmp_path):
    context = {".env": "A=1\n", "app.py": "x", ".dockerignore": ".git\n"}
    passes("IL3002", "# syntax=docker/dockerfile:1.7-labs\nFROM alpine\nCOPY --exclude=.env . /app\n", context=context, tmp_path=tmp_path)


def test_secrets_in_dependency_folders_are_not_searched(tmp_path):
    context = {"node_modules/pkg/test/key.pem": PRIVATE_KEY, "index.js": "x", ".dockerignore": ".git\n"}
    passes("IL3002", "FROM node:22-slim\nCOPY . .\n", context=context, tmp_path=tmp_path)
