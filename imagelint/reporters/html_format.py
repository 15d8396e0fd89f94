"""``--format html``: one self-contained page (inline CSS, JS and SVG; nothing fetched) to open and share.

The page answers "how bad is it and what do I fix first" at the top, then shows every finding with
the Dockerfile lines around it (secret values masked), filters by severity and family, and each
rule's documentation on demand. An image report adds the per-layer size chart (visible and wasted
bytes, with each layer's command and Dockerfile line, and the layer's file tree built by the page's
script when opened, from data in one attribute), the wasted bytes grouped by directory, leftovers and
the size by top-level directory with its wasted part.

Everything shown comes from untrusted input (Dockerfiles, file names in layers, labels), so the
templates are rendered with autoescaping on, and a Content-Security-Policy allows only this page's
own script (by hash) and no network access at all, as a second line of defence.

This is the only module that imports jinja2.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, TextIO

from imagelint import __version__
from imagelint.findings import Finding, Severity
from imagelint.fingerprint import relative_path
from imagelint.image.file_tree import wasted_by_directory
from imagelint.reporters._common import Sources, on_image
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.analysis import Analysis, LayerRow
    from imagelint.report import ImageDetails, Report

TEMPLATES = "imagelint.templates"
SEVERITIES = [str(s) for s in sorted(Severity, reverse=True)]  # error first
FIX_FIRST = 5  # rules listed under "fix first"
TOP_PATHS = 15  # rows of the wasted-paths and largest-files tables
BAR_WIDTH = 1000  # SVG user units of the widest bar


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    stream.write(render_page(report))


def render_page(report: Report) -> str:
    environment = _environment()
    script = _resource("report.js")
    context = {
        "version": __version__,
        "css": _markup(_resource("report.css")),
        "script": _markup(script),
        "csp": _content_security_policy(script),
        "severities": SEVERITIES,
    }
    if report.image is not None:
        context.update(_image_view(report, report.image))
        template = "analyze.html.j2"
    else:
        context.update(_lint_view(report))
        template = "lint.html.j2"
    return environment.get_template(template).render(context)


def _environment():
    import jinja2

    def load(name: str) -> str | None:
        try:
            return _resource(name)
        except FileNotFoundError:
            return None

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _resource(name: str) -> str:
    return resources.files(TEMPLATES).joinpath(name).read_text(encoding="utf-8")


def _markup(text: str):
    from markupsafe import Markup

    if "</" in text:  # would end the inline <style>/<script> element early
        raise ValueError("inline CSS/JS must not contain '</'")
    return Markup(text)


def _content_security_policy(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


# --- the parts both pages share ---------------------------------------------------------------------


@dataclass
class FindingView:
    finding: Finding
    where: str  # "line 3, column 5" or "" for a finding on a whole file or the image
    excerpt: list[tuple[int, str, bool]]

    def __getattr__(self, name: str):  # rule, name, family, severity, message, fix, line...
        return getattr(self.finding, name)

    @property
    def severity_name(self) -> str:
        return str(self.finding.severity)


def _where(finding: Finding) -> str:
    if finding.line is None:
        return ""
    where = f"line {finding.line}"
    if finding.end_line and finding.end_line != finding.line:
        where = f"lines {finding.line}–{finding.end_line}"
    if finding.column is not None:
        where += f", column {finding.column}"
    return where


def _finding_view(finding: Finding, sources: Sources) -> FindingView:
    return FindingView(finding, _where(finding), sources.excerpt(finding))


def _severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(str(f.severity) for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def _weight(counts: dict[str, int]) -> tuple[int, ...]:
    return tuple(counts[s] for s in SEVERITIES)


def _fix_first(findings: list[Finding], rules: dict) -> list[dict]:
    """The rules to fix first: worst severity, then most findings."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    ranked = sorted(by_rule.items(), key=lambda item: (-max(f.severity for f in item[1]), -len(item[1]), item[0]))
    top = []
    for code, found in ranked[:FIX_FIRST]:
        rule = rules.get(code)
        places = sorted({relative_path(f.file) for f in found})
        top.append(
            {
                "code": code,
                "name": found[0].name,
                "severity": str(max(f.severity for f in found)),
                "count": len(found),
                "summary": rule.summary if rule is not None else "",
                "places": places,
                "example": found[0],
            }
        )
    return top


