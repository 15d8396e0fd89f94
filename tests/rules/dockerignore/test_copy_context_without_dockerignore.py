"""IL3001 copy-context-without-dockerignore: whole-context copies without a .dockerignore, per-Dockerfile and parent ones."""

from __future__ import annotations

import pytest

from tests.rules.dockerignore.cases import lint_in
from tests.support.helpers import catches, passes, write_context


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
