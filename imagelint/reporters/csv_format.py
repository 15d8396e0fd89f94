"""``--format csv``: a table for a spreadsheet or a script, one header row, columns that never move.

- ``imagelint analyze``: one row per layer (:data:`LAYER_COLUMNS`); with ``--files``, one row per
  entry of every layer instead (:data:`FILE_COLUMNS`);
- ``imagelint lint``: one row per finding (:data:`FINDING_COLUMNS`).

RFC 4180 quoting, ``\\r\\n`` line ends (what the csv module writes, and spreadsheets expect). A
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``
so that a spreadsheet shows it instead of running it as a formula (paths and commands come from the
image). Numbers are plain integers; a missing value is an empty cell. docs/reports.md documents
the columns; adding one goes at the end.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from imagelint.report import ImageDetails, Report

LAYER_COLUMNS = ("index", "digest", "size", "wasted_bytes", "files_added", "files_modified", "files_removed", "command", "dockerfile_line")
FILE_COLUMNS = ("layer", "path", "kind", "size", "mode", "change", "uid", "gid")  # new columns go last: scripts index them
FINDING_COLUMNS = ("file", "line", "column", "rule", "severity", "message")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    writer = csv.writer(stream)
    if report.image is None:
        writer.writerow(FINDING_COLUMNS)
        for finding in report.findings:
            writer.writerow([_cell(finding.file), _number(finding.line), _number(finding.column), finding.rule,
                             str(finding.severity), _cell(finding.message)])  # fmt: skip
        return
    if report.image.files is not None:
        _file_rows(report.image, writer)
        return
    writer.writerow(LAYER_COLUMNS)
    for row in report.image.analysis.layers:
        if row.empty or row.index is None:
            continue  # a history entry that made no layer (ENV, LABEL...): no bytes to show
        writer.writerow([row.index, row.digest or "", row.size, row.wasted_bytes, row.files_added, row.files_modified,
                         row.files_removed, _cell(row.command), _number(row.dockerfile_line)])  # fmt: skip


def _file_rows(image: ImageDetails, writer) -> None:
    writer.writerow(FILE_COLUMNS)
    for row in image.files:  # type: ignore[union-attr]
        writer.writerow([row.layer, _cell(row.path), row.kind, row.size, f"{row.mode:04o}", row.change, row.uid, row.gid])


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number(value: int | None) -> str | int:
    return "" if value is None else value
