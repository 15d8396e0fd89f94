"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Better than hadolint's: ``tool.driver.rules`` describes every rule that ran (summary, the rule's
"Why" section, its full documentation as help, default level, family and tags), results carry
``ruleIndex``, real columns and end lines, and ``partialFingerprints`` that survive edits elsewhere in
the file. Paths are relative to ``%SRCROOT%`` (the current directory), as code scanning expects.
Findings on an image that no Dockerfile line carries are placed on the image as a logical location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from imagelint import __version__
from imagelint.findings import Severity
from imagelint.fixes import Fix
from imagelint.reporters._common import Located, Sources, locate
from imagelint.reporters.json_text import report_text
from imagelint.reporters.readable import uri_path

if TYPE_CHECKING:
    from imagelint.report import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# No project site exists yet: the package index page is the one stable public address.
INFORMATION_URI = "https://pypi.org/project/imagelint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "imagelint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.STYLE: "note"}
# GitHub ranks security alerts by this CVSS-like score (properties["security-severity"]).
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "3.0", Severity.STYLE: "1.0"}


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    stream.write(report_text(sarif_document(report)) + "\n")


def sarif_document(report: Report) -> dict:
    rules = list(report.rules)
    index = {rule.code: position for position, rule in enumerate(rules)}
    located = locate(report, Sources(report))
    # ShellCheck's codes (--shellcheck) are not imagelint rules: each one found gets a descriptor
    # after the rules', so that a viewer shows its wiki page (GitHub's alert links "rule help").
    unknown = {item.finding.rule for item in located if item.finding.rule not in index}
    shellcheck_codes = sorted(code for code in unknown if _is_shellcheck_code(code))
    for code in shellcheck_codes:
        index[code] = len(index)
    artifacts: dict[str, int] = {}
    for item in located:
        if item.path is not None and item.path not in artifacts:
            artifacts[item.path] = len(artifacts)
    run: dict = {
        "tool": {
            "driver": {
                "name": "imagelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules] + [_shellcheck_rule(code) for code in shellcheck_codes],
            }
        },
        "invocations": [_invocation(report)],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The directory imagelint ran in."}}},
        "artifacts": [{"location": _artifact_location(path)} for path in artifacts],
        "results": [_result(item, index, artifacts, report) for item in located],
        "columnKind": "unicodeCodePoints",
    }
    if report.image is not None:
        analysis = report.image.analysis
        run["properties"] = {
            "image": {
                "name": analysis.name,
                "id": analysis.id,
                "size": analysis.size,
                "wasted_bytes": analysis.wasted_bytes,
                "efficiency": analysis.efficiency,
            }
        }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule) -> dict:
    why = " ".join(rule.doc.sections.get("Why", "").split()) or rule.summary
    tags = list(dict.fromkeys([rule.family, "image" if rule.target == "image" else "dockerfile"]))
    properties: dict = {"family": rule.family, "tags": tags, "precision": "high"}
    if rule.family == "security":
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    equivalents = {tool: ids for tool, ids in rule.equivalents().items() if ids}
    if equivalents:
        properties["equivalents"] = equivalents
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": why},
        "help": {"text": rule.doc.markdown, "markdown": rule.doc.markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _is_shellcheck_code(code: str) -> bool:
    from imagelint import shellcheck  # only a --shellcheck run needs it

    return shellcheck.is_shellcheck_code(code)


def _shellcheck_rule(code: str) -> dict:
    from imagelint import shellcheck  # only a --shellcheck run needs it

    wiki = f"https://www.shellcheck.net/wiki/{code}"
    return {
        "id": code,
        "name": shellcheck.NAME,
        "shortDescription": {"text": f"ShellCheck {code} in a RUN script"},
        "helpUri": wiki,
        "help": {"text": f"See ShellCheck's page for {code}: {wiki}", "markdown": f"See ShellCheck's page for [{code}]({wiki})."},
        "properties": {"family": shellcheck.FAMILY, "tags": [shellcheck.NAME, "dockerfile"]},
    }


def _artifact_location(path: str) -> dict:
    if path.startswith("/"):
        return {"uri": "file://" + uri_path(path)}
    return {"uri": uri_path(path), "uriBaseId": SRCROOT}


def _result(item: Located, index: dict[str, int], artifacts: dict[str, int], report: Report) -> dict:
    finding = item.finding
    message = finding.message if not finding.fix else f"{finding.message}\nFix: {finding.fix.shown}"
    result: dict = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [_location(item, artifacts, report)],
        "partialFingerprints": {FINGERPRINT_KEY: item.fingerprint},
        "properties": {"family": finding.family, "severity": str(finding.severity)},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.fix is not None and finding.fix.edits and item.path is not None:
        result["fixes"] = [_fix(finding.fix, item.path)]
    return result


def _fix(fix: Fix, path: str) -> dict:
    """A SARIF fix: the edits as replacements in the finding's file (regions 1-based, end exclusive)."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.line,
                "startColumn": edit.column,
                "endLine": edit.end_line,
                "endColumn": edit.end_column,
            },
            "insertedContent": {"text": edit.content},
        }
        for edit in fix.edits
    ]
    return {
        "description": {"text": f"{fix.description} ({fix.applicability})"},
        "artifactChanges": [{"artifactLocation": _artifact_location(path), "replacements": replacements}],
    }


def _location(item: Located, artifacts: dict[str, int], report: Report) -> dict:
    finding = item.finding
    if item.path is None:
        return {"logicalLocations": [{"name": finding.file, "fullyQualifiedName": finding.file, "kind": "resource"}]}
    physical: dict = {"artifactLocation": {**_artifact_location(item.path), "index": artifacts[item.path]}}
    if finding.line is not None:
        region: dict = {"startLine": finding.line, "endLine": max(finding.end_line or finding.line, finding.line)}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    location: dict = {"physicalLocation": physical}
    if report.image is not None:  # an image finding placed at its Dockerfile line still names the image
        name = report.image.name
        location["logicalLocations"] = [{"name": name, "fullyQualifiedName": name, "kind": "resource"}]
    return location


def _invocation(report: Report) -> dict:
    notifications = [{"level": "error", "message": {"text": text}} for text in report.all_errors]
    notifications += [{"level": "note", "message": {"text": text}} for text in report.notes]
    invocation: dict = {"executionSuccessful": not report.all_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation
