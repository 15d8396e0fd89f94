"""``lint --baseline``: accept today's findings, fail on new ones, across edits that move lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.findings import Finding, Severity
from imagelint.fingerprint import fingerprints

ORIGINAL = (
    "FROM python:latest\n"
    "RUN apt-get update && apt-get install -y curl\n"
    "COPY . /app\n"
    "CMD python /app/main.py\n"
)


def run(*args: str, cwd: Path):
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("IMAGELINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "imagelint", "lint", *args], cwd=cwd, capture_output=True, text=True, env=env)


def rules_reported(result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Dockerfile").write_text(ORIGINAL)
    (tmp_path / ".dockerignore").write_text(".git\n")
    return tmp_path


def test_first_run_writes_the_baseline_and_passes(project):
    result = run("Dockerfile", "--baseline", "baseline.json", "-f", "json", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rules_reported(result) == []
    assert "baseline written with" in result.stderr
    document = json.loads((project / "baseline.json").read_text())
    assert document["version"] == 1
    entries = document["findings"]
    assert entries and all(set(e) >= {"fingerprint", "rule", "file", "line", "message"} for e in entries)
    assert entries == sorted(entries, key=lambda e: (e["file"], e["line"] or 0, e["rule"], e["fingerprint"]))
    assert {e["file"] for e in entries} == {"Dockerfile"}
    assert not any(p.name.endswith(".tmp") for p in project.iterdir())  # written atomically


def test_baseline_across_edits(project):
    assert run("Dockerfile", "--baseline", "baseline.json", cwd=project).returncode == 0
    baselined = len(json.loads((project / "baseline.json").read_text())["findings"])

    # Lines inserted above every finding: nothing new.
    moved = "# syntax=docker/dockerfile:1\n# build the app\n\n" + ORIGINAL.replace("COPY", "\nCOPY")
    (project / "Dockerfile").write_text(moved)
    result = run("Dockerfile", "--baseline", "baseline.json", "-f", "json", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rules_reported(result) == []
    assert f"{baselined} finding(s) already in the baseline" in result.stderr

    # A new violation is reported (alone) and fails the run.
    (project / "Dockerfile").write_text(moved + "RUN sudo make install\n")
    result = run("Dockerfile", "--baseline", "baseline.json", "-f", "json", cwd=project)
    assert result.returncode == 1
    assert rules_reported(result) == ["IL7008"]
    assert json.loads(result.stdout)["findings"][0]["line"] == 9

    # Fix one baselined finding (the shell-form CMD) and drop the new one: --update-baseline forgets it.
    fixed = moved.replace("CMD python /app/main.py", 'CMD ["python", "/app/main.py"]')
    (project / "Dockerfile").write_text(fixed)
    result = run("Dockerfile", "--baseline", "baseline.json", cwd=project)
    assert result.returncode == 0
    assert "no longer occur" in result.stderr
    before = {e["rule"] for e in json.loads((project / "baseline.json").read_text())["findings"]}
    result = run("Dockerfile", "--baseline", "baseline.json", "--update-baseline", cwd=project)
    assert result.returncode == 0
    assert "1 fixed and dropped" in result.stderr
    after = {e["rule"] for e in json.loads((project / "baseline.json").read_text())["findings"]}
    assert before - after == {"IL8002"}
    result = run("Dockerfile", "--baseline", "baseline.json", cwd=project)
    assert "no longer occur" not in result.stderr

    # Bringing the fixed finding back makes it new again.
    (project / "Dockerfile").write_text(moved)
    result = run("Dockerfile", "--baseline", "baseline.json", "-f", "json", cwd=project)
    assert result.returncode == 1
    assert rules_reported(result) == ["IL8002"]


def test_a_copy_of_a_baselined_line_is_new(project):
    """Fingerprints count occurrences: a second identical offending line is not covered by the first."""
    run("Dockerfile", "--baseline", "baseline.json", cwd=project)
    (project / "Dockerfile").write_text(ORIGINAL.replace("COPY . /app\n", "COPY . /app\nFROM python:latest\n"))
    result = run("Dockerfile", "--baseline", "baseline.json", "-f", "json", "--select", "IL5002", cwd=project)
    assert [(f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]] == [("IL5002", 4)]


def test_update_from_some_files_keeps_the_other_files_entries(tmp_path):
    """A pre-commit run lints only the changed files; the baseline keeps everything else."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(ORIGINAL)
    (tmp_path / "b" / "Dockerfile").write_text(ORIGINAL)
    run(".", "--baseline", "baseline.json", cwd=tmp_path)
    entries = lambda: {(e["file"], e["rule"]) for e in json.loads((tmp_path / "baseline.json").read_text())["findings"]}
    assert {("a/Dockerfile", "IL8002"), ("b/Dockerfile", "IL8002")} <= entries()
    (tmp_path / "a" / "Dockerfile").write_text(ORIGINAL.replace("CMD python /app/main.py", 'CMD ["python", "/app/main.py"]'))
    before = entries()
    result = run("a/Dockerfile", "--baseline", "baseline.json", "--update-baseline", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert before - entries() == {("a/Dockerfile", "IL8002")}
    assert run(".", "--baseline", "baseline.json", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "invalid JSON"), ('{"version": 9, "findings": []}', "version 9"), ("[]", "not a baseline file")],
)
def test_bad_baseline_is_exit_2(project, content, message):
    (project / "baseline.json").write_text(content)
    result = run("Dockerfile", "--baseline", "baseline.json", cwd=project)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (project / "baseline.json").read_text() == content  # never overwritten


