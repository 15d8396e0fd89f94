"""ShellCheck findings in every report: the JSON contract admits their codes, JUnit has a test case for
each code that found something, SARIF names the code."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from importlib.resources import files

import jsonschema
import pytest

from imagelint import shellcheck
from imagelint.lint import run_lint
from imagelint.reporters import render
from imagelint.settings import Settings

pytestmark = pytest.mark.skipif(shellcheck.find_program() is None, reason="no shellcheck binary")


@pytest.fixture
def report(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text('FROM alpine:3.22\nRUN cd /srv; make\nUSER app\nCMD ["sh"]\n')
    monkeypatch.chdir(tmp_path)
    return run_lint(["Dockerfile"], Settings(shellcheck=True, select=("IL5003", "SC2164")))


def rendered(name: str, report) -> str:
    stream = io.StringIO()
    render(name, report, stream)
    return stream.getvalue()


def test_json_report_with_shellcheck_findings_matches_the_schema(report):
    document = json.loads(rendered("json", report))
    schema = json.loads(files("imagelint").joinpath("schemas/lint-report.schema.json").read_text())
    jsonschema.validate(document, schema)
    found = [f for f in document["findings"] if f["rule"] == "SC2164"]
    assert found and found[0]["name"] == "shellcheck" and (found[0]["line"], found[0]["column"]) == (2, 5)


def test_junit_has_a_failing_case_for_each_shellcheck_code(report):
    suite = ET.fromstring(rendered("junit", report)).find("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert cases["SC2164 shellcheck"].find("failure") is not None
    assert suite.get("failures") == str(sum(1 for case in cases.values() if case.find("failure") is not None))


def test_sarif_results_carry_the_shellcheck_code(report):
    results = json.loads(rendered("sarif", report))["runs"][0]["results"]
    assert [r["ruleId"] for r in results if r["ruleId"].startswith("SC")] == ["SC2164"]


def test_sarif_describes_each_shellcheck_code_found(report):
    """A code scanning alert shows its rule's help: each ShellCheck code found gets a descriptor,
    after imagelint's rules, and its results point at it; the document stays valid SARIF."""
    document = json.loads(rendered("sarif", report))
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (result,) = [r for r in run["results"] if r["ruleId"] == "SC2164"]
    descriptor = rules[result["ruleIndex"]]
    assert descriptor["id"] == "SC2164" and descriptor["name"] == "shellcheck"
    assert descriptor["helpUri"].endswith("/wiki/SC2164")
    assert [rule["id"] for rule in rules if rule["id"].startswith("SC")] == ["SC2164"]


def test_sarif_with_shellcheck_findings_is_valid_sarif(report, schemas_dir):
    schema = json.loads((schemas_dir / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(json.loads(rendered("sarif", report)), schema, cls=jsonschema.Draft7Validator)
