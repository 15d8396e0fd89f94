"""``imagelint server`` end to end: the real server process over stdio, driven by pygls's LSP client."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types

from imagelint.rule import registered_rules, rules_called
from tests.server.lsp import Session, apply_edits, as_tuple, run_session

# Settings beside the Dockerfile: the server must read them as `imagelint lint` would.
SELECTED = 'select = ["IL6001", "IL6011", "IL8001"]\n'
SMALL = "FROM debian:12-slim\nRUN apt-get update \\\n && apt-get install curl\n"


def project(tmp_path: Path, text: str, *, config: str | None = SELECTED, name: str = "Dockerfile") -> Path:
    folder = tmp_path / "app"
    folder.mkdir(exist_ok=True)
    if config is not None:
        (folder / ".imagelint.toml").write_text(config)
    path = folder / name
    path.write_text(text)
    return path


def summary(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return sorted((d.code, as_tuple(d.range), d.severity) for d in diagnostics)


def docs(code: str) -> str:
    return registered_rules()[code].doc.markdown


def test_open_publishes_exact_diagnostics_and_change_updates_them(tmp_path):
    path = project(tmp_path, SMALL)
    seen = {}

    async def scenario(session: Session):
        seen["opened"] = await session.open(path, SMALL)
        seen["changed"] = await session.change(path, SMALL.replace("install curl", "install -y curl=8.5.0-2"))
        seen["broken"] = await session.change(path, SMALL.replace("RUN apt-get update", "RUNN apt-get update"), version=3)

    session = run_session(scenario)
    capabilities = session.initialize_result.capabilities
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Full
    assert capabilities.hover_provider
    # Line 3 is " && apt-get install curl": the finding starts at apt-get and runs to the end of
    # its line; the RUN's continuation makes both findings start on the second physical line.
    assert summary(seen["opened"]) == [
        ("IL6001", ((2, 4), (2, 24)), types.DiagnosticSeverity.Warning),
        ("IL6011", ((2, 20), (2, 24)), types.DiagnosticSeverity.Information),
    ]
    first = next(d for d in seen["opened"] if d.code == "IL6001")
    assert first.source == "imagelint"
    assert first.message.startswith("apt-get install without -y fails as soon as it must install more than")
    # No rulesDocsUrl given: running from a checkout, the code links to its docs/rules.md.
    page = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    assert first.code_description.href == page.as_uri() + "#il6001"
    assert '<a id="il6001"></a>' in page.read_text(encoding="utf-8")
    assert seen["changed"] == []
    assert [(d.code, as_tuple(d.range)) for d in seen["broken"]] == [("IL8001", ((1, 0), (2, 24)))]
    assert [d.severity for d in seen["broken"]] == [types.DiagnosticSeverity.Error]


def test_default_settings_and_docs_url(tmp_path):
    text = "FROM debian:12-slim\nRUN apt-get update && apt-get install curl\n"
    path = project(tmp_path, text, config=None, name="web.Dockerfile")
    seen = {}

    async def scenario(session: Session):
        # Not announced as a Dockerfile: its name says it is one, as imagelint lint discovers them.
        seen["diagnostics"] = await session.open(path, text, language_id="plaintext")
        notes = path.with_name("notes.txt")
        session.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=notes.as_uri(), language_id="plaintext", version=1, text=text)
            )
        )
        await session.hover(path, 0, 0)  # a round trip: anything published for notes.txt is in by now
        seen["notes"] = session.pending(notes.as_uri())
        # Saved: linted again (a config written meanwhile now counts); closed: cleared.
        (path.parent / ".imagelint.toml").write_text('select = ["IL6001"]\n')
        session.client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
        seen["saved"] = await session.next_diagnostics(path.as_uri())
        session.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
        seen["closed"] = await session.next_diagnostics(path.as_uri())

    run_session(scenario, initialization_options={"rulesDocsUrl": "https://example.org/rules"})
    codes = {d.code: d for d in seen["diagnostics"]}
    assert {"IL6001", "IL6002", "IL6003", "IL7001"} <= set(codes)
    assert codes["IL6001"].severity == types.DiagnosticSeverity.Warning
    assert codes["IL7001"].severity == types.DiagnosticSeverity.Information  # a base image: its CMD is debian's shell
    assert codes["IL6001"].code_description.href == "https://example.org/rules#il6001"
    assert seen["notes"] == 0
    assert [d.code for d in seen["saved"]] == ["IL6001"]
    assert seen["closed"] == []


def test_quick_fix_and_fix_all(tmp_path):
    text = "FROM debian:12-slim\nRUN apt-get update && apt-get install curl\n"
    path = project(tmp_path, text, config='select = ["IL6001", "IL6002", "IL6003", "IL6011"]\n')
    seen = {}

    async def scenario(session: Session):
        diagnostics = await session.open(path, text)
        yes = next(d for d in diagnostics if d.code == "IL6001")
        start = as_tuple(yes.range)[0]
        seen["at_fix"] = await session.code_actions(path, start, start)
        # A client asking for its cursor's line passes the diagnostics there.
        seen["by_diagnostic"] = await session.code_actions(path, (1, 0), (1, 0), diagnostics=[yes])
        seen["first_line"] = await session.code_actions(path, (0, 0), (0, 3))
        seen["fix_all_only"] = await session.code_actions(path, (0, 0), (0, 0), only=["source.fixAll"])
        seen["quickfix_only"] = await session.code_actions(path, (1, 0), (1, 42), only=["quickfix"])
        seen["fixed"] = await session.change(path, "FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends curl=8.5.0-2\n")
        seen["nothing"] = await session.code_actions(path, (0, 0), (2, 0))

    run_session(scenario, initialization_options=None)
    # IL6001's fix inserts " -y" after "install" (line 2, character 37); IL6002's (unsafe) and IL6003's
    # fixes are offered on the same line, titled with their descriptions.
    quick = {a.title: a for a in seen["at_fix"] if a.kind == types.CodeActionKind.QuickFix}
    assert set(quick) == {
        "add -y to apt-get install",
        "add --no-install-recommends to apt-get install (unsafe)",
        "end the RUN with rm -rf /var/lib/apt/lists/*",
    }
    action = quick["add -y to apt-get install"]
    assert [d.code for d in action.diagnostics] == ["IL6001"]
    (edit,) = action.edit.changes[path.as_uri()]
    assert (as_tuple(edit.range), edit.new_text) == (((1, 37), (1, 37)), " -y")
    assert apply_edits(text, [edit]) == "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\n"
    assert "add -y to apt-get install" in [a.title for a in seen["by_diagnostic"]]
    # IL6011's advice (pin a version only the user knows) is display-only: no action.
    assert not any("pin" in title for title in quick)

    fix_all = [a for a in seen["first_line"] if a.kind == "source.fixAll.imagelint"]
    assert [a.title for a in fix_all] == ["Fix all safe imagelint findings"]
    assert [a.kind for a in seen["fix_all_only"]] == ["source.fixAll.imagelint"]
    (whole,) = fix_all[0].edit.changes[path.as_uri()]
    assert as_tuple(whole.range) == ((0, 0), (2, 0))
    # Fix all applies the safe fixes only: -y and the lists cleanup, not --no-install-recommends.
    assert apply_edits(text, [whole]) == (
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    )
    assert all(a.kind == types.CodeActionKind.QuickFix for a in seen["quickfix_only"])
    assert seen["fixed"] == []
    assert seen["nothing"] == []


def test_hover_on_a_diagnostic_and_on_a_pragma_code(tmp_path):
    text = (
        "FROM debian:12-slim\n"
        "# hadolint ignore=DL3008,DL3014\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN apt-get install wget\n"
        "# imagelint ignore=IL6011\n"
        "RUN echo hello\n"
    )
    path = project(tmp_path, text, config='select = ["IL6001"]\n')
    seen = {}

    async def scenario(session: Session):
        seen["diagnostics"] = await session.open(path, text)
        seen["on_diagnostic"] = await session.hover(path, 3, 10)
        seen["on_dl3014"] = await session.hover(path, 1, 27)
        seen["on_il6011"] = await session.hover(path, 4, 21)
        seen["elsewhere"] = await session.hover(path, 5, 6)

    run_session(scenario)
    assert [(d.code, as_tuple(d.range)) for d in seen["diagnostics"]] == [("IL6001", ((3, 4), (3, 24)))]
    hover = seen["on_diagnostic"]
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert docs("IL6001") in hover.contents.value
    assert as_tuple(hover.range) == ((3, 4), (3, 24))
    pragma = seen["on_dl3014"]
    assert docs("IL6001") in pragma.contents.value  # IL6001 declares hadolint's DL3014
    assert as_tuple(pragma.range) == ((1, 25), (1, 31))
    assert docs("IL6011") in seen["on_il6011"].contents.value
    assert seen["elsewhere"] is None


def test_hover_on_a_rule_name_in_a_pragma_and_a_buildkit_check_name(tmp_path):
    text = (
        "# check=skip=JSONArgsRecommended\n"
        "FROM debian:12-slim\n"
        "# imagelint ignore=shell-form-entrypoint\n"
        'ENTRYPOINT ["app"]\n'
        "# imagelint ignore=no-such-rule\n"
        "RUN echo hello\n"
    )
    path = project(tmp_path, text)
    seen = {}

    async def scenario(session: Session):
        await session.open(path, text)
        seen["buildkit"] = await session.hover(path, 0, 20)
        seen["name"] = await session.hover(path, 2, 25)
        seen["keyword"] = await session.hover(path, 2, 4)
        seen["unknown"] = await session.hover(path, 4, 22)

    run_session(scenario)
    entrypoint = rules_called("shell-form-entrypoint", registered_rules())[0].code
    assert docs(entrypoint) in seen["buildkit"].contents.value
    assert as_tuple(seen["buildkit"].range) == ((0, 13), (0, 32))
    assert docs(entrypoint) in seen["name"].contents.value
    assert as_tuple(seen["name"].range) == ((2, 19), (2, 40))
    assert seen["keyword"] is None and seen["unknown"] is None


def test_non_ascii_line_gets_utf16_columns(tmp_path):
    # "ü", "ï" are one UTF-16 unit each, the emoji two: apt-get is character 24, unit 25.
    line = 'RUN echo "ünïcode 😀" && apt-get install curl'
    text = f'FROM debian:12-slim\nLABEL description="ünïcode 😀"\n{line}\n'
    path = project(tmp_path, text)
    seen = {}

    async def scenario(session: Session):
        seen["diagnostics"] = await session.open(path, text)
        seen["actions"] = await session.code_actions(path, (2, 26), (2, 26), only=["quickfix"])
        seen["hover"] = await session.hover(path, 2, 25)
        seen["before"] = await session.hover(path, 2, 24)  # the space before apt-get

    run_session(scenario)
    assert line.index("apt-get") == 24
    end = len(line.encode("utf-16-le")) // 2
    assert end == len(line) + 1
    assert summary(seen["diagnostics"]) == [
        ("IL6001", ((2, 25), (2, end)), types.DiagnosticSeverity.Warning),
        ("IL6011", ((2, end - 4), (2, end)), types.DiagnosticSeverity.Information),
    ]
    (action,) = seen["actions"]
    (edit,) = action.edit.changes[path.as_uri()]
    assert as_tuple(edit.range) == ((2, 40), (2, 40))  # after "install": 39 characters, 40 units
    assert apply_edits(text, [edit]) == text.replace("install curl", "install -y curl")
    assert docs("IL6001") in seen["hover"].contents.value
    assert seen["before"] is None


def test_a_client_that_counts_utf8_gets_utf8_columns(tmp_path):
    line = 'RUN echo "ünïcode 😀" && apt-get install curl'
    text = f"FROM debian:12-slim\n{line}\n"
    path = project(tmp_path, text, config='select = ["IL6001"]\n')
    seen = {}

    async def scenario(session: Session):
        seen["diagnostics"] = await session.open(path, text)
        seen["hover"] = await session.hover(path, 1, 29)  # the "a" of apt-get, in bytes

    utf8 = types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=["utf-8"]))
    session = run_session(scenario, capabilities=utf8)
    assert session.initialize_result.capabilities.position_encoding == "utf-8"
    start = len(line[: line.index("apt-get")].encode())
    assert start == 29
    assert [as_tuple(d.range) for d in seen["diagnostics"]] == [((1, start), (1, len(line.encode())))]
    assert docs("IL6001") in seen["hover"].contents.value


def test_unparsable_file_gives_il8001_and_the_server_stays_alive(tmp_path):
    broken = "FROM debian:12-slim\nRUN <<EOF\napt-get install curl\n"
    binary = "\x00\x01\x02garbage\n"
    path = project(tmp_path, broken)
    seen = {}

    async def scenario(session: Session):
        seen["heredoc"] = await session.open(path, broken)
        seen["binary"] = await session.change(path, binary)
        seen["hover"] = await session.hover(path, 0, 3)
        seen["actions"] = await session.code_actions(path, (0, 0), (0, 5))
        seen["fine"] = await session.change(path, SMALL, version=3)

    run_session(scenario)
    assert [(d.code, as_tuple(d.range)) for d in seen["heredoc"]] == [("IL8001", ((1, 0), (1, 9))), ("IL8001", ((2, 0), (2, 20)))]
    assert {d.code for d in seen["binary"]} == {"IL8001"}
    assert docs("IL8001") in seen["hover"].contents.value
    assert seen["actions"] == []
    assert {d.code for d in seen["fine"]} == {"IL6001", "IL6011"}


def test_an_internal_error_is_logged_and_the_request_returns_empty(tmp_path):
    path = project(tmp_path, SMALL)
    # The real server with bugs put in on purpose: hover always raises, linting a text with BOOM in it too.
    broken = (
        "import sys\n"
        "from imagelint.server import linting, server\n"
        "def boom(self, params):\n    raise RuntimeError('hover exploded')\n"
        "server.ImagelintServer.hover = boom\n"
        "check = linting.Linter.check\n"
        "def check_or_boom(self, text, *args, **kwargs):\n"
        "    if 'BOOM' in text:\n        raise RuntimeError('lint exploded')\n"
        "    return check(self, text, *args, **kwargs)\n"
        "linting.Linter.check = check_or_boom\n"
        "sys.argv = ['imagelint', 'server']\n"
        "from imagelint.cli import main\nmain()\n"
    )
    seen = {}

    async def scenario(session: Session):
        await session.open(path, SMALL)
        seen["hover"] = await session.hover(path, 2, 6)
        seen["diagnostics"] = await session.change(path, SMALL + "RUN apt-get install wget\n")
        # A lint that fails drops what was found in the old text: its fixes would land in the wrong place.
        seen["failed"] = await session.change(path, SMALL + "# BOOM\n", version=3)
        seen["actions"] = await session.code_actions(path, (0, 0), (3, 0))
        seen["again"] = await session.change(path, SMALL, version=4)

    session = run_session(scenario, command=[sys.executable, "-c", broken])
    assert seen["hover"] is None
    assert {d.code for d in seen["diagnostics"]} == {"IL6001", "IL6011"}
    assert seen["failed"] == [] and seen["actions"] == []
    assert {d.code for d in seen["again"]} == {"IL6001", "IL6011"}
    errors = [log.message for log in session.logs if log.type == types.MessageType.Error]
    assert len(errors) == 2
    assert "internal error in hover (RuntimeError: hover exploded)" in errors[0]
    assert "internal error in did_change (RuntimeError: lint exploded)" in errors[1]


def test_a_broken_config_is_shown_once_and_the_defaults_lint(tmp_path):
    path = project(tmp_path, SMALL, config='select = "not a list of rules\n')
    seen = {}

    async def scenario(session: Session):
        seen["opened"] = await session.open(path, SMALL)
        seen["changed"] = await session.change(path, SMALL + "\n")

    session = run_session(scenario)
    assert {"IL6001", "IL6011"} <= {d.code for d in seen["opened"]}
    assert len(session.shown) == 1 and ".imagelint.toml" in session.shown[0].message


def test_a_finding_in_the_dockerignore_is_published_to_that_file(tmp_path):
    text = "FROM debian:12-slim\nCOPY . /app\n"
    path = project(tmp_path, text, config='select = ["IL3006"]\n')
    (path.parent / "build_output").mkdir()
    ignore = path.parent / ".dockerignore"
    ignore.write_text("# built files\nbuild_outptu\n")
    seen = {}

    async def scenario(session: Session):
        seen["dockerfile"] = await session.open(path, text)
        seen["dockerignore"] = await session.next_diagnostics(ignore.as_uri())
        ignore.write_text("# built files\nbuild_output\n")
        seen["fixed"] = await session.change(path, text + "\n")
        seen["cleared"] = await session.next_diagnostics(ignore.as_uri())

    run_session(scenario)
    assert seen["dockerfile"] == []
    assert [(d.code, as_tuple(d.range)) for d in seen["dockerignore"]] == [("IL3006", ((1, 0), (1, 12)))]
    assert seen["fixed"] == [] and seen["cleared"] == []
