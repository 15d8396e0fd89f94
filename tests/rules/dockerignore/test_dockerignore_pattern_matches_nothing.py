"""IL3006 dockerignore-pattern-matches-nothing: patterns that match nothing, and the ones that are fine."""

from __future__ import annotations

import pytest

from tests.rules.dockerignore.cases import lint_in
from tests.support.helpers import catches, passes, write_context


def test_root_anchored_pattern_reported_in_the_dockerignore(tmp_path):
    context = {
        ".dockerignore": "# caches\n.git\n__pycache__\n*.pyc\n",
        "app/__init__.py": "x",
        "app/__pycache__/__init__.cpython-312.pyc": "x",
    }
    findings = catches("IL3006", "FROM python:3.12-slim\nCOPY . /app\n", context=context, tmp_path=tmp_path)
    assert [(f.line, f.column, f.file) for f in findings] == [(3, 1, str(tmp_path / ".dockerignore")), (4, 1, str(tmp_path / ".dockerignore"))]
    assert findings[0].fix.description == "**/__pycache__" and "app/__pycache__" in findings[0].message


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
