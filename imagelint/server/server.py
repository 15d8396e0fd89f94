"""The language server: pygls over stdio, imagelint's findings as diagnostics, fixes as code actions,
rule docs on hover.

Every open Dockerfile is linted in memory on didOpen, didChange (full sync) and didSave, with the
settings ``imagelint lint`` would use for the file. What a lint found is kept per document, so a
code action or a hover reads it instead of linting again. Findings in another file (a pattern of
the Dockerfile's .dockerignore) are published to that file.

No handler lets an exception out: it is logged to the client (window/logMessage) and a request
gets its empty result, so one bad file or one bug never ends the editor's session.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from imagelint import __version__
from imagelint.findings import Finding, Severity
from imagelint.server import protocol
from imagelint.server.linting import Checked, Linter, code_at, fix_title, is_dockerfile, rule_markdown

FIX_ALL_KIND = "source.fixAll.imagelint"
FIX_ALL_TITLE = "Fix all safe imagelint findings"
SOURCE = "imagelint"
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.STYLE: types.DiagnosticSeverity.Hint,
}

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Located:
    """A finding of an open document, with its LSP range and the diagnostic published for it."""

    finding: Finding
    span: protocol.Span
    diagnostic: types.Diagnostic


@dataclass
class Document:
    uri: str
    text: str
    path: Path | None
    checked: Checked | None = None
    lines: protocol.DocumentLines | None = None
    located: list[Located] = field(default_factory=list)
    foreign: set[str] = field(default_factory=set)  # other files' URIs it published diagnostics to
    fix_all: tuple[str, str | None] | None = None  # (text, fixed text) once computed


def local_rules_page() -> str | None:
    """``docs/rules.md`` of the checkout imagelint runs from (an editable install), as a file: URI;
    None for an installed wheel, which has no docs (the client can pass ``rulesDocsUrl``)."""
    from pathlib import Path

    import imagelint

    page = Path(imagelint.__file__).resolve().parents[1] / "docs" / "rules.md"
    return page.as_uri() if page.is_file() else None


class ImagelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("imagelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.linter = Linter()
        self.documents: dict[str, Document] = {}
        # other file's URI -> Dockerfile URI -> diagnostics it gets from that Dockerfile's lint
        self.foreign: dict[str, dict[str, list[types.Diagnostic]]] = {}
        self.docs_url: str | None = local_rules_page()
        self.told: set[str] = set()  # config problems already shown to the user

    @property
    def encoding(self) -> str:
        try:
            value = self.workspace.position_encoding
        except RuntimeError:
            return protocol.UTF16
        return str(getattr(value, "value", value) or protocol.UTF16)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001  (no client to tell: stderr is all there is)
            log.exception("cannot send window/logMessage")

    # documents

    def open(self, uri: str, text: str, language_id: str | None) -> None:
        path = _file_path(uri)
        if not is_dockerfile(language_id, str(path) if path is not None else uri.rsplit("/", 1)[-1]):
            return
        self.documents[uri] = Document(uri, text, path)
        self.lint(uri)

    def change(self, uri: str, text: str) -> None:
        document = self.documents.get(uri)
        if document is not None:
            document.text = text
            self.lint(uri)

    def close(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is not None:
            self.publish(uri, [])
            self._publish_foreign(uri, {}, document.foreign)

    def lint(self, uri: str) -> None:
        document = self.documents[uri]
        folder = _file_path(self.workspace.root_uri) if self.workspace.root_uri else None
        try:
            checked = self.linter.check(document.text, document.path, name=uri.rsplit("/", 1)[-1] or "Dockerfile", folder=folder)
        except Exception:
            # What was found in the text before no longer applies: no diagnostics, no fixes for it.
            document.checked, document.lines, document.located, document.fix_all = None, None, [], None
            self.publish(uri, [])
            raise
        if checked.config_error and checked.config_error not in self.told:
            self.told.add(checked.config_error)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"imagelint: {checked.config_error}"))
        for crash in checked.crashes:
            self.log(crash, types.MessageType.Warning)
        lines = protocol.DocumentLines(document.text, self.encoding)
        located: list[Located] = []
        elsewhere: dict[str, list[types.Diagnostic]] = {}
        for finding in checked.findings:
            if finding.file == checked.shown or document.path is None:
                span = lines.finding_span(finding.line, finding.column, finding.end_line)
                located.append(Located(finding, span, self.diagnostic(finding, span)))
                continue
            other = Path(finding.file)
            other = other if other.is_absolute() else document.path.parent / other
            span = protocol.DocumentLines(_read(other), self.encoding).finding_span(finding.line, finding.column, finding.end_line)
            elsewhere.setdefault(from_fs_path(str(other)) or other.as_uri(), []).append(self.diagnostic(finding, span))
        document.checked, document.lines, document.located, document.fix_all = checked, lines, located, None
        self.publish(uri, [item.diagnostic for item in located])
        self._publish_foreign(uri, elsewhere, document.foreign)
        document.foreign = set(elsewhere)

    def _publish_foreign(self, uri: str, now: dict[str, list[types.Diagnostic]], before: set[str]) -> None:
        for other in set(now) | before:
            by_source = self.foreign.setdefault(other, {})
            by_source.pop(uri, None)
            if now.get(other):
                by_source[uri] = now[other]
            self.publish(other, [d for diagnostics in by_source.values() for d in diagnostics])

    def publish(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def diagnostic(self, finding: Finding, span: protocol.Span) -> types.Diagnostic:
        description = None
        if self.docs_url:
            description = types.CodeDescription(href=f"{self.docs_url}#{finding.rule.lower()}")
        return types.Diagnostic(
            range=_range(span),
            message=finding.message,
            severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.rule,
            code_description=description,
            source=SOURCE,
        )

    # requests

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.documents.get(params.text_document.uri)
        if document is None or document.checked is None or document.lines is None:
            return []
        only = params.context.only
        wanted = (_start(params.range), _end(params.range))
        # The client's diagnostics for the range, for a client that asks at the cursor's line.
        given = {(str(d.code), _start(d.range), _end(d.range)) for d in params.context.diagnostics if d.source == SOURCE}
        actions: list[types.CodeAction] = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            for item in document.located:
                fix = item.finding.fix
                if fix is None or not fix.edits or fix.applicability == "display-only":
                    continue
                if not protocol.overlaps(item.span, wanted) and (item.finding.rule, *item.span) not in given:
                    continue
                edits = [
                    types.TextEdit(range=_range(document.lines.edit_span(e.line, e.column, e.end_line, e.end_column)), new_text=e.content)
                    for e in fix.edits
                ]
                actions.append(
                    types.CodeAction(
                        title=fix_title(fix),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[item.diagnostic],
                        is_preferred=fix.applicability == "safe" or None,
                        edit=types.WorkspaceEdit(changes={document.uri: edits}),
                    )
                )
        if _wanted(FIX_ALL_KIND, only):
            fixed = self._fixed(document)
            if fixed is not None:
                edit = types.TextEdit(range=_range(document.lines.whole()), new_text=fixed)
                actions.append(
                    types.CodeAction(
                        title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=types.WorkspaceEdit(changes={document.uri: [edit]})
                    )
                )
        return actions

    def _fixed(self, document: Document) -> str | None:
        """The document with every safe fix applied, or None; computed once per text."""
        if document.fix_all is None or document.fix_all[0] != document.text:
            assert document.checked is not None
            document.fix_all = (document.text, self.linter.fix_all(document.checked))
        return document.fix_all[1]

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        document = self.documents.get(params.text_document.uri)
        if document is None or document.lines is None:
            return None
        lines = document.lines
        position = (params.position.line, params.position.character)
        line_index, index = lines.from_lsp(position)
        written = code_at(lines.line(line_index), index)
        if written is not None:
            code, start, end = written
            rules = self.linter.rules_for_code(code)
            span = lines.char_span(line_index, start, end)
        else:
            here = [item for item in document.located if protocol.contains(item.span, position)]
            rules = list({item.finding.rule: self.linter.registry[item.finding.rule] for item in here if item.finding.rule in self.linter.registry}.values())
            span = here[0].span if len(here) == 1 else None
        if not rules:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=rule_markdown(rules)),
            range=_range(span) if span is not None else None,
        )


def build_server() -> ImagelintServer:
    server = ImagelintServer()

    @server.feature(types.INITIALIZE)
    @_guarded(server, None)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options
        url = options.get("rulesDocsUrl") if isinstance(options, dict) else None
        if isinstance(url, str) and url.strip():
            server.docs_url = url.strip()

    @server.feature(types.INITIALIZED)
    @_guarded(server, None)
    def initialized(params: types.InitializedParams) -> None:
        server.linter.warm_up()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @_guarded(server, None)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        server.open(item.uri, item.text, item.language_id)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded(server, None)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in server.documents:
            server.change(uri, server.workspace.get_text_document(uri).source)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @_guarded(server, None)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in server.documents:
            server.change(uri, params.text if params.text is not None else server.workspace.get_text_document(uri).source)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded(server, None)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.close(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    @_guarded(server, [])
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        return server.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guarded(server, None)
    def hover(params: types.HoverParams) -> types.Hover | None:
        return server.hover(params)

    return server


def _guarded(server: ImagelintServer, empty: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A handler that logs its exception to the client and returns ``empty`` instead of failing."""

    def decorate(handler: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(handler)
        def guarded(params):
            try:
                return handler(params)
            except Exception as err:  # noqa: BLE001  (a bug must not end the editor's session)
                server.log(f"imagelint: internal error in {handler.__name__} ({type(err).__name__}: {err}); please report it\n{traceback.format_exc()}")
                return empty

        return guarded

    return decorate


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether a code action of ``kind`` is among the kinds the client asked for."""
    return not only or any(kind == asked or kind.startswith(f"{asked}.") for asked in map(str, only))


def _file_path(uri: str | None) -> Path | None:
    if not uri or not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _range(span: protocol.Span) -> types.Range:
    (start_line, start_character), (end_line, end_character) = span
    return types.Range(
        start=types.Position(line=start_line, character=start_character),
        end=types.Position(line=end_line, character=end_character),
    )


def _start(range_: types.Range) -> protocol.Position:
    return range_.start.line, range_.start.character


def _end(range_: types.Range) -> protocol.Position:
    return range_.end.line, range_.end.character