def _families(findings: list[Finding]) -> list[tuple[str, int]]:
    return sorted(Counter(f.family for f in findings).items())


def _rule_docs(findings: list[Finding], rules: dict) -> list[dict]:
    docs = []
    for code in sorted({f.rule for f in findings}):
        rule = rules.get(code)
        if rule is None:
            continue
        equivalents = ", ".join(f"{tool} {' '.join(ids)}" for tool, ids in rule.equivalents().items() if ids)
        docs.append(
            {
                "code": code,
                "name": rule.name,
                "family": rule.family,
                "severity": str(rule.severity),
                "summary": rule.summary,
                "markdown": rule.doc.markdown,
                "equivalents": equivalents,
            }
        )
    return docs


def _common_view(report: Report, findings: list[Finding]) -> dict:
    rules = {rule.code: rule for rule in report.rules}
    counts = _severity_counts(findings)
    return {
        "counts": counts,
        "total": len(findings),
        "fix_first": _fix_first(findings, rules),
        "families": _families(findings),
        "rule_docs": _rule_docs(findings, rules),
        "errors": report.all_errors,
        "notes": report.notes,
        "verdict": _verdict(counts),
    }


def _verdict(counts: dict[str, int]) -> dict:
    worst = next((s for s in SEVERITIES if counts[s]), None)
    if worst is None:
        return {"level": "clean", "text": "No findings"}
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s in ('error', 'warning') else ''}" for s in SEVERITIES if counts[s]]
    return {"level": worst, "text": ", ".join(parts)}


# --- lint -----------------------------------------------------------------------------------------------


def _lint_view(report: Report) -> dict:
    sources = Sources(report)
    findings = report.findings
    files = []
    for result in report.results:
        result_findings = sorted(result.findings, key=Finding.sort_key)
        counts = _severity_counts(result_findings)
        files.append(
            {
                "file": result.file,
                "error": result.error,
                "counts": counts,
                "total": len(result_findings),
                "findings": [_finding_view(f, sources) for f in result_findings],
            }
        )
    files.sort(key=lambda f: (f["error"] is None, tuple(-n for n in _weight(f["counts"])), f["file"]))
    view = _common_view(report, findings)
    view.update(
        {
            "title": "imagelint lint report",
            "subject": ", ".join(r.file for r in report.results[:3]) + (" …" if len(report.results) > 3 else ""),
            "files": files,
            "files_with_findings": sum(1 for f in files if f["total"]),
        }
    )
    return view


# --- analyze ----------------------------------------------------------------------------------------------


