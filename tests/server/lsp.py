"""Drives the real ``imagelint server`` as a subprocess over stdio with pygls's own LSP client.

``run_session(scenario)`` starts the server (``python -m imagelint server``), initializes it, runs
``scenario(session)`` and then shuts it down and exits, checking the process ends with code 0. The
whole run has a deadline, and so has every wait inside it: a hang fails the test instead of
blocking CI.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT = 15.0  # seconds for one answer or notification (CI machines are shared)
DEADLINE = 90.0  # seconds for a whole session


class Session:
    """One client connected to one server process."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: dict[str, asyncio.Queue[list[types.Diagnostic]]] = {}
        self.logs: list[types.LogMessageParams] = []
        self.shown: list[types.ShowMessageParams] = []
        self.initialize_result: types.InitializeResult | None = None

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self._queue(params.uri).put_nowait(list(params.diagnostics))

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def log_message(params: types.LogMessageParams) -> None:
            self.logs.append(params)

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def show_message(params: types.ShowMessageParams) -> None:
            self.shown.append(params)

    def _queue(self, uri: str) -> asyncio.Queue[list[types.Diagnostic]]:
        return self.published.setdefault(uri, asyncio.Queue())

    async def next_diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """The next diagnostics the server publishes for ``uri``."""
        return await asyncio.wait_for(self._queue(uri).get(), WAIT)

    def pending(self, uri: str) -> int:
        return self._queue(uri).qsize()

    async def open(self, path: Path, text: str, language_id: str = "dockerfile") -> list[types.Diagnostic]:
        """didOpen ``path`` with ``text``; returns the diagnostics published for it."""
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=path.as_uri(), language_id=language_id, version=1, text=text)
            )
        )
        return await self.next_diagnostics(path.as_uri())

    async def change(self, path: Path, text: str, version: int = 2) -> list[types.Diagnostic]:
        """didChange (full text); returns the diagnostics published for it."""
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return await self.next_diagnostics(path.as_uri())

    async def code_actions(
        self, path: Path, start: tuple[int, int], end: tuple[int, int], *, only: list[str] | None = None, diagnostics=()
    ) -> list[types.CodeAction]:
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                    range=span(start, end),
                    context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
                )
            ),
            WAIT,
        )
        return [action for action in result or [] if isinstance(action, types.CodeAction)]

    async def hover(self, path: Path, line: int, character: int) -> types.Hover | None:
        return await asyncio.wait_for(
            self.client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                    position=types.Position(line=line, character=character),
                )
            ),
            WAIT,
        )


def span(start: tuple[int, int], end: tuple[int, int]) -> types.Range:
    return types.Range(start=types.Position(line=start[0], character=start[1]), end=types.Position(line=end[0], character=end[1]))


def as_tuple(range_: types.Range) -> tuple[tuple[int, int], tuple[int, int]]:
    return (range_.start.line, range_.start.character), (range_.end.line, range_.end.character)


def utf16_offset(text: str, line: int, character: int) -> int:
    """The string index of an LSP position (UTF-16 code units) in ``text``, computed independently
    of the server: through the UTF-16 encoding of the line."""
    lines = text.split("\n")
    before = sum(len(item) + 1 for item in lines[:line])
    if line >= len(lines):
        return len(text)
    encoded = lines[line].encode("utf-16-le")[: 2 * character]
    return before + len(encoded.decode("utf-16-le"))


def apply_edits(text: str, edits) -> str:
    """``text`` with LSP TextEdits applied (all relative to the original text), as an editor does."""
    ranges = []
    for edit in edits:
        start = utf16_offset(text, edit.range.start.line, edit.range.start.character)
        end = utf16_offset(text, edit.range.end.line, edit.range.end.character)
        ranges.append((start, end, edit.new_text))
    for start, end, new_text in sorted(ranges, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def run_session(
    scenario: Callable[[Session], Awaitable[Any]],
    *,
    initialization_options: dict | None = None,
    root: Path | None = None,
    command: list[str] | None = None,
    capabilities: types.ClientCapabilities | None = None,
) -> Session:
    """Start the server, initialize it, run ``scenario``, shut it down and exit; returns the session."""
    session = _session(scenario, initialization_options, root, command, capabilities or types.ClientCapabilities())
    return asyncio.run(asyncio.wait_for(session, DEADLINE))


async def _session(scenario, initialization_options, root, command, capabilities) -> Session:
    client = LanguageClient("imagelint-tests", "1")
    session = Session(client)
    env = {k: v for k, v in os.environ.items() if k != "IMAGELINT_DEBUG"}
    argv = command or [sys.executable, "-m", "imagelint", "server"]
    await client.start_io(*argv, cwd=str(REPO_ROOT), env=env)
    server = client._server  # the asyncio subprocess pygls started
    assert server is not None
    try:
        session.initialize_result = await asyncio.wait_for(
            client.initialize_async(
                types.InitializeParams(
                    process_id=os.getpid(),
                    root_uri=root.as_uri() if root is not None else None,
                    capabilities=capabilities,
                    initialization_options=initialization_options,
                )
            ),
            WAIT * 2,  # the first answer includes Python's and the rules' start-up
        )
        client.initialized(types.InitializedParams())
        await scenario(session)
        await asyncio.wait_for(client.shutdown_async(None), WAIT)
        client.exit(None)
        returncode = await asyncio.wait_for(server.wait(), WAIT)
        assert returncode == 0, f"server exited with {returncode}: {(await server.stderr.read()).decode(errors='replace')}"
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        await client.stop()
    return session
