"""A finished run, of ``imagelint lint`` or of ``imagelint analyze``: its findings (per linted file,
or per part of an image), the rules that ran, errors and notes, and its public export shape.

An ``analyze`` report also carries :class:`ImageDetails` (the image's analysis and the Dockerfile
matched to it) in :attr:`Report.image`; reporters render the image part when it is there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from imagelint import __version__
from imagelint.findings import Finding, Severity
from imagelint.rule import Rule

if TYPE_CHECKING:
    from imagelint.image.analysis import Analysis
    from imagelint.image.layer_files import LayerFiles
    from imagelint.image.changes import ImageChanges

JSON_VERSION = 2  # 2: a finding's fix is an object (description, applicability, edits)


class FileResult:
    """What one subject of the run produced: a linted file or, in an image report, the image (its
    image rules' findings) or the Dockerfile given with it. Findings may point into other files (a
    ``.dockerignore``; an image finding at the Dockerfile line that made its layer).

    Built up as its file is linted. A plain class, not a dataclass: that costs start-up."""

    __slots__ = ("file", "findings", "error", "lines", "target")

    def __init__(
        self,
        file: str,
        findings: list[Finding] | None = None,
        error: str | None = None,
        lines: list[str] | None = None,
        target: str = "dockerfile",
    ) -> None:
        self.file = file  # the linted file as shown, or the image's name
        self.findings: list[Finding] = [] if findings is None else findings
        self.error = error  # the file could not be linted at all
        self.lines: list[str] = [] if lines is None else lines  # its text, for reporters that show excerpts; never in JSON
        self.target = target  # which rules checked it (Rule.target): "dockerfile" or "image"


class ImageDetails(NamedTuple):
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


class Report:
    """A plain class, not a dataclass (start-up); built up by the run that makes it."""

    __slots__ = ("results", "rules", "errors", "notes", "skipped", "image")

    def __init__(
        self,
        results: list[FileResult],
        rules: list[Rule],
        errors: list[str] | None = None,
        notes: list[str] | None = None,
        skipped: list[str] | None = None,
        image: ImageDetails | None = None,
    ) -> None:
        self.results = results
        self.rules = rules  # the rules that ran (for an image: the image rules, then the Dockerfile rules)
        self.errors: list[str] = [] if errors is None else errors  # problems not tied to one linted file; crashed rules
        self.notes: list[str] = [] if notes is None else notes  # things the user should know; not failures
        self.skipped: list[str] = [] if skipped is None else skipped  # what directory walks passed over, and why (--verbose only)
        self.image = image  # imagelint analyze

    @property
    def findings(self) -> list[Finding]:
        return sorted(self._each_finding(), key=Finding.sort_key)

    def _each_finding(self) -> Iterator[Finding]:
        """Every finding, in no particular order (for counting: sorting costs)."""
        return (f for r in self.results for f in r.findings)

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [r.error for r in self.results if r.error]

    def rules_for(self, result: FileResult) -> list[Rule]:
        """The rules that checked ``result``."""
        return [rule for rule in self.rules if rule.target == result.target]

    def count_at_or_above(self, threshold: Severity | None) -> int:
        if threshold is None:
            return 0
        return sum(1 for f in self._each_finding() if f.severity >= threshold)

    def summary(self) -> dict:
        findings = list(self._each_finding())
        by_severity = Counter(str(f.severity) for f in findings)
        return {
            "files": len(self.results),
            "files_with_findings": sum(1 for r in self.results if r.findings),
            "errors": len(self.all_errors),
            "findings": len(findings),
            "by_severity": {str(s): by_severity.get(str(s), 0) for s in sorted(Severity, reverse=True)},
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        }

    def to_dict(self, findings: object = None) -> dict:
        """The documented JSON contracts (docs/json-output.md), of a lint and of an image report;
        change only with a version bump. ``findings`` stands in for the list of the findings'
        exports when given (the JSON reporter gives their text, written straight from them)."""
        if findings is None:
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


