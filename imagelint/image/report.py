"""A finished image analysis: the numbers, the findings (image rules, and the Dockerfile rules when
``--dockerfile`` was given), and the public export shape of ``imagelint analyze --format json``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from imagelint.findings import Finding, Severity
from imagelint.image.analysis import Analysis
from imagelint.rule import Rule

JSON_VERSION = 1


@dataclass
class ImageReport:
    analysis: Analysis
    findings: list[Finding]
    rules: list[Rule]  # the rules that ran (image rules, then Dockerfile rules)
    errors: list[str] = field(default_factory=list)  # rules that crashed: reported, never hidden
    dockerfile: str | None = None

    kind = "image"  # reporters render lint and image reports differently

    def count_at_or_above(self, threshold: Severity | None) -> int:
        if threshold is None:
            return 0
        return sum(1 for f in self.findings if f.severity >= threshold)

    def summary(self) -> dict:
        by_severity = Counter(str(f.severity) for f in self.findings)
        return {
            "findings": len(self.findings),
            "by_severity": {str(s): by_severity.get(str(s), 0) for s in sorted(Severity, reverse=True)},
        }

    def to_dict(self) -> dict:
        """The documented JSON contract (docs/json-output.md); change only with a version bump."""
        return {
            "version": JSON_VERSION,
            "image": self.analysis.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }
