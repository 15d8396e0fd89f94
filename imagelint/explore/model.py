"""What ``imagelint explore`` shows, without a terminal: the layers with their findings, and the
file tree as of the selected layer, sorted and filtered. The Textual widgets (:mod:`.widgets`) only
draw what this gives, so the tests can check every answer without running an app.

The tree is the image's :class:`~imagelint.image.changes.ChangeIndex`, made once; a layer's tree is
one pass over the path indexes, and a directory's children are sorted only when it is opened. A
filter (change kinds, a path regex, only this layer's changes) is one pass too: which paths match,
and their parents, so that a directory is listed when something below it matches.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass

from imagelint.findings import Finding
from imagelint.image.analysis import LayerRow
from imagelint.image.changes import ADDED, CHANGE_KINDS, MODIFIED, REMOVED, ChangeIndex, LayerTree, TreeNode
from imagelint.image.model import ROOT
from imagelint.report import Report
from imagelint.terminal import printable
from imagelint.units import format_size

SORTS = ("name", "size")
MARKS = {ADDED: "+", MODIFIED: "~", REMOVED: "-", None: " "}
_KIND_TYPE = {"dir": stat.S_IFDIR, "symlink": stat.S_IFLNK, "file": stat.S_IFREG, "hardlink": stat.S_IFREG}


@dataclass(frozen=True, slots=True)
class LayerItem:
    """One layer of the layers pane: its analysis row and the findings about it."""

    row: LayerRow
    findings: tuple[Finding, ...]

    @property
    def index(self) -> int:
        return self.row.index  # type: ignore[return-value]


class ExploreModel:
    """The explorer's state: the selected layer, the sort, the filters (see the module docstring)."""

    def __init__(self, report: Report) -> None:
        details = report.image
        if details is None or details.changes is None or details.changes.index is None:
            raise ValueError("explore needs an image report made with its change index (keep_tree=True)")
        self.report = report
        self.analysis = details.analysis
        self.index: ChangeIndex = details.changes.index
        image_findings = [f for result in report.results for f in result.findings]
        rows = [row for row in self.analysis.layers if row.index is not None]
        self.layers = tuple(LayerItem(row, tuple(f for f in image_findings if _about(f, row))) for row in rows)
        self.selected = len(self.layers) - 1 if self.layers else -1  # the final image first
        self.sort = "name"
        self.changes: frozenset[str] = frozenset()  # change kinds shown; empty: all
        self.only_layer_changes = False
        self.pattern: re.Pattern | None = None
        self._keep: bytearray | None = None  # paths the filters keep (with their parents); None: all

    # --- the layers pane -------------------------------------------------------------------------

    @property
    def layer(self) -> LayerItem | None:
        return self.layers[self.selected] if 0 <= self.selected < len(self.layers) else None

    def select(self, position: int) -> None:
        if 0 <= position < len(self.layers) and position != self.selected:
            self.selected = position
            self._refilter()

    def layer_cells(self, item: LayerItem) -> tuple[str, str, str, str]:
        """Number, size, wasted bytes, command (one line, shortened)."""
        command = printable(item.row.command or "(no command recorded)").replace("\n", " ")
        return str(item.index), format_size(item.row.size), format_size(item.row.wasted_bytes), command[:200]

    def layer_details(self) -> list[str]:
        """The selected layer's command, Dockerfile line, counts and findings."""
        item = self.layer
        if item is None:
            return ["The image has no layers."]
        row = item.row
        lines = [f"Layer {row.index}  {format_size(row.size)}, {format_size(row.wasted_bytes)} wasted (hidden by later layers)"]
        if row.digest:
            lines.append(f"Digest: {row.digest}")
        lines.append(f"Command: {printable(row.command) if row.command else '(none recorded)'}")
        if self.report.image and self.report.image.dockerfile:
            where = f"line {row.dockerfile_line}" if row.dockerfile_line else "not matched"
            lines.append(f"Dockerfile: {printable(self.report.image.dockerfile)} {where}")
        lines.append(f"Files: {row.files_added} added, {row.files_modified} modified, {row.files_removed} removed")
        for hider, size in sorted(row.hidden_by.items()):
            lines.append(f"Layer {hider} hides {format_size(size)} of it")
        if item.findings:
            lines.append(f"Findings ({len(item.findings)}):")
            lines.extend(f"  {f.rule} {f.severity}: {printable(f.message)}" for f in item.findings)
        else:
            lines.append("No findings.")
        return lines

    # --- the file tree ---------------------------------------------------------------------------

    @property
    def tree(self) -> LayerTree | None:
        return self.index.tree(self.layer.index) if self.layer is not None else None

    @property
    def filtered(self) -> bool:
        return self._keep is not None

    def set_sort(self, sort: str) -> None:
        if sort not in SORTS:
            raise ValueError(sort)
        self.sort = sort

    def toggle_change(self, kind: str) -> None:
        """Show only ``kind`` (with the other kinds already chosen), or stop filtering on it."""
        self.changes = self.changes ^ {kind}
        self._refilter()

    def set_only_layer_changes(self, value: bool) -> None:
        self.only_layer_changes = value
        self._refilter()

    def set_pattern(self, text: str) -> str | None:
        """Filter paths by a regular expression (searched in the absolute path); '' clears. Returns
        the error when ``text`` is not a valid expression (the filter is then unchanged)."""
        if not text:
            self.pattern = None
        else:
            try:
                self.pattern = re.compile(text)
            except re.error as err:
                return f"not a regular expression: {err}"
        self._refilter()
        return None

    def children(self, path: int = ROOT) -> list[TreeNode]:
        """The nodes listed under ``path``, filtered and sorted (directories are not put first, as
        in dive's tree: by name or biggest first)."""
        tree = self.tree
        if tree is None:
            return []
        keep = self._keep
        found = [child for child in tree.children(path) if keep is None or keep[child]]
        if self.sort == "size":
            nodes = [tree.node(child) for child in found]
            nodes.sort(key=lambda node: (-node.size, node.name))
            return nodes
        names = self.index.paths.name
        found.sort(key=names)
        return [tree.node(child) for child in found]

    def label(self, node: TreeNode) -> str:
        """One line of the tree, dive's columns: change mark, ls-style mode, uid:gid, size, name, and
        what hides it. A directory no layer has an entry for shows ``?`` for its mode and owner."""
        mode = stat.filemode(_KIND_TYPE.get(node.kind, 0) | node.mode) if node.layer is not None else "d?????????"
        name = printable(node.name) + ("/" if node.is_dir else "")
        if node.link:
            name += " -> " + printable(node.link)
        # 11 wide: "65534:65534" (nobody) lines up with "0:0".
        parts = [MARKS[node.change], mode, f"{self.owner(node):>11}", f"{format_size(node.size):>9}", name]
        if node.is_dir and node.wasted_bytes:
            parts.append(f"({format_size(node.wasted_bytes)} wasted below)")
        if node.hidden_by is not None:
            parts.append(f"[hidden by layer {node.hidden_by}]")
        return " ".join(parts)

    def owner(self, node: TreeNode) -> str:
        """``uid:gid`` of the entry ``node`` shows: as of the selected layer, or, for a node that
        layer removed, as the layer below had it (the same entry :meth:`label`'s mode is from)."""
        tree = self.tree
        if tree is None or node.layer is None:
            return "?:?"
        index = self.index
        if node.change == REMOVED:
            slot = index.visible_slot(node.index, tree.layer - 1)
        else:
            slot = tree.shown[node.index]
        if slot < 0:
            return "?:?"
        entries, entry = index.image.layers[index.layers[slot]].entries, index.entries[slot]
        return f"{entries.uids[entry]}:{entries.gids[entry]}"

    def _refilter(self) -> None:
        """Which paths the filters keep in the selected layer's tree, and their parents."""
        tree = self.tree
        kinds = set(self.changes)
        if self.only_layer_changes and not kinds:
            kinds = set(CHANGE_KINDS)
        if tree is None or (not kinds and self.pattern is None):
            self._keep = None
            return
        index = self.index
        count = len(index.paths)
        codes = index.change_codes(tree.layer) if kinds else None
        wanted = {1 + CHANGE_KINDS.index(kind) for kind in kinds}
        keep = bytearray(count)
        parents, path_of, pattern = index.paths.parents, index.paths.path, self.pattern
        for path in range(1, count):
            if codes is not None:
                if codes[path] not in wanted:
                    continue
            elif not tree.present[path]:
                continue
            if pattern is not None and not pattern.search("/" + path_of(path)):
                continue
            while path > ROOT and not keep[path]:
                keep[path] = 1
                path = parents[path]
        self._keep = keep


def _about(finding: Finding, row: LayerRow) -> bool:
    """Whether an image finding is about the layer of ``row``: at its Dockerfile line when the
    layers were matched to the Dockerfile, else named the way image rules name a layer."""
    if row.dockerfile_line is not None and finding.line == row.dockerfile_line:
        return True
    return finding.message.startswith((f"layer {row.index} ", f"layer {row.index}:", f"layer {row.index},"))
