"""How ``imagelint diff`` shows an :class:`~imagelint.image.diff.ImageDiff`: text for a terminal,
json (``imagelint/schemas/diff-report.schema.json``), markdown for a pull-request comment, and html
(:mod:`.diff_html_format`). Each renders the finished diff and computes nothing of its own.

Text from the images (paths, commands, names, config values) goes through
:func:`imagelint.terminal.printable` in text and markdown, so no control character reaches a
terminal or a comment; markdown also quotes it so that no path can become a link, a table cell or
an HTML tag.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, TextIO

from imagelint.terminal import printable
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.diff import Change, ConfigChange, ImageDiff, LayerRef

DIFF_FORMATS = ("text", "json", "html", "markdown")
TEXT_FILE_ROWS = 30  # file changes a terminal shows (every listed one is in json, html and markdown)
MARKDOWN_FILE_ROWS = 50  # a comment stays readable; the rest is counted
_RED, _GREEN, _RESET = "\033[31m", "\033[32m", "\033[0m"


def render_diff(format_name: str, diff: ImageDiff, stream: TextIO, *, color: bool = False) -> None:
    if format_name == "html":
        from imagelint.reporters.diff_html_format import render_html

        stream.write(render_html(diff))
    elif format_name == "json":
        json.dump(diff.to_dict(), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif format_name == "markdown":
        stream.write(render_markdown(diff))
    elif format_name == "text":
        stream.write(render_text(diff, color=color))
    else:
        raise ValueError(f"unknown diff format {format_name!r}")


# --- words both texts use --------------------------------------------------------------------------


def signed_size(delta: int) -> str:
    """``+1.2 MB``, ``-300 kB``, ``0 B``."""
    return ("+" if delta > 0 else "") + format_size(delta)


def signed_percent(change: Change) -> str:
    percent = change.percent
    if percent == float("inf"):
        return "new"
    return f"{percent:+.1f} %"


def change_text(change: Change) -> str:
    """``1.1 kB -> 1.3 kB (+160 B, +13.9 %)``."""
    return f"{format_size(change.before)} -> {format_size(change.after)} ({signed_size(change.delta)}, {signed_percent(change)})"


def layer_name(layer: LayerRef) -> str:
    digest = f" {layer.digest[:19]}" if layer.digest else ""
    return f"layer {layer.index}{digest}"


def config_text(change: ConfigChange, quote) -> str:
    """``ENV MODE: dev -> prod``, ``EXPOSE 8080/tcp added``, ``USER: app -> (unset)``."""
    name = change.setting if change.key is None else f"{change.setting} {quote(change.key)}"
    if change.setting == "EXPOSE":
        return f"{name} {'added' if change.after is not None else 'removed'}"
    old = "(unset)" if change.before is None else quote(change.before)
    new = "(unset)" if change.after is None else quote(change.after)
    return f"{name}: {old} -> {new}"


def file_summary(diff: ImageDiff) -> str:
    """``2 added (+1.0 MB), 1 removed (-50 B), 1 grown (+200 B), 0 shrunk``."""
    parts = []
    for kind, totals in diff.file_totals:
        parts.append(f"{totals.count} {kind}" + (f" ({signed_size(totals.bytes)})" if totals.count else ""))
    return ", ".join(parts)


def headline(diff: ImageDiff) -> str:
    if diff.identical:
        return "the images have the same layers, files and config"
    return (f"size {change_text(diff.size)}; {len(diff.shared_layers)} layers shared, {len(diff.added_layers)} added, "
            f"{len(diff.removed_layers)} removed; {diff.changed_files} files changed")  # fmt: skip


# --- text ------------------------------------------------------------------------------------------


def render_text(diff: ImageDiff, *, color: bool = False) -> str:
    def paint(text: str, delta: int) -> str:
        if not color or delta == 0:
            return text
        return f"{_RED if delta > 0 else _GREEN}{text}{_RESET}"

    out: list[str] = []
    for label, side in (("A", diff.before), ("B", diff.after)):
        out.append(f"{label}: {printable(side.name)}  {side.id[:19]}  {side.platform}  {side.layer_count} layers  "
                   f"{format_size(side.size)}  {side.files} files")  # fmt: skip
    out.append("")
    out.append(f"Size:          {paint(change_text(diff.size), diff.size.delta)}")
    out.append(f"Wasted bytes:  {paint(change_text(diff.wasted_bytes), diff.wasted_bytes.delta)}")
    out.append(f"Layers:        {len(diff.shared_layers)} shared, {len(diff.added_layers)} added, {len(diff.removed_layers)} removed")
    if diff.changed_steps:
        out += ["", "Build steps whose layer changed:"]
        for step in diff.changed_steps:
            out.append(f"  {paint(signed_size(step.delta).rjust(10), step.delta)}  {format_size(step.before.size)} -> "
                       f"{format_size(step.after.size)}  layer {step.before.index} -> {step.after.index}  {printable(step.command)}")  # fmt: skip
    for title, layers in (("Layers only in B", diff.added_layers), ("Layers only in A", diff.removed_layers)):
        if layers:
            out += ["", f"{title}:"]
            out += [f"  {layer_name(layer)}  {format_size(layer.size).rjust(9)}  {printable(layer.command)}" for layer in layers]
    out += ["", f"Files:         {file_summary(diff)}"]
    shown = diff.file_changes[:TEXT_FILE_ROWS]
    for change in shown:
        sizes = f"{format_size(change.before) if change.before is not None else '-'} -> {format_size(change.after) if change.after is not None else '-'}"
        out.append(f"  {change.kind:<7} {paint(signed_size(change.delta).rjust(10), change.delta)}  {sizes:<22} {printable(change.path)}")
    more = diff.changed_files - len(shown)
    if more:
        out.append(f"  ... and {more} more (--format json or html lists up to --max-changes {diff.max_changes})")
    if diff.directories:
        out += ["", "Directories by growth:"]
        for row in diff.directories:
            out.append(f"  {paint(signed_size(row.delta).rjust(10), row.delta)}  {format_size(row.before)} -> {format_size(row.after)}  {printable(row.path)}")
    if diff.config:
        out += ["", "Config:"]
        out += [f"  {config_text(change, printable)}" for change in diff.config]
    if diff.findings:
        out.append("")
        for finding in diff.findings:
            severity = f"{_RED}{finding.severity}{_RESET}" if color else finding.severity
            out.append(f"{finding.rule} {severity}: {printable(finding.message)}")
    elif diff.budget is not None:
        out += ["", f"Within --max-growth {diff.budget.text}."]
    if diff.identical:
        out += ["", "The images have the same layers, files and config."]
    return "\n".join(out) + "\n"


# --- markdown --------------------------------------------------------------------------------------

_BACKTICKS = re.compile(r"`+")


def md_code(text: str) -> str:
    """``text`` as an inline code span that stays one table cell: no link, tag or emphasis."""
    value = printable(str(text)).replace("\n", " ").replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICKS.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def render_markdown(diff: ImageDiff) -> str:
    out: list[str] = ["### imagelint diff", ""]
    for finding in diff.findings:
        out += [f"> **{finding.rule} {finding.severity}**: {md_text(finding.message)}", ""]
    if diff.budget is not None and not diff.findings:
        out += [f"Within `--max-growth {md_text(diff.budget.text)}`.", ""]
    out += [
        "| | A | B | change |",
        "|---|---|---|---|",
        f"| image | {md_code(diff.before.name)} | {md_code(diff.after.name)} | |",
        f"| size | {format_size(diff.size.before)} | {format_size(diff.size.after)} | **{signed_size(diff.size.delta)}** ({signed_percent(diff.size)}) |",
        f"| wasted bytes | {format_size(diff.wasted_bytes.before)} | {format_size(diff.wasted_bytes.after)} | {signed_size(diff.wasted_bytes.delta)} |",
        f"| layers | {diff.before.layer_count} | {diff.after.layer_count} | {len(diff.shared_layers)} shared, {len(diff.added_layers)} added, {len(diff.removed_layers)} removed |",
        f"| files | {diff.before.files} | {diff.after.files} | {file_summary(diff)} |",
        "",
    ]
    if diff.identical:
        out += ["The images have the same layers, files and config.", ""]
    if diff.changed_steps:
        out += ["**Build steps whose layer changed**", "", "| step | A | B | change |", "|---|---|---|---|"]
        out += [f"| {md_code(step.command or '(not recorded)')} | {format_size(step.before.size)} | {format_size(step.after.size)} | {signed_size(step.delta)} |"
                for step in diff.changed_steps]  # fmt: skip
        out.append("")
    if diff.directories:
        out += ["**Directories by growth**", "", "| directory | A | B | change |", "|---|---|---|---|"]
        out += [f"| {md_code(row.path)} | {format_size(row.before)} | {format_size(row.after)} | {signed_size(row.delta)} |" for row in diff.directories]
        out.append("")
    if diff.file_changes:
        shown = diff.file_changes[:MARKDOWN_FILE_ROWS]
        out += ["<details><summary>Files changed</summary>", "", "| change | path | A | B | delta |", "|---|---|---|---|---|"]
        for change in shown:
            before = format_size(change.before) if change.before is not None else "–"
            after = format_size(change.after) if change.after is not None else "–"
            out.append(f"| {change.kind} | {md_code(change.path)} | {before} | {after} | {signed_size(change.delta)} |")
        more = diff.changed_files - len(shown)
        if more:
            out += ["", f"… and {more} more."]
        out += ["", "</details>", ""]
    layers = [("only in B", layer) for layer in diff.added_layers] + [("only in A", layer) for layer in diff.removed_layers]
    if layers:
        out += ["<details><summary>Layers added and removed</summary>", "", "| | layer | size | step |", "|---|---|---|---|"]
        out += [f"| {where} | {md_code(layer_name(layer))} | {format_size(layer.size)} | {md_code(layer.command or '(not recorded)')} |"
                for where, layer in layers]  # fmt: skip
        out += ["", "</details>", ""]
    if diff.config:
        out += ["**Config**", ""]
        out += [f"- {config_text(change, md_code)}" for change in diff.config]
        out.append("")
    return "\n".join(out)


def md_text(text: str) -> str:
    """Prose from the diff (a finding's message) with markdown's and HTML's special characters escaped."""
    value = printable(str(text)).replace("\n", " ")
    return re.sub(r"([\\`*_\[\]|<>~])", r"\\\1", value)
