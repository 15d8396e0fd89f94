"""A finished lint run: per-file findings and errors, and its public export shape."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from imagelint import __version__
from imagelint.findings import Finding, Severity
from imagelint.rule import Rule

JSON_VERSION = 1


@dataclass
class FileResult:
    file: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be linted at all
    lines: list[str] = field(default_factory=list)  # its text, for reporters that show excerpts; never in JSON


@dataclass
class LintReport:
    results: list[FileResult]
    rules: list[Rule]  # the rules that ran
    errors: list[str] = field(default_factory=list)  # problems not tied to one linted file
    notes: list[str] = field(default_factory=list)  # things the user should know; not failures

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.results for f in r.findings), key=Finding.sort_key)

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [r.error for r in self.results if r.error]

    def count_at_or_above(self, threshold: Severity | None) -> int:
        if threshold is None:
            return 0
        return sum(1 for f in self.findings if f.severity >= threshold)

    def summary(self) -> dict:
        findings = self.findings
        by_severity = Counter(str(f.severity) for f in findings)
        return {
            "files": len(self.results),
            "files_with_findings": sum(1 for r in self.results if r.findings),
            "errors": len(self.all_errors),
            "findings": len(findings),
            "by_severity": {str(s): by_severity.get(str(s), 0) for s in sorted(Severity, reverse=True)},
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        }

    def to_dict(self) -> dict:
        """The documented JSON contract (docs/json-output.md); change only with a version bump."""
        return {
            "version": JSON_VERSION,
            "tool": {"name": "imagelint", "version": __version__},
            "findings": [f.to_dict() for f in self.findings],
            "errors": self.all_errors,
            "notes": self.notes,
            "summary": self.summary(),
        }
