"""IL3004 copy-ignored-file: COPY of an ignored file, through variables, and the .dockerignore path shown."""

from __future__ import annotations

import pytest

from tests.rules.dockerignore.cases import lint_in
from tests.support.helpers import catches, passes, write_context


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
