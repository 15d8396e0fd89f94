"""``--format text``: one line per finding (``path:line:col: CODE severity: message``), then a summary.

An image report (``imagelint analyze``) starts with the image's numbers: a layer table, the size by
top-level directory, the paths that waste most, the leftovers, and then its findings in the same
one-line form.

Everything that comes from the input (file names, messages quoting Dockerfile text, image and layer
names, recorded build commands, paths inside layers) goes through
:func:`imagelint.terminal.printable`: a control character in it is shown as ``\\x1b``, never sent
to the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from imagelint.findings import Severity
from imagelint.terminal import printable
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.report import ImageDetails, Report

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m", Severity.STYLE: "\033[2m"}
_RESET = "\033[0m"


def _location(finding) -> str:
    if finding.line is None:
        return printable(finding.file)
    return f"{printable(finding.file)}:{finding.line}:{finding.column or 1}"


def render(report: Report, stream: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    """``quiet`` (``--quiet``): the finding lines only, no summary (lint reports)."""
    if report.image is not None:
        _render_image(report, report.image, stream, color=color)
        return
    findings = report.findings
    current_file = None
    for finding in findings:
        if current_file is not None and finding.file != current_file:
            stream.write("\n")
        current_file = finding.file
        severity = str(finding.severity)
        if color:
            severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
        stream.write(f"{_location(finding)}: {finding.rule} {severity}: {printable(finding.message)}\n")
        if finding.fix:
            stream.write(f"    fix: {printable(finding.fix.shown)}\n")
    if quiet:
        return
    summary = report.summary()
    if findings:
        stream.write("\n")
        rows = []
        by_code = {f.rule: f for f in findings}
        for code, count in summary["by_rule"].items():
            sample = by_code[code]
            rows.append([code, sample.name, str(sample.severity), count])
        stream.write(_rule_counts_table(rows))
        stream.write("\n\n")
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    files = summary["files"]
    stream.write(
        f"{summary['findings']} finding{'s' if summary['findings'] != 1 else ''}"
        f"{f' ({counts})' if counts else ''} in {files} file{'s' if files != 1 else ''}\n"
    )


def _rule_counts_table(rows: list[list]) -> str:
    """The lint summary as tabulate's "simple" table draws it (texts left, counts right, each column
    at least its header plus two wide), without importing tabulate: a one-file lint starts faster."""
    headers = ["rule", "name", "severity", "count"]
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(header) + 2, *(len(row[i]) for row in cells)) for i, header in enumerate(headers)]

    def line(values: list[str]) -> str:
        *texts, count = values
        return "  ".join([*(text.ljust(width) for text, width in zip(texts, widths)), count.rjust(widths[-1])])

    return "\n".join([line(headers), "  ".join("-" * width for width in widths), *(line(row) for row in cells)])


# --- image reports ----------------------------------------------------------------------------------

TOP_PATHS = 10


def _render_image(report: Report, image: ImageDetails, stream: TextIO, *, color: bool) -> None:
    from tabulate import tabulate

    from imagelint.image.history import shorten

    analysis = image.analysis
    dive = analysis.dive
    platform = "/".join(part for part in (analysis.os, analysis.architecture) if part) or "unknown platform"
    stream.write(f"Image: {printable(analysis.name)} ({printable(analysis.id[:19])}, {printable(platform)}, "
                 f"created {printable(analysis.created or 'unknown')})\n")
    stream.write(
        f"Size: {format_size(analysis.size)} in {analysis.layer_count} layer{'s' if analysis.layer_count != 1 else ''}; "
        f"wasted {format_size(analysis.wasted_bytes)} ({analysis.wasted_percent:.2f}%); "
        f"efficiency {analysis.efficiency * 100:.2f}%\n"
    )
    user_wasted = dive.user_wasted_percent_or_none
    stream.write(
        f"dive's own numbers: dive's efficiency {dive.efficiency * 100:.4f} %, dive's wastedBytes {dive.wasted_bytes} "
        f"({format_size(dive.wasted_bytes)}), dive's userWastedPercent {'n/a (no bytes after the first layer)' if user_wasted is None else f'{user_wasted * 100:.4f} %'}\n\n"
    )

    rows = []
    for row in analysis.layers:
        command = printable(shorten(row.command, 60)) or "(no recorded command)"
        if row.empty:
            rows.append(["-", "0 B", "", "", f"{command} (no layer)", row.dockerfile_line or ""])
            continue
        changes = f"{row.files_added}/{row.files_modified}/{row.files_removed}"
        rows.append(
            [row.index, format_size(row.size), format_size(row.wasted_bytes), changes, command, row.dockerfile_line or ""]
        )
    stream.write(tabulate(rows, headers=["layer", "size", "wasted", "files +/~/-", "command", "line"], tablefmt="simple"))
    stream.write("\n")

    directories = analysis.directories
    if directories:
        stream.write("\nSize by top-level directory:\n")
        table = [
            [printable(d.path), format_size(d.size), format_size(d.wasted_bytes) if d.wasted_bytes else "", d.files]
            for d in directories[:TOP_PATHS]
        ]
        stream.write(tabulate(table, headers=["directory", "size", "wasted", "files"], tablefmt="simple"))
        stream.write("\n")
        if len(directories) > TOP_PATHS:
            stream.write(f"... and {len(directories) - TOP_PATHS} more (see --format json)\n")

    wasteful = [f for f in analysis.inefficient_files if f.wasted_bytes]
    if wasteful:
        stream.write("\nTop wasted paths:\n")
        table = [
            [format_size(f.wasted_bytes), f.count, ",".join(str(i) for i in f.layers), printable(f.path)]
            for f in wasteful[:TOP_PATHS]
        ]
        stream.write(tabulate(table, headers=["wasted", "copies", "layers", "path"], tablefmt="simple"))
        stream.write("\n")
        if len(wasteful) > TOP_PATHS:
            stream.write(f"... and {len(wasteful) - TOP_PATHS} more (see --format json)\n")

    if analysis.leftovers:
        stream.write("\nLeftovers:\n")
        table = [
            [printable(item.path), item.category, item.layer, format_size(item.bytes), item.files,
             format_size(item.hidden_bytes) if item.hidden_bytes else ""]
            for item in analysis.leftovers
        ]  # fmt: skip
        stream.write(tabulate(table, headers=["path", "kind", "layer", "bytes", "files", "hidden later"], tablefmt="simple"))
        stream.write("\n")

    stream.write("\n")
    for finding in report.findings:
        severity = str(finding.severity)
        if color:
            severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
        where = f"{finding.file}:{finding.line}" if finding.line is not None else finding.file
        stream.write(f"{printable(where)}: {finding.rule} {severity}: {printable(finding.message)}\n")
        if finding.fix:
            stream.write(f"    fix: {printable(finding.fix.shown)}\n")
    summary = report.summary()
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    total = summary["findings"]
    stream.write(f"{total} finding{'s' if total != 1 else ''}{f' ({counts})' if counts else ''}\n")
