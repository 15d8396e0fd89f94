"""``imagelint diff --format html``: the two images side by side on one self-contained page.

The page is the frame of every imagelint HTML report (``page.html.j2``: inline CSS and script,
the same Content-Security-Policy, nothing fetched) around ``diff.html.j2``. Paths, commands and
config values come from the images, so the template is rendered with autoescaping on; jinja2
itself stays behind :mod:`.html_format`'s environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imagelint import __version__
from imagelint.reporters.diff_formats import file_summary, signed_percent, signed_size
from imagelint.reporters.html_format import _content_security_policy, _environment, _markup, _resource
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.diff import ImageDiff, ImageSide, LayerRef


def render_html(diff: ImageDiff) -> str:
    script = _resource("report.js")
    context = {
        "version": __version__,
        "css": _markup(_resource("report.css") + "\n" + _resource("diff.css")),
        "script": _markup(script),
        "csp": _content_security_policy(script),
        "title": f"imagelint diff: {diff.before.name} → {diff.after.name}",
        **_view(diff),
    }
    return _environment().get_template("diff.html.j2").render(context)


def _trend(delta: int) -> str:
    return "grew" if delta > 0 else "shrank" if delta < 0 else ""


def _size_or_dash(size: int | None) -> str:
    return "–" if size is None else format_size(size)


def _side(label: str, side: ImageSide) -> dict:
    return {"label": label, "name": side.name, "id": side.id, "platform": side.platform, "size": format_size(side.size),
            "wasted": format_size(side.wasted_bytes), "layer_count": side.layer_count, "files": side.files}  # fmt: skip


def _layers(layers: tuple[LayerRef, ...], different: tuple[LayerRef, ...], state: str) -> list[dict]:
    marked = {layer.index for layer in different}
    return [{"index": layer.index, "size": format_size(layer.size), "command": layer.command or "(not recorded)",
             "state": state if layer.index in marked else "shared"} for layer in layers]  # fmt: skip


def _view(diff: ImageDiff) -> dict:
    if diff.findings:
        verdict = {"level": "error", "text": "Grew past the size budget"}
    elif diff.identical:
        verdict = {"level": "clean", "text": "No change"}
    else:
        verdict = {"level": "warning" if diff.size.delta > 0 else "clean",
                   "text": f"{signed_size(diff.size.delta)} ({signed_percent(diff.size)})"}  # fmt: skip
    return {
        "before": diff.before,
        "after": diff.after,
        "verdict": verdict,
        "findings": diff.findings,
        "budget": diff.budget.text if diff.budget is not None else None,
        "size": {"delta": signed_size(diff.size.delta), "percent": signed_percent(diff.size), "trend": _trend(diff.size.delta)},
        "wasted": {"delta": signed_size(diff.wasted_bytes.delta), "trend": _trend(diff.wasted_bytes.delta)},
        "layer_counts": {"shared": len(diff.shared_layers), "added": len(diff.added_layers), "removed": len(diff.removed_layers)},
        "file_count": diff.changed_files,
        "sides": [_side("A", diff.before), _side("B", diff.after)],
        "layer_columns": [
            {"label": "A", "layers": _layers(diff.before_layers, diff.removed_layers, "removed")},
            {"label": "B", "layers": _layers(diff.after_layers, diff.added_layers, "added")},
        ],
        "steps": [{"command": step.command or "(not recorded)", "before": format_size(step.before.size),
                   "after": format_size(step.after.size), "delta": signed_size(step.delta), "trend": _trend(step.delta)}
                  for step in diff.changed_steps],  # fmt: skip
        "directories": [{"path": row.path, "before": format_size(row.before), "after": format_size(row.after),
                         "delta": signed_size(row.delta), "trend": _trend(row.delta)} for row in diff.directories],  # fmt: skip
        "file_summary": file_summary(diff),
        "files": [{"kind": change.kind, "path": change.path, "before": _size_or_dash(change.before), "after": _size_or_dash(change.after),
                   "delta": signed_size(change.delta), "trend": _trend(change.delta)} for change in diff.file_changes],  # fmt: skip
        "files_left_out": diff.files_left_out,
        "max_changes": diff.max_changes,
        "config": diff.config,
    }

