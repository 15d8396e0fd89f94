"""Progress on a terminal while an image is read or pulled: one bar per layer (or per archive), on
stderr, from the events the sources send through ``LoadOptions.on_progress``.

Events are the daemon's pull events and the same shape for reading: ``{"id": "3f4a…" | "image.tar",
"status": "Reading", "progressDetail": {"current": bytes, "total": bytes}}``. Shown only when
stderr is a terminal and no ``CI`` variable is set (CI logs do not redraw lines, they fill up),
never with ``--quiet``; stdout keeps the report.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from imagelint.terminal import printable


def progress_wanted(stream: TextIO, *, quiet: bool = False) -> bool:
    """Whether to draw progress on ``stream``: a terminal, outside CI, not ``--quiet``."""
    if quiet or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextlib.contextmanager
def read_progress(*, quiet: bool = False, stream: TextIO | None = None) -> Iterator[Callable[[dict], None] | None]:
    """A callback for the sources' progress events that draws bars on ``stream`` (default stderr);
    None when no progress is wanted (:func:`progress_wanted`), so sources skip the counting."""
    stream = stream if stream is not None else sys.stderr
    if not progress_wanted(stream, quiet=quiet):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    tasks: dict[str, int] = {}
    console = Console(file=stream, force_terminal=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), transient=True, console=console) as progress:

        def on_event(event: dict) -> None:
            name, detail = event.get("id"), event.get("progressDetail") or {}
            total = detail.get("total")
            if not name or not total:
                return
            shown = str(name) if len(str(name)) <= 40 else "…" + str(name)[-39:]  # a path's end names the file
            description = printable(f"{shown} {event.get('status', '')}".strip())
            if name not in tasks:
                tasks[name] = progress.add_task(description, total=total)
            progress.update(tasks[name], completed=min(detail.get("current", 0), total), description=description)

        yield on_event
