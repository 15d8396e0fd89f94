"""The explorer's Textual widgets. They draw what :class:`~imagelint.explore.model.ExploreModel`
gives and ask it again when something changes; none of them computes anything about the image.

Every text from the image (names, commands, findings) goes in as a ``rich.text.Text``, never as
markup: a file named ``[b]x`` is shown as it is.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, Tree
from textual.widgets.tree import TreeNode as WidgetNode

from imagelint.explore.model import ExploreModel
from imagelint.image.changes import ADDED, MODIFIED, REMOVED, TreeNode
from imagelint.image.model import ROOT

CHANGE_STYLES = {ADDED: "green", MODIFIED: "yellow", REMOVED: "red"}
HELP = """imagelint explore: keys

  tab / shift+tab   switch pane (layers, file tree, filter)
  up / down         move; in the layers pane, select the layer the tree shows
  space / enter     collapse or expand a directory
  shift+space       expand or collapse everything below
  /                 filter paths by a regular expression (enter applies, escape leaves)
  ctrl+a            show only added paths (again: stop)
  ctrl+e            show only modified paths (again: stop)
  ctrl+r            show only removed paths (again: stop)
  ctrl+l            show only what the selected layer changed (again: everything)
  s                 sort by size or by name
  ?                 this help
  q                 quit

Columns: change mark, mode, owner (uid:gid, numeric), size, name.
Marks: + added, ~ modified, - removed by the selected layer.
[hidden by layer N]: a later layer deletes or replaces the entry, so its bytes are wasted.
Directory sizes are the visible bytes below them; "wasted below" counts the hidden bytes
shipped below them by any layer.
"""


class LayersTable(DataTable):
    """One row per layer: number, size, wasted bytes, command."""

    def fill(self, model: ExploreModel) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("#", "size", "wasted", "command")
        for item in model.layers:
            self.add_row(*(Text(cell) for cell in model.layer_cells(item)), key=str(item.index))
        if model.layers:
            self.move_cursor(row=model.selected)


class LayerDetails(Static):
    """The selected layer's command, Dockerfile line and findings."""

    def show(self, model: ExploreModel) -> None:
        self.update(Text("\n".join(model.layer_details())))


class FileTree(Tree[int]):
    """The image's tree as of the selected layer. A directory's children are asked of the model
    when it is first opened; a refresh keeps the directories that were open."""

    BINDINGS = [Binding("space", "toggle_node", "Collapse/expand", show=False)]

    def __init__(self, model: ExploreModel, **kwargs) -> None:
        super().__init__(Text("/"), data=ROOT, **kwargs)
        self.model = model
        self.show_root = False
        self._loaded: set[int] = set()  # path indexes whose children were added
        self._open: set[int] = set()  # path indexes the user opened

    def rebuild(self) -> None:
        """Everything again, for another layer, sort or filter (only opened directories are filled)."""
        self.clear()
        self._loaded.clear()
        self.root.data = ROOT
        self._fill(self.root)
        self.root.expand()
        self.cursor_line = 0  # the first line, not none: the keys act at once

    def _fill(self, parent: WidgetNode[int]) -> None:
        path = parent.data if parent.data is not None else ROOT
        self._loaded.add(path)
        for node in self.model.children(path):
            label = self._label(node)
            if node.is_dir:
                child = parent.add(label, data=node.index, allow_expand=True)
                if node.index in self._open:
                    self._fill(child)
                    child.expand()
            else:
                parent.add_leaf(label, data=node.index)

    def _label(self, node: TreeNode) -> Text:
        text = Text(self.model.label(node))
        style = CHANGE_STYLES.get(node.change or "")
        if style:
            text.stylize(style)
        elif node.hidden_by is not None:
            text.stylize("dim")
        return text

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        node = event.node
        if node.data is None or node is self.root:
            return
        self._open.add(node.data)
        if node.data not in self._loaded:
            self._fill(node)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed) -> None:
        if event.node.data is not None:
            self._open.discard(event.node.data)


class HelpScreen(ModalScreen[None]):
    """The keys, dive's where they can be; any of escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 80%; border: round $accent; background: $surface; padding: 0 1; }
    """

    def compose(self):
        with VerticalScroll():
            yield Static(Text(HELP), id="help-text")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
