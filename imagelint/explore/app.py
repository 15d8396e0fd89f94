"""The explorer's window: layers and the selected layer's details on the left, the file tree on the
right, a filter line and a status line below; keys as in dive (see :data:`.widgets.HELP`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from imagelint.explore.model import ExploreModel
from imagelint.explore.widgets import FileTree, HelpScreen, LayerDetails, LayersTable
from imagelint.image.changes import ADDED, MODIFIED, REMOVED
from imagelint.terminal import printable
from imagelint.units import format_size


class ExploreApp(App[None]):
    TITLE = "imagelint explore"
    CSS = """
    #left { width: 45%; }
    #layers { height: 1fr; }
    #details { height: auto; max-height: 50%; border-top: solid $accent; padding: 0 1; }
    #files { width: 1fr; border-left: solid $accent; }
    #filter { display: none; }
    #filter.shown { display: block; }
    #status { height: 1; background: $boost; padding: 0 1; }
    """
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("ctrl+a", "only('added')", "Added", show=False),
        Binding("ctrl+e", "only('modified')", "Modified", show=False),
        Binding("ctrl+r", "only('removed')", "Removed", show=False),
        Binding("ctrl+l", "layer_changes", "Layer changes"),
    ]

    def __init__(self, model: ExploreModel) -> None:
        super().__init__()
        self.model = model

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="left"):
                yield LayersTable(id="layers")
                yield LayerDetails(id="details")
            yield FileTree(self.model, id="files")
        yield Input(placeholder="path regex (enter applies, empty clears, escape leaves)", id="filter")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = printable(self.model.analysis.name)
        self.query_one(LayersTable).fill(self.model)
        self._show_layer()
        self.query_one(LayersTable).focus()

    # --- what changes the view ---------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row != self.model.selected:
            self.model.select(event.cursor_row)
            self._show_layer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        error = self.model.set_pattern(event.value)
        if error:
            self._status(error)
            return
        self.query_one(FileTree).rebuild()
        self._status()
        self.query_one(FileTree).focus()

    def on_key(self, event) -> None:
        if event.key == "escape" and self.focused is self.query_one("#filter", Input):
            self.query_one(FileTree).focus()
            event.stop()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.focus()

    def action_sort(self) -> None:
        self.model.set_sort("size" if self.model.sort == "name" else "name")
        self.query_one(FileTree).rebuild()
        self._status()

    def action_only(self, kind: str) -> None:
        self.model.toggle_change(kind)
        self.query_one(FileTree).rebuild()
        self._status()

    def action_layer_changes(self) -> None:
        self.model.set_only_layer_changes(not self.model.only_layer_changes)
        self.query_one(FileTree).rebuild()
        self._status()

    def _show_layer(self) -> None:
        self.query_one(LayerDetails).show(self.model)
        self.query_one(FileTree).rebuild()
        self._status()

    def _status(self, message: str | None = None) -> None:
        model = self.model
        if message is None:
            parts = [f"layer {model.layer.index}" if model.layer else "no layers", f"sorted by {model.sort}"]
            if model.changes:
                parts.append("only " + ", ".join(k for k in (ADDED, MODIFIED, REMOVED) if k in model.changes))
            elif model.only_layer_changes:
                parts.append("only this layer's changes")
            if model.pattern is not None:
                parts.append(f"paths matching {model.pattern.pattern}")
            tree = model.tree
            if tree is not None:
                parts.append(f"{format_size(tree.totals[0])} visible")
            message = "  |  ".join(parts) + "  |  ? help"
        self.query_one("#status", Static).update(Text(printable(message)))
