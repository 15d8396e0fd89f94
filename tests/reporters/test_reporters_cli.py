"""Several reports from one run: ``--format FORMAT[:FILE]`` and ``--output FILE``, all written atomically."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from imagelint.output import ReportPlanError, ReportTarget, plan_reports
from imagelint.reporters import FORMATS
from tests.support.report_fixtures import LINT_DOCKERFILE, image_archive
from tests.support.cli import no_traceback, run


def plan(formats, outputs=None):
    return [(t.format, None if t.path is None else str(t.path)) for t in plan_reports(formats, outputs, FORMATS)]


def test_plan_defaults_and_pairing():
    assert plan(None) == [("text", None)]
    assert plan(None, ["r.txt"]) == [("text", "r.txt")]
    assert plan(["json"], ["r.json"]) == [("json", "r.json")]
    assert plan(["text", "sarif"], ["-", "r.sarif"]) == [("text", None), ("sarif", "r.sarif")]
    # One --output fewer than formats: the first one goes to stdout (the example).
    assert plan(["text", "sarif"], ["r.sarif"]) == [("text", None), ("sarif", "r.sarif")]
    assert plan(["text", "sarif:r.sarif", "html", "junit"], ["r.html", "r.xml"]) == [
        ("text", None), ("sarif", "r.sarif"), ("html", "r.html"), ("junit", "r.xml"),
    ]  # fmt: skip
    assert plan(["SARIF:C:\\reports\\x.sarif"]) == [("sarif", "C:\\reports\\x.sarif")]
    assert plan_reports(["gitlab:gl.json"], None, FORMATS) == [ReportTarget("gitlab", Path("gl.json"))]


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [
        (["xml"], None, "unknown format 'xml'"),
        (["sarif:"], None, "no file after ':'"),
        (["json"], ["a", "b"], "2 --output values for 1 format"),
        (["json", "sarif", "html"], ["a"], "3 formats but 1 --output value"),
        (["json", "text"], None, "2 formats but 0 --output values"),
        (["json", "sarif"], ["-", "-"], "formats json and sarif would all write to standard output"),
        (["json:r", "sarif:./r"], None, "r: named for both the json and the sarif report"),
    ],
)
def test_plan_errors(formats, outputs, message):
    with pytest.raises(ReportPlanError, match=message):
        plan_reports(formats, outputs, FORMATS)


def test_lint_writes_several_reports_from_one_run(tmp_path):
    (tmp_path / "Dockerfile").write_text(LINT_DOCKERFILE)
    (tmp_path / "out").mkdir()
    result = run(
        "lint", "Dockerfile", "--format", "text", "--format", "sarif", "--output", "imagelint.sarif",
        "-f", "html:out/report.html", "-f", "junit:junit.xml", "-f", "gitlab:gl-code-quality.json", "-f", "github:gh.txt",
        cwd=tmp_path,
    )  # fmt: skip
    no_traceback(result)
    assert result.returncode == 1, result.stderr.decode()
    assert b"Dockerfile:1:6: IL5002 warning:" in result.stdout  # text on stdout
    sarif = json.loads((tmp_path / "imagelint.sarif").read_text())
    gitlab = json.loads((tmp_path / "gl-code-quality.json").read_text())
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    assert len(sarif["runs"][0]["results"]) == len(gitlab) > 0
    assert int(junit.get("failures")) == len({i["check_name"] for i in gitlab})
    assert {r["partialFingerprints"]["imagelint/v1"] for r in sarif["runs"][0]["results"]} == {i["fingerprint"] for i in gitlab}
    assert (tmp_path / "out" / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "gh.txt").read_text().startswith("::")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["Dockerfile", "out", "imagelint.sarif", "junit.xml", "gl-code-quality.json", "gh.txt"]
    )  # no temporary files left behind


def test_one_analysis_for_all_reports(tmp_path):
    """The reports of one run describe the same findings (one analysis, rendered several times)."""
    (tmp_path / "Dockerfile").write_text(LINT_DOCKERFILE)
    result = run("lint", "Dockerfile", "-f", "json:r.json", "-f", "sarif:r.sarif", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == b""
    findings = json.loads((tmp_path / "r.json").read_text())["findings"]
    results = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]
    assert [(f["rule"], f["line"]) for f in findings] == [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ]


def test_a_failed_report_replaces_no_report(tmp_path):
    (tmp_path / "Dockerfile").write_text(LINT_DOCKERFILE)
    old = tmp_path / "r.json"
    old.write_text("previous report")
    result = run("lint", "Dockerfile", "-f", "json:r.json", "-f", "sarif:missing-dir/r.sarif", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "imagelint: missing-dir/r.sarif: cannot write report (No such file or directory)"
    assert old.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "r.json"]


def test_bad_format_values_fail_before_linting(tmp_path):
    (tmp_path / "Dockerfile").write_text(LINT_DOCKERFILE)
    result = run("lint", "Dockerfile", "-f", "json", "-f", "sarif", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().count("\n") == 1 and "2 formats but 0 --output values" in result.stderr.decode()


def test_analyze_writes_several_reports(tmp_path):
    archive = image_archive(tmp_path)
    result = run(
        "analyze", f"docker-archive:{archive}", "-f", "text", "-f", "sarif", "-f", "html", "-o", "-", "-o", "i.sarif",
        "-o", "i.html", "--fail-on", "never", cwd=tmp_path,
    )  # fmt: skip
    no_traceback(result)
    assert result.returncode == 0, result.stderr.decode()
    assert b"Top wasted paths:" in result.stdout
    assert json.loads((tmp_path / "i.sarif").read_text())["runs"][0]["results"]
    assert "Size per layer" in (tmp_path / "i.html").read_text()
