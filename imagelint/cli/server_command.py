"""``imagelint server``: the language server, for editors."""

from __future__ import annotations

from typing import Annotated

import typer

from imagelint.cli.common import app


@app.command()
def server(
    stdio: Annotated[
        bool, typer.Option("--stdio", help="Accepted for clients that pass it: stdin/stdout is the only transport.")
    ] = False,
) -> None:
    """Run the imagelint language server (LSP over stdin/stdout) for your editor.

    It lints each open Dockerfile as you type (with the settings imagelint lint would use), offers
    the fixes as code actions ("Fix all safe imagelint findings" too) and shows a rule's docs on
    hover. Editors start it themselves: see docs/editors.md.

    Example (a client configuration's command):

      imagelint server
    """
    from imagelint.server import serve

    serve()
