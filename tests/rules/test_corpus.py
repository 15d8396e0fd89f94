"""imagelint over the whole shared corpus (../shared/corpus, third-party data never copied into the repo).

Every Dockerfile and every template source (not a valid Dockerfile: imagelint must still not crash) is
linted once in-process, all files in one ``run_lint`` call, and once through the command line. Checked:
no rule crashes, no input errors, every file gets a result, every finding points inside its file and
names a registered rule. Absent corpus: skipped; under CI: failed (see the ``corpus_dir`` fixture).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint import engine
from imagelint.lint import run_lint
from imagelint.report import Report
from imagelint.rule import registered_rules
from imagelint.settings import Settings

pytestmark = pytest.mark.corpus

REPO = Path(__file__).resolve().parents[2]


def _corpus_paths(corpus_dir: Path) -> list[Path]:
    """Dockerfiles and template sources, per MANIFEST.tsv (not the .dockerignore files)."""
    manifest = corpus_dir / "MANIFEST.tsv"
    rows = manifest.read_text(encoding="utf-8").splitlines()[1:]
    paths = [corpus_dir / row.split("\t", 1)[0] for row in rows if row.strip()]
    return sorted(p for p in paths if not p.name.endswith(".dockerignore"))


def _line_count(path: Path) -> int:
    """Physical lines as BuildKit counts them (split on \\n; a last line without \\n still counts)."""
    data = path.read_bytes()
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


@pytest.fixture(scope="module")
def corpus_paths(corpus_dir: Path) -> list[Path]:
    paths = _corpus_paths(corpus_dir)
    missing = [p for p in paths if not p.is_file()]
    assert not missing, f"MANIFEST.tsv lists files that are absent: {missing[:5]}"
    assert len(paths) > 2000, f"only {len(paths)} corpus files: is {corpus_dir} complete?"
    return paths


@pytest.fixture(scope="module")
def corpus_report(corpus_paths: list[Path]) -> Report:
    return run_lint([str(p) for p in corpus_paths], Settings())


def test_corpus_has_templates(corpus_paths: list[Path]) -> None:
    templates = [p for p in corpus_paths if "template" in p.name.lower()]
    assert len(templates) >= 30  # the labelled template sources are part of the run


def test_no_rule_crashes_and_no_input_errors(corpus_report: Report) -> None:
    assert corpus_report.errors == [], "\n".join(corpus_report.errors[:30])
    file_errors = [f"{r.file}: {r.error}" for r in corpus_report.results if r.error]
    assert file_errors == [], "\n".join(file_errors[:30])


def test_firing_conditions_lose_no_finding(corpus_report: Report, corpus_paths: list[Path], monkeypatch) -> None:
    """Rules skip files that do not meet their declared conditions (``instructions``, ``mentions``):
    run every rule on every corpus file instead, and every finding is the same."""
    monkeypatch.setattr(engine, "rules_that_may_fire", lambda rules, dockerfile, build_args=None: list(rules))
    every_rule_run = run_lint([str(p) for p in corpus_paths], Settings())
    assert [f.to_dict() for f in corpus_report.findings] == [f.to_dict() for f in every_rule_run.findings]
    assert corpus_report.errors == every_rule_run.errors


def test_every_file_has_a_result(corpus_report: Report, corpus_paths: list[Path]) -> None:
    assert [r.file for r in corpus_report.results] == [str(p) for p in corpus_paths]


def test_every_dockerfile_rule_ran(corpus_report: Report) -> None:
    dockerfile_rules = {code for code, rule in registered_rules().items() if rule.target == "dockerfile"}
    assert {r.code for r in corpus_report.rules} == dockerfile_rules


def test_findings_point_inside_their_file(corpus_report: Report) -> None:
    known = set(registered_rules())
    line_counts: dict[str, int] = {}
    bad: list[str] = []
    for result in corpus_report.results:
        for finding in result.findings:
            where = f"{finding.file}:{finding.line} {finding.rule}"
            if finding.rule not in known:
                bad.append(f"{where}: unknown rule code")
            if finding.file != result.file and not Path(finding.file).is_file():
                bad.append(f"{where}: finding for {result.file} names a file that does not exist")
                continue
            if finding.line is None:
                if finding.end_line is not None:
                    bad.append(f"{where}: end_line {finding.end_line} without a line")
                continue
            if finding.file not in line_counts:
                line_counts[finding.file] = _line_count(Path(finding.file))
            count = max(line_counts[finding.file], 1)  # an empty file's findings go to line 1
            end = finding.end_line if finding.end_line is not None else finding.line
            if not 1 <= finding.line <= end <= count:
                bad.append(f"{where}-{finding.end_line}: outside lines 1-{count}")
            if finding.column is not None and finding.column < 1:
                bad.append(f"{where}: column {finding.column}")
    assert not bad, f"{len(bad)} misplaced findings:\n" + "\n".join(bad[:40])


def test_cli_lints_the_corpus(corpus_dir: Path, corpus_paths: list[Path]) -> None:
    # Names relative to the corpus folder keep the command line short (one process, every file):
    # `imagelint lint <dir>` alone finds few corpus files, whose flattened names rarely match Dockerfile patterns.
    names = [p.relative_to(corpus_dir).as_posix() for p in corpus_paths]
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("IMAGELINT_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "imagelint", "lint", *names, "--format", "json", "--fail-on", "never"],
        cwd=corpus_dir,
        capture_output=True,
        env=env,
        timeout=600,
    )
    stderr = proc.stderr.decode(errors="replace")
    assert "Traceback" not in stderr, stderr[-3000:]
    assert proc.returncode == 0, stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["summary"]["files"] == len(corpus_paths)
    assert report["errors"] == []
    assert report["summary"]["findings"] == len(report["findings"])
