"""A finished run, of ``imagelint lint`` or of ``imagelint analyze``: its findings (per linted file,
or per part of an image), the rules that ran, errors and notes, and its public export shape.

An ``analyze`` report also carries :class:`ImageDetails` (the image's analysis and the Dockerfile
matched to it) in :attr:`Report.image`; reporters render the image part when it is there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imagelint import __version__
from imagelint.findings import Finding, Severity
from imagelint.rule import Rule

if TYPE_CHECKING:
    from imagelint.image.analysis import Analysis
    from imagelint.image.layer_files import LayerFiles
    from imagelint.image.changes import ImageChanges

JSON_VERSION = 2  # 2: a finding's fix is an object (description, applicability, edits)


@dataclass
class FileResult:
    """What one subject of the run produced: a linted file or, in an image report, the image (its
    image rules' findings) or the Dockerfile given with it. Findings may point into other files (a
    ``.dockerignore``; an image finding at the Dockerfile line that made its layer)."""

    file: str  # the linted file as shown, or the image's name
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be linted at all
    lines: list[str] = field(default_factory=list)  # its text, for reporters that show excerpts; never in JSON
    target: str = "dockerfile"  # which rules checked it (Rule.target): "dockerfile" or "image"


@dataclass(frozen=True, slots=True)
class ImageDetails:
    """The image part of an ``imagelint analyze`` report."""

    analysis: Analysis  # joined to the Dockerfile and redacted (imagelint.analyze)
    dockerfile: str | None = None  # --dockerfile, as given
    files: LayerFiles | None = None  # every layer's entries (analyze --files, for --format csv)
    changes: ImageChanges | None = None  # each layer's changed paths and the tree summary (json, html)

    @property
    def name(self) -> str:
        return self.analysis.name

    def to_dict(self) -> dict:
        """The analysis' export shape, with each layer's ``changes`` and the ``tree`` summary when
        they were computed (additions only: every other key is the analysis')."""
        exported = self.analysis.to_dict()
        if self.changes is not None:
            for row in exported["layers"]:
                if row["index"] is not None and row["index"] < len(self.changes.layers):
                    row["changes"] = self.changes.layers[row["index"]].to_dict()
            exported["tree"] = self.changes.tree.to_dict()
        return exported


@dataclass
class Report:
    results: list[FileResult]
    rules: list[Rule]  # the rules that ran (for an image: the image rules, then the Dockerfile rules)
    errors: list[str] = field(default_factory=list)  # problems not tied to one linted file; crashed rules
    notes: list[str] = field(default_factory=list)  # things the user should know; not failures
    skipped: list[str] = field(default_factory=list)  # what directory walks passed over, and why (--verbose only)
    image: ImageDetails | None = None  # imagelint analyze

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.results for f in r.findings), key=Finding.sort_key)

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [r.error for r in self.results if r.error]

    def rules_for(self, result: FileResult) -> list[Rule]:
        """The rules that checked ``result``."""
        return [rule for rule in self.rules if rule.target == result.target]

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
        """The documented JSON contracts (docs/json-output.md), of a lint and of an image report;
        change only with a version bump."""
        findings = [f.to_dict() for f in self.findings]
        if self.image is not None:
            return {"version": JSON_VERSION, "image": self.image.to_dict(), "findings": findings}
        return {
            "version": JSON_VERSION,
            "tool": {"name": "imagelint", "version": __version__},
            "findings": findings,
            "errors": self.all_errors,
            "notes": self.notes,
            "summary": self.summary(),
        }


