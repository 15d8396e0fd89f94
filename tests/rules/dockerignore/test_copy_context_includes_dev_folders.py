"""IL3003 copy-context-includes-dev-folders: development folders sent with the context, sizes and deliberate copies."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


def test_dev_folders_with_sizes(tmp_path):
    context = {
        ".dockerignore": ".env\n",
        "package.json": "{}",
        "node_modules/left-pad/index.js": "x" * 3000,
        ".git/HEAD": "ref: refs/heads/main\n",
        ".vscode/settings.json": "{}",
    }
    (finding,) = catches("IL3003", "FROM node:22-slim\nCOPY package.json .\nRUN npm ci\nCOPY . .\n", context=context, tmp_path=tmp_path)
    assert finding.line == 4
    assert "node_modules (installed npm packages, 3.0 kB)" in finding.message
    assert ".git (git history" in finding.message and ".vscode (editor settings" in finding.message
    assert finding.message.index("node_modules") < finding.message.index(".vscode")


def test_virtualenv_is_found_by_its_pyvenv_cfg(tmp_path):
    context = {".dockerignore": ".git\n", "app.py": "x", "env/pyvenv.cfg": "home = /usr/bin\n", "env/bin/python": "x"}
    (finding,) = catches("IL3003", "FROM python:3.12-slim\nCOPY . /app\n", context=context, tmp_path=tmp_path)
    assert "env (Python virtualenv" in finding.message


def test_build_output_beside_its_manifest(tmp_path):
    context = {".dockerignore": ".git\n", "Cargo.toml": "[package]", "target/release/app": "x" * 100}
    catches("IL3003", "FROM rust:1.80\nCOPY . .\nRUN cargo build --release\n", context=context, tmp_path=tmp_path)


def test_nested_node_modules_in_a_copied_folder(tmp_path):
    context = {".dockerignore": "node_modules\n", "packages/web/node_modules/x/index.js": "x", "packages/web/index.js": "x"}
    (finding,) = catches("IL3003", "FROM node:22\nCOPY packages/ /app/packages/\n", context=context, tmp_path=tmp_path)
    assert "packages/web/node_modules" in finding.message


@pytest.mark.parametrize(
    "context",
    [
        {".dockerignore": "node_modules\n.git\n", "node_modules/x/index.js": "x", ".git/HEAD": "x"},
        {".dockerignore": "**/node_modules\n", "packages/a/node_modules/x/index.js": "x"},
        # Minor folders alone, small: not worth a finding.
        {".dockerignore": ".git\n", ".vscode/settings.json": "{}", "__pycache__/a.pyc": "x"},
        # 'target' without Cargo.toml/pom.xml beside it is just a folder; 'build' is never guessed.
        {".dockerignore": ".git\n", "target/app.conf": "x", "build/script.sh": "x"},
        {".dockerignore": ".git\n", "src/app.py": "x"},
    ],
)
def test_no_dev_folder_sent(tmp_path, context):
    passes("IL3003", "FROM alpine\nCOPY . /app\n", context=context, tmp_path=tmp_path)


def test_dev_folder_copied_by_name_is_deliberate(tmp_path):
    context = {".dockerignore": ".git\n", "node_modules/x/index.js": "x"}
    passes("IL3003", "FROM node:22\nCOPY node_modules /app/node_modules\n", context=context, tmp_path=tmp_path)


def test_dev_folders_reported_on_the_first_copy_only(tmp_path):
    context = {".dockerignore": ".env\n", "node_modules/x/index.js": "x"}
    findings = catches("IL3003", "FROM node:22 AS a\nCOPY . .\nFROM node:22\nCOPY . .\n", context=context, tmp_path=tmp_path)
    assert [f.line for f in findings] == [2]
