"""``--format junit``: JUnit XML for Jenkins, GitLab and other test-report dashboards.

One ``<testsuite>`` per result of the report (a linted file; for an image report, the image and
its Dockerfile), one ``<testcase>`` per rule that ran on it: a rule with findings fails, listing
each finding; a file that could not be linted is a test error. ElementTree escapes text and attributes; characters XML
1.0 cannot carry at all (control characters from a hostile file) are replaced first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from imagelint.findings import Finding
from imagelint.reporters.readable import readable

if TYPE_CHECKING:
    from imagelint.report import Report

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", readable(text))  # a name's undecodable bytes as \xNN, not lost


def _where(finding: Finding, suite: str) -> str:
    place = finding.file if finding.file != suite or finding.line is None else ""
    if finding.line is not None:
        place = f"{place}:{finding.line}" if place else f"line {finding.line}"
        if finding.column is not None:
            place += f":{finding.column}"
    return place


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    root = ET.Element("testsuites", name="imagelint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in report.results:
        name, rules, findings, error = result.file, report.rules_for(result), result.findings, result.error
        suite = ET.SubElement(root, "testsuite", name=_xml_text(name))
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_rule[finding.rule].append(finding)
        tests = failures = errors = 0
        if error is not None:
            case = ET.SubElement(suite, "testcase", name="lint", classname=_xml_text(name))
            ET.SubElement(case, "error", message=_xml_text(error), type="input").text = _xml_text(error)
            tests, errors = 1, 1
        else:
            # Every rule that ran is a test case; so is each ShellCheck code that found something.
            ran = {rule.code for rule in rules}
            cases = [(rule.code, rule.name) for rule in rules]
            cases += [(code, by_rule[code][0].name) for code in sorted(set(by_rule) - ran)]
            for code, rule_name in cases:
                case = ET.SubElement(suite, "testcase", name=f"{code} {rule_name}", classname=_xml_text(name))
                tests += 1
                found = by_rule.get(code)
                if not found:
                    continue
                failures += 1
                worst = max(f.severity for f in found)
                lines = []
                for finding in found:
                    where = _where(finding, name)
                    lines.append(f"{where + ': ' if where else ''}{finding.severity}: {finding.message}")
                    if finding.fix:
                        lines.append(f"    fix: {finding.fix.shown}")
                summary = f"{len(found)} finding{'s' if len(found) != 1 else ''}: {found[0].message}"
                failure = ET.SubElement(case, "failure", message=_xml_text(summary), type=str(worst))
                failure.text = _xml_text("\n".join(lines))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")
        totals["tests"] += tests
        totals["failures"] += failures
        totals["errors"] += errors
    leftover_errors = [e for e in report.all_errors if not any(e == r.error for r in report.results)]
    if leftover_errors:
        suite = ET.SubElement(root, "testsuite", name="imagelint", tests=str(len(leftover_errors)), failures="0",
                              errors=str(len(leftover_errors)), skipped="0")  # fmt: skip
        for position, error in enumerate(leftover_errors, start=1):
            case = ET.SubElement(suite, "testcase", name=f"run error {position}", classname="imagelint")
            ET.SubElement(case, "error", message=_xml_text(error), type="error").text = _xml_text(error)
        totals["tests"] += len(leftover_errors)
        totals["errors"] += len(leftover_errors)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
