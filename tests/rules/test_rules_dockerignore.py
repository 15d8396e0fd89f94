"""Build-context rules (IL3xxx): .dockerignore, what COPY takes from the context, and the
.dockerignore file itself. Each test writes a small context into tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imagelint import engine
from imagelint.settings import Settings
from imagelint.dockerfile import parse
from imagelint.rule import registered_rules
from tests.support.helpers import catches, passes, write_context

PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def lint_in(code: str, text: str, root: Path, *, dockerfile: str = "Dockerfile", explicit: bool = False, context: Path | None = None):
    """Lint a Dockerfile written at root/dockerfile, the way `imagelint lint` does."""
    path = root / dockerfile
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    shown = os.path.relpath(path, root)
    findings, crashes = engine.lint(
        parse(text, shown),
        [registered_rules()[code]],
        Settings(),
        context_dir=context or path.parent,
        context_explicit=explicit,
        dockerfile_path=path,
    )
    assert not crashes
    return findings


# --- IL3001 copy-context-without-dockerignore -----------------------------------------------------


def test_no_dockerignore_with_add_dot(tmp_path):
    catches("IL3001", "FROM alpine:3.20\nADD ./ /srv/\n", context={"a.txt": "x"}, tmp_path=tmp_path)


def test_no_dockerignore_reported_once(tmp_path):
    findings = catches("IL3001", "FROM alpine AS a\nCOPY . .\nFROM alpine\nCOPY . /app\n", context={"a": "x"}, tmp_path=tmp_path)
    assert len(findings) == 1 and findings[0].line == 2


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nCOPY app.py /app/\n",
        "FROM alpine:3.20\nCOPY --from=build . /app/\n",
        "FROM alpine:3.20\nCOPY <<EOF /app/x\nhello\nEOF\n",
        "FROM alpine:3.20\nADD https://example.com/a.tgz /tmp/\n",
    ],
)
def test_no_dockerignore_but_no_whole_context_copy(tmp_path, text):
    passes("IL3001", text, context={"app.py": "x"}, tmp_path=tmp_path)


def test_dockerfile_specific_dockerignore_counts(tmp_path):
    write_context(tmp_path, {"app/Dockerfile.dockerignore": ".git\n"})
    assert not lint_in("IL3001", "FROM alpine\nCOPY . .\n", tmp_path, dockerfile="app/Dockerfile")


def test_parent_dockerignore_means_the_parent_is_the_context(tmp_path):
    write_context(tmp_path, {".dockerignore": ".git\n", ".git/HEAD": "ref", "docker/entrypoint.sh": "x"})
    assert not lint_in("IL3001", "FROM alpine\nCOPY . .\n", tmp_path, dockerfile="docker/Dockerfile")
    # ...unless the user says the Dockerfile's folder is the context.
    findings = lint_in("IL3001", "FROM alpine\nCOPY . .\n", tmp_path, dockerfile="docker/Dockerfile", explicit=True)
    assert len(findings) == 1


def test_no_context_no_finding():
    passes("IL3001", "FROM alpine\nCOPY . .\n")


# --- IL3002 copy-context-includes-secrets -----------------------------------------------------------


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


# --- IL3003 copy-context-includes-dev-folders ---------------------------------------------------------


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


# --- IL3004 copy-ignored-file ----------------------------------------------------------------------------


def test_copy_of_ignored_file_points_at_the_source(tmp_path):
    context = {"package.json": "{}", "tsconfig.json": "{}", ".dockerignore": "# json\n*.json\n!package.json\n"}
    (finding,) = catches("IL3004", "FROM node:22\nCOPY package.json \\\n     tsconfig.json ./\n", context=context, tmp_path=tmp_path)
    assert (finding.line, finding.column) == (3, 6)
    assert "line 2: '*.json'" in finding.message


def test_copy_of_ignored_path_that_does_not_exist(tmp_path):
    catches("IL3004", "FROM alpine\nCOPY secrets/ /run/\n", context={".dockerignore": "secrets\n"}, tmp_path=tmp_path)


def test_copy_of_ignored_file_through_a_variable(tmp_path):
    context = {"config.local.yml": "x", ".dockerignore": "*.local.yml\n"}
    catches("IL3004", "FROM alpine\nARG CONF=config.local.yml\nCOPY ${CONF} /etc/\n", context=context, tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("dockerignore", "text"),
    [
        # Re-included below an ignored folder (BuildKit #5884 / moby #52125): the files are copied.
        ("*\n!src/app.py\n", "FROM alpine\nCOPY src /app/src\n"),
        ("**\n!manage.py\n", "FROM alpine\nCOPY ./manage.py /app/\n"),
        # Whole context: never "ignored" (BuildKit #6926).
        (".*\n", "FROM alpine\nCOPY . .\n"),
        ("*\n!src\n", "FROM alpine\nCOPY . .\n"),
        # Not from the context.
        ("*\n", "FROM alpine\nCOPY --from=build /out /out\n"),
        ("*\n", "FROM alpine\nADD https://example.com/x.tgz /tmp/\n"),
        ("*.md\n", "FROM alpine\nCOPY <<EOF /README.md\nhi\nEOF\n"),
        ("node_modules\n", "FROM alpine\nCOPY package.json /app/\n"),
        # A wildcard that an exception partly brings back.
        ("ignore_relative/**\n!ignore_relative/foo\n", "FROM scratch\nCOPY ignore_relative/* /foo\n"),
    ],
)
def test_copy_not_of_ignored_files(tmp_path, dockerignore, text):
    context = {"src/app.py": "x", "src/notes.md": "x", "manage.py": "x", "package.json": "{}", ".dockerignore": dockerignore}
    passes("IL3004", text, context=context, tmp_path=tmp_path)


def test_copy_ignored_file_shows_the_dockerignore_path_beside_the_dockerfile(tmp_path):
    write_context(tmp_path, {"svc/.dockerignore": "*.pem\n", "svc/key.pem": "x"})
    (finding,) = lint_in("IL3004", "FROM alpine\nCOPY key.pem /\n", tmp_path, dockerfile="svc/Dockerfile")
    assert "svc/.dockerignore" in finding.message


# --- IL3005 copy-source-missing-from-context -------------------------------------------------------------


def test_missing_source_when_the_others_exist(tmp_path):
    context = {"requirements.txt": "flask", "app.py": "x", "config.yaml": "x"}
    (finding,) = catches(
        "IL3005", "FROM python:3.12-slim\nCOPY requirements.txt .\nCOPY app.py config.yml ./\n", context=context, tmp_path=tmp_path
    )
    assert (finding.line, finding.column) == (3, 13) and "did you mean 'config.yaml'" in finding.message


def test_missing_source_with_an_explicit_context(tmp_path):
    write_context(tmp_path, {"ctx/other.txt": "x"})
    findings = lint_in("IL3005", "FROM alpine\nCOPY app.py /\n", tmp_path, dockerfile="Dockerfile", explicit=True, context=tmp_path / "ctx")
    assert len(findings) == 1


@pytest.mark.parametrize(
    "text",
    [
        # Nothing the file copies exists here: this folder is not its context.
        "FROM alpine\nCOPY src/ /app/src/\nCOPY entrypoint.sh /\n",
        # Build outputs created before docker build; wildcards; unresolved variables.
        "FROM alpine\nCOPY requirements.txt /\nCOPY target/app.jar /app.jar\nCOPY dist/ /srv/\n",
        "FROM alpine\nCOPY requirements.txt /\nCOPY requirements-dev*.txt /\n",
        "FROM alpine\nCOPY requirements.txt /\nARG APP\nCOPY ${APP} /\n",
        # Not context sources.
        "FROM alpine\nCOPY requirements.txt /\nCOPY --from=build /missing /\n",
        "FROM alpine\nCOPY requirements.txt /\nADD https://example.com/missing.tgz /\nADD git@github.com:org/repo.git /src\n",
        "FROM alpine\nCOPY requirements.txt /\nCOPY <<EOF /missing\nx\nEOF\n",
        # Ignored: IL3004 reports it.
        "FROM alpine\nCOPY requirements.txt /\nCOPY local.env /\n",
        # Majority missing: more likely the wrong folder than two typos.
        "FROM alpine\nCOPY requirements.txt /\nCOPY a.py /\nCOPY b.py /\n",
    ],
)
def test_missing_source_not_judged(tmp_path, text):
    passes("IL3005", text, context={"requirements.txt": "x", ".dockerignore": "*.env\n"}, tmp_path=tmp_path)


def test_missing_source_not_judged_in_a_subfolder_built_from_its_parent(tmp_path):
    write_context(tmp_path, {"requirements.txt": "x", "app.py": "x", "docker/entrypoint.sh": "x"})
    text = "FROM python:3.12\nCOPY requirements.txt .\nCOPY app.py .\nCOPY docker/entrypoint.sh /\n"
    assert not lint_in("IL3005", text, tmp_path, dockerfile="docker/Dockerfile")


def test_missing_source_windows_dockerfiles_are_skipped(tmp_path):
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY requirements.txt C:\\\nCOPY app.ps1 C:\\\n"
    passes("IL3005", text, context={"requirements.txt": "x"}, tmp_path=tmp_path)


# --- IL3006 dockerignore-pattern-matches-nothing ------------------------------------------------------------


def test_root_anchored_pattern_reported_in_the_dockerignore(tmp_path):
    context = {
        ".dockerignore": "# caches\n.git\n__pycache__\n*.pyc\n",
        "app/__init__.py": "x",
        "app/__pycache__/__init__.cpython-312.pyc": "x",
    }
    findings = catches("IL3006", "FROM python:3.12-slim\nCOPY . /app\n", context=context, tmp_path=tmp_path)
    assert [(f.line, f.column, f.file) for f in findings] == [(3, 1, str(tmp_path / ".dockerignore")), (4, 1, str(tmp_path / ".dockerignore"))]
    assert findings[0].fix == "**/__pycache__" and "app/__pycache__" in findings[0].message


def test_misspelt_pattern(tmp_path):
    context = {".dockerignore": "node_module\n", "node_modules/x/index.js": "x"}
    (finding,) = catches("IL3006", "FROM node:22\nCOPY . .\n", context=context, tmp_path=tmp_path)
    assert "did you mean 'node_modules'" in finding.message


def test_dockerignore_shown_beside_the_dockerfile(tmp_path):
    write_context(tmp_path, {"svc/.dockerignore": "*.pyc\n", "svc/app/x.pyc": "x"})
    (finding,) = lint_in("IL3006", "FROM alpine\nCOPY . .\n", tmp_path, dockerfile="svc/Dockerfile")
    assert finding.file == "svc/.dockerignore" and finding.line == 1


@pytest.mark.parametrize(
    "dockerignore",
    [
        ".env\nnode_modules\n*.log\n",  # defensive entries that match nothing today
        "**/*.pyc\n**/__pycache__\n",
        "*.pyc\n",  # matches a top-level file
        "app/*.pyc\n",  # has a path: anchored on purpose
        "!app/keep.pyc\n",
        "*.md\n!README.md\n",
    ],
)
def test_patterns_that_are_fine(tmp_path, dockerignore):
    context = {".dockerignore": dockerignore, "top.pyc": "x", "app/x.pyc": "x", "README.md": "x"}
    passes("IL3006", "FROM alpine\nCOPY . .\n", context=context, tmp_path=tmp_path)


def test_pattern_matching_only_in_dependency_folders_is_not_reported(tmp_path):
    context = {".dockerignore": "*.pyc\n", "venv/pyvenv.cfg": "x", "venv/lib/x.pyc": "x"}
    passes("IL3006", "FROM alpine\nCOPY . .\n", context=context, tmp_path=tmp_path)


# --- IL3007 dockerignore-exception-includes-secret -------------------------------------------------------------


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


# --- BuildContext additions the rules rely on ----------------------------------------------------------


def test_build_context_walk_leaves_out_ignored_entries_but_searches_exceptions(tmp_path):
    from imagelint.buildcontext import BuildContext

    write_context(
        tmp_path,
        {
            ".dockerignore": "node_modules\n!node_modules/keep\nlogs\n",
            "node_modules/keep/a.js": "x",
            "node_modules/drop/b.js": "x",
            "logs/x.log": "x",
            "src/app.py": "x",
        },
    )
    walked = [relative for relative, _ in BuildContext(tmp_path).walk()]
    assert "src/app.py" in walked and "node_modules/keep/a.js" in walked
    assert not any(p.startswith(("logs", "node_modules/drop")) for p in walked)
    assert "node_modules" not in walked  # ignored itself, only searched for exceptions
    pruned = [relative for relative, _ in BuildContext(tmp_path).walk(prune=lambda r, e: r == "src")]
    assert "src" in pruned and "src/app.py" not in pruned


def test_build_context_measure_and_matches(tmp_path):
    from imagelint.buildcontext import BuildContext

    write_context(tmp_path, {".dockerignore": "**/*.tmp\n", "data/a.bin": "x" * 100, "data/b.bin": "y" * 50, "data/c.tmp": "z" * 999})
    context = BuildContext(tmp_path)
    assert context.measure("data") == (150, True)
    assert context.measure("data", limit_files=1) == (100, False)
    assert context.measure("data/a.bin") == (100, True)
    assert context.matches(["**/*.bin"], "data/a.bin") and not context.matches(["*.bin"], "data/a.bin")
    assert context.matches(["data"], "data/a.bin")  # a folder pattern covers what is below it
    assert not context.matches([], "data/a.bin") and not context.matches(["*"], "")
