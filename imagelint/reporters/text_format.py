"""``--format text``: one line per finding (``path:line:col: CODE severity: message``), then a summary."""

from __future__ import annotations

from typing import TextIO

from tabulate import tabulate

from imagelint.findings import Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m", Severity.STYLE: "\033[2m"}
_RESET = "\033[0m"


def _location(finding) -> str:
    if finding.line is None:
        return finding.file
    return f"{finding.file}:{finding.line}:{finding.column or 1}"


def render(report, stream: TextIO, *, color: bool = False) -> None:
    findings = report.findings
    current_file = None
    for finding in findings:
        if current_file is not None and finding.file != current_file:
            stream.write("\n")
        current_file = finding.file
        severity = str(finding.severity)
        if color:
            severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
        stream.write(f"{_location(finding)}: {finding.rule} {severity}: {finding.message}\n")
        if finding.fix:
            stream.write(f"    fix: {finding.fix}\n")
    summary = report.summary()
    if findings:
        stream.write("\n")
        rows = []
        by_code = {f.rule: f for f in findings}
        for code, count in summary["by_rule"].items():
            sample = by_code[code]
            rows.append([code, sample.name, str(sample.severity), count])
        stream.write(tabulate(rows, headers=["rule", "name", "severity", "count"], tablefmt="simple"))
        stream.write("\n\n")
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    files = summary["files"]
    stream.write(
        f"{summary['findings']} finding{'s' if summary['findings'] != 1 else ''}"
        f"{f' ({counts})' if counts else ''} in {files} file{'s' if files != 1 else ''}\n"
    )