def _image_view(report: Report, image: ImageDetails) -> dict:
    analysis = image.analysis
    sources = Sources(report)
    findings = list(report.findings)
    layers = [row for row in analysis.layers if not row.empty]
    biggest = max((row.size for row in layers), default=0)
    tree = image.changes.file_tree if image.changes is not None else None
    chart = []
    for row in layers:
        wasted = min(row.wasted_bytes, row.size)
        visible_width = (row.size - wasted) * BAR_WIDTH / biggest if biggest else 0
        wasted_width = wasted * BAR_WIDTH / biggest if biggest else 0
        chart.append(
            {
                "index": row.index,
                "size": format_size(row.size),
                "wasted": format_size(wasted) if wasted else "",
                "wasted_bytes": wasted,
                "wasted_percent": f"{100 * wasted / row.size:.0f}%" if row.size and wasted else "",
                "visible_width": f"{visible_width:.2f}",
                "wasted_width": f"{wasted_width:.2f}",
                "wasted_x": f"{visible_width:.2f}",
                "command": row.command or "(no recorded command)",
                "line": row.dockerfile_line,
                "changes": _changes(row),
                "tree_changes": len(tree.changes.get(row.index, ())) // 4 if tree is not None else 0,
            }
        )
    steps = [
        {
            "index": "–" if row.index is None else row.index,
            "size": format_size(row.size),
            "wasted": format_size(row.wasted_bytes) if row.wasted_bytes else "",
            "command": row.command or "(no recorded command)",
            "line": row.dockerfile_line,
            "empty": row.empty,
        }
        for row in analysis.layers
    ]
    # Hundreds of small wasted files in one folder are one row: "/data/many/ 1,186 files, 14.0 MB".
    groups, more_groups = wasted_by_directory(((f.path, f.wasted_bytes) for f in analysis.inefficient_files), TOP_PATHS)
    wasted_paths = [{"path": g.path, "files": f"{g.files:,}", "wasted": format_size(g.wasted_bytes)} for g in groups]
    leftovers = [
        {
            "path": item.path,
            "category": item.category,
            "layer": item.layer,
            "size": format_size(item.bytes),
            "files": item.files,
            "hidden": format_size(item.hidden_bytes) if item.hidden_bytes else "",
        }
        for item in analysis.leftovers
    ]
    largest = [{"path": f.path, "size": format_size(f.size), "layer": f.layer} for f in analysis.largest_files[:TOP_PATHS]]
    dive = analysis.dive
    user_wasted = dive.user_wasted_percent_or_none
    image_findings = [f for f in findings if on_image(report, f)]
    placed = [f for f in findings if not on_image(report, f)]
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in placed:
        by_file[finding.file].append(finding)
    groups = []
    if image_findings:
        groups.append({"file": analysis.name, "findings": [_finding_view(f, sources) for f in image_findings],
                       "counts": _severity_counts(image_findings), "total": len(image_findings), "error": None})  # fmt: skip
    for file, group in sorted(by_file.items()):
        groups.append({"file": relative_path(file), "findings": [_finding_view(f, sources) for f in sorted(group, key=Finding.sort_key)],
                       "counts": _severity_counts(group), "total": len(group), "error": None})  # fmt: skip
    view = _common_view(report, findings)
    view.update(
        {
            "title": f"imagelint image report: {analysis.name}",
            "subject": analysis.name,
            "image": {
                "name": analysis.name,
                "id": analysis.id,
                "platform": "/".join(p for p in (analysis.os, analysis.architecture) if p) or "unknown platform",
                "created": analysis.created or "unknown",
                "size": format_size(analysis.size),
                "wasted": format_size(analysis.wasted_bytes),
                "wasted_percent": f"{analysis.wasted_percent:.1f}%",
                "efficiency": f"{analysis.efficiency * 100:.1f}%",
                "layer_count": analysis.layer_count,
                "dockerfile": relative_path(image.dockerfile) if image.dockerfile else None,
                "dive_efficiency": f"{dive.efficiency * 100:.2f}%",
                "dive_wasted": format_size(dive.wasted_bytes),
                "dive_user_wasted": "n/a" if user_wasted is None else f"{user_wasted * 100:.2f}%",
            },
            "chart": chart,
            "bar_width": BAR_WIDTH,
            "worst_layers": sorted((c for c in chart if c["wasted"]), key=lambda c: c["wasted_bytes"], reverse=True)[:3],
            "steps": steps,
            "wasted_paths": wasted_paths,
            "more_wasted_paths": more_groups,
            "file_tree": _tree_data(tree) if tree is not None else None,
            "leftovers": leftovers,
            "largest": largest,
            "directories": _directories(analysis),
            "files": groups,
        }
    )
    return view


def _changes(row: LayerRow) -> str:
    counts = (("added", row.files_added), ("modified", row.files_modified), ("removed", row.files_removed))
    parts = [f"{count} {what}" for what, count in counts if count]
    return f"files: {', '.join(parts)}" if parts else "no file changes"


def _directories(analysis: Analysis) -> list[dict]:
    """Size by top-level directory: a bar of the visible bytes, then the wasted ones, on one scale."""
    rows = []
    biggest = max((d.size + d.wasted_bytes for d in analysis.directories), default=0)
    for item in analysis.directories:
        width = item.size * BAR_WIDTH / biggest if biggest else 0
        rows.append(
            {
                "path": item.path,
                "size": format_size(item.size),
                "wasted": format_size(item.wasted_bytes) if item.wasted_bytes else "",
                "width": f"{width:.2f}",
                "wasted_x": f"{width:.2f}",
                "wasted_width": f"{item.wasted_bytes * BAR_WIDTH / biggest:.2f}" if biggest else "0",
            }
        )
    return rows


def _tree_data(tree) -> str:
    """Every layer's changed paths as JSON, for the page's script to build the file trees from when a
    layer's tree is opened. It goes in an attribute, autoescaped like any other text."""
    import json

    return json.dumps(tree.to_dict(), ensure_ascii=False, separators=(",", ":"))
