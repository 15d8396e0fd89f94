"""``imagelint fix`` as a user and a CI see it: a diff and exit 1, --write and exit 0, stdin to stdout,
nothing else of the file touched, and never a file overwritten that changed meanwhile."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from imagelint.fixer import FixWriteError, read_for_fixing, write_fixed
from tests.support.cli import no_traceback, one_line_error, run

NEEDS_YES = "FROM debian:12\nRUN apt-get update \\\n    && apt-get install --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER app\n"
FIXED = NEEDS_YES.replace("apt-get install --no", "apt-get install -y --no")


def test_diff_then_write_then_nothing_left(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(NEEDS_YES)
    shown = run("fix", "Dockerfile", "--select", "IL6001", cwd=tmp_path)
    no_traceback(shown)
    assert shown.returncode == 1
    assert "-    && apt-get install --no-install-recommends curl \\\n+    && apt-get install -y --no-install-recommends curl \\\n" in shown.stdout.decode()
    assert shown.stdout.decode().startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")
    assert "would fix 1 finding in 1 file (IL6001 1)" in shown.stderr.decode()
    assert dockerfile.read_text() == NEEDS_YES  # a diff only

    written = run("fix", "Dockerfile", "--select", "IL6001", "--write", cwd=tmp_path)
    assert written.returncode == 0, written.stderr.decode()
    assert dockerfile.read_text() == FIXED
    again = run("fix", "Dockerfile", "--select", "IL6001", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == b"" and b"nothing to fix" in again.stderr


def test_stdin_gives_the_fixed_file_on_stdout(tmp_path):
    result = run("fix", "-", "--select", "IL6001", stdin=NEEDS_YES.encode(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == FIXED


def test_crlf_bom_comments_and_mode_are_kept(tmp_path):
    text = "\ufeff# syntax=docker/dockerfile:1\r\nFROM debian:12\r\n# install\r\nRUN apt-get install curl\r\n"
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(text.encode())
    os.chmod(dockerfile, 0o640)
    result = run("fix", "Dockerfile", "--select", "IL6001", "--write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert dockerfile.read_bytes() == text.replace("install curl", "install -y curl").encode()
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]  # no temporary file left


def test_a_symlinked_dockerfile_stays_a_link(tmp_path):
    real = tmp_path / "real.Dockerfile"
    real.write_text(NEEDS_YES)
    (tmp_path / "Dockerfile").symlink_to(real.name)
    result = run("fix", "Dockerfile", "--select", "IL6001", "--write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "Dockerfile").is_symlink() and real.read_text() == FIXED


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(NEEDS_YES)
    original, _ = read_for_fixing(dockerfile)
    dockerfile.write_text(NEEDS_YES + "# edited meanwhile\n")
    with pytest.raises(FixWriteError, match="changed on disk since it was read"):
        write_fixed(dockerfile, original, FIXED)
    assert dockerfile.read_text().endswith("# edited meanwhile\n")


def test_not_utf8_is_refused_with_one_line(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM debian:12\nRUN apt-get install caf\xe9\n")
    result = run("fix", "Dockerfile", "--write", cwd=tmp_path)
    one_line_error(result, "Dockerfile", "not valid UTF-8")


def test_lint_fix_writes_then_reports_what_is_left(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(NEEDS_YES)
    result = run("lint", "Dockerfile", "--fix", "--select", "IL6001,IL5002", cwd=tmp_path)
    assert dockerfile.read_text() == FIXED
    assert b"fixed 1 finding" in result.stderr
    assert b"IL6001" not in result.stdout


def test_unsafe_without_fix_is_a_usage_error(tmp_path):
    (tmp_path / "Dockerfile").write_text(NEEDS_YES)
    one_line_error(run("lint", "Dockerfile", "--unsafe", cwd=tmp_path), "--unsafe goes with --fix")


def test_json_and_sarif_carry_the_edits(tmp_path):
    import json

    (tmp_path / "Dockerfile").write_text(NEEDS_YES)
    document = json.loads(run("lint", "Dockerfile", "--select", "IL6001", "-f", "json", cwd=tmp_path).stdout)
    (finding,) = document["findings"]
    assert finding["fix"] == {
        "description": "add -y to apt-get install",
        "applicability": "safe",
        "edits": [{"line": 3, "column": 23, "end_line": 3, "end_column": 23, "content": " -y"}],
    }
    sarif = json.loads(run("lint", "Dockerfile", "--select", "IL6001", "-f", "sarif", cwd=tmp_path).stdout)
    (result,) = sarif["runs"][0]["results"]
    (replacement,) = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement == {
        "deletedRegion": {"startLine": 3, "startColumn": 23, "endLine": 3, "endColumn": 23},
        "insertedContent": {"text": " -y"},
    }
    text = run("lint", "Dockerfile", "--select", "IL6001", cwd=tmp_path).stdout.decode()
    assert "fix: add -y to apt-get install [safe]" in text


def test_sarif_with_fixes_validates_against_the_official_schema(tmp_path, shared_dir):
    import json

    import jsonschema

    schema_path = shared_dir / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.is_file():
        pytest.skip("../shared/schemas is not here (a user's clone)")
    (tmp_path / "Dockerfile").write_text(NEEDS_YES)
    sarif = json.loads(run("lint", "Dockerfile", "-f", "sarif", cwd=tmp_path).stdout)
    assert any("fixes" in r for r in sarif["runs"][0]["results"])
    jsonschema.validate(sarif, json.loads(schema_path.read_text()))


def test_the_fix_table_in_the_docs_is_current():
    """docs/fix.md lists every rule's fix from the registry; regenerate with python scripts/gen_fix_docs.py."""
    import runpy

    script = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "gen_fix_docs.py"))
    doc = script["DOC"].read_text(encoding="utf-8")
    assert script["updated"](doc) == doc, "docs/fix.md is out of date: run python scripts/gen_fix_docs.py"
    assert "| IL6001 | `apt-get-install-without-yes` | safe |" in doc


def test_the_rules_page_in_the_docs_is_current():
    """docs/rules.md holds every rule's docs (the language server links there); regenerate with
    python scripts/gen_rule_docs.py."""
    import runpy

    script = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "gen_rule_docs.py"))
    doc = script["DOC"].read_text(encoding="utf-8")
    assert script["updated"](doc) == doc, "docs/rules.md is out of date: run python scripts/gen_rule_docs.py"
