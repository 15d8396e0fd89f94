"""``imagelint server``: a Language Server (LSP over stdio) that gives editors imagelint's findings
as diagnostics, its fixes as code actions and its rule docs on hover.

- :mod:`~imagelint.server.protocol`: imagelint's positions (1-based, characters) to LSP's
  (0-based, UTF-16 code units by default) and back; pure.
- :mod:`~imagelint.server.linting`: linting and fixing a document's text in memory, rule lookups; no LSP.
- :mod:`~imagelint.server.server`: the pygls server and its handlers.

Only this package imports ``pygls``/``lsprotocol``, and only when the server runs, so
``imagelint lint`` never pays for them.
"""

from __future__ import annotations


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit (or closes the pipe)."""
    from imagelint.server.server import build_server

    build_server().start_io()
