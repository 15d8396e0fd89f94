"""IL3005 copy-source-missing-from-context: sources missing from the context, explicit contexts, when not judged."""

from __future__ import annotations

import pytest

from tests.rules.dockerignore.cases import lint_in
from tests.support.helpers import catches, passes, write_context


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
