"""What every analysis produces: findings with a severity, a place and a suggested fix."""

from __future__ import annotations

import enum
from typing import NamedTuple

from imagelint.fixes import Fix


class Severity(enum.IntEnum):
    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity '{text}' (use error, warning, info or style)") from None

    def __str__(self) -> str:
        return self.name.lower()


FAMILIES = (
    "cache-order",
    "layer-merging",
    "dockerignore",
    "multi-stage",
    "base-image",
    "package-hygiene",
    "security",
    "correctness",
    "image",
)


class Finding(NamedTuple):
    rule: str
    name: str
    family: str
    severity: Severity
    message: str
    file: str
    line: int | None
    end_line: int | None
    column: int | None
    fix: Fix | None = None

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.rule)

    def to_dict(self) -> dict:
        """The public JSON shape of a finding (documented in docs/json-output.md)."""
        return {
            "rule": self.rule,
            "name": self.name,
            "family": self.family,
            "severity": str(self.severity),
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "end_line": self.end_line,
            "column": self.column,
            "fix": self.fix.to_dict() if self.fix is not None else None,
        }