def test_update_baseline_needs_baseline(project):
    result = run("Dockerfile", "--update-baseline", cwd=project)
    assert result.returncode == 2 and "--update-baseline needs --baseline" in result.stderr


def test_fingerprint_ignores_line_numbers_and_whitespace_but_not_text():
    def finding(line: int) -> Finding:
        return Finding("IL5002", "latest-base-image-tag", "base-image", Severity.WARNING, "m", "Dockerfile", line, line, 6)

    first = fingerprints([finding(1)], lambda file, line: "FROM  python:latest")
    moved = fingerprints([finding(7)], lambda file, line: "FROM python:latest   ")
    edited = fingerprints([finding(1)], lambda file, line: "FROM python:3")
    assert first == moved != edited
    two = fingerprints([finding(1), finding(2)], lambda file, line: "FROM python:latest")
    assert two[0] == first[0] and two[1] != two[0]


def _secret_dockerfile(token: str) -> str:
    return (
        "FROM python:latest\n"
        f"ENV GITHUB_TOKEN={token}\n"
        f'RUN curl -H "Authorization: token {token}" https://api.github.com/user && apt-get update\n'
    )


def _baseline_fingerprints(project: Path, name: str) -> dict[tuple[str, int], str]:
    assert run("Dockerfile", "--baseline", name, cwd=project).returncode == 0
    entries = json.loads((project / name).read_text())["findings"]
    return {(e["rule"], e["line"]): e["fingerprint"] for e in entries}


def test_baseline_and_sarif_fingerprints_agree_and_never_hash_a_secret(tmp_path):
    first, second = "ghp_" + "Zq8" * 12 + "AB", "ghp_" + "Wk3" * 12 + "CD"
    (tmp_path / "Dockerfile").write_text(_secret_dockerfile(first))
    baselined = _baseline_fingerprints(tmp_path, "first.json")
    assert {("IL7003", 2), ("IL7003", 3), ("IL6003", 3)} <= set(baselined)  # a secret rule, and another on a secret line

    sarif = json.loads(run("Dockerfile", "-f", "sarif", cwd=tmp_path).stdout)
    results = sarif["runs"][0]["results"]
    reported = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["partialFingerprints"]["imagelint/v1"]
        for r in results
    }
    assert reported == baselined

    (tmp_path / "Dockerfile").write_text(_secret_dockerfile(second))
    assert _baseline_fingerprints(tmp_path, "second.json") == baselined
