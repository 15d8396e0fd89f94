"""imagelint positions (1-based, characters) to LSP positions (0-based, code units) and back."""

from __future__ import annotations

import pytest

from imagelint.fixes import Edit, Fix, apply_fixes
from imagelint.server.linting import code_at, fix_title, is_dockerfile
from imagelint.server.protocol import UTF8, UTF16, UTF32, DocumentLines, char_index, contains, overlaps, units
from tests.server.lsp import utf16_offset


@pytest.mark.parametrize(
    ("text", "utf8", "utf16", "utf32"),
    [("abc", 3, 3, 3), ("ünï", 5, 3, 3), ("😀", 4, 2, 1), ("a😀b", 6, 4, 3), ("", 0, 0, 0)],
)
def test_units(text, utf8, utf16, utf32):
    assert (units(text, UTF8), units(text, UTF16), units(text, UTF32)) == (utf8, utf16, utf32)


def test_char_index_inverts_units_and_snaps_inside_a_character():
    line = "a😀bü"
    assert [char_index(line, n, UTF16) for n in range(6)] == [0, 1, 1, 2, 3, 4]
    assert [char_index(line, n, UTF8) for n in (0, 1, 3, 5, 6, 8, 9)] == [0, 1, 1, 2, 3, 4, 4]
    assert char_index(line, 99, UTF32) == 4


def test_finding_span_runs_from_its_column_to_the_end_of_its_last_line():
    lines = DocumentLines('FROM x\nRUN echo "😀" \\\r\n && apt-get install curl\r\n')
    assert lines.finding_span(2, 5, 3) == ((1, 4), (2, 24))  # \r is no character of the line
    assert lines.finding_span(None, None, None) == ((0, 0), (0, 6))
    assert lines.finding_span(99, 1, 99) == ((3, 0), (3, 0))  # past the end: the last (empty) line
    assert lines.finding_span(1, 40, 1) == ((0, 6), (0, 6))  # a column past the end of its line
    assert DocumentLines("é😀x\n", UTF8).finding_span(1, 3, 1) == ((0, 6), (0, 7))


def test_edit_span_matches_apply_fixes():
    text = "FROM x\nRUN echo ü😀 && apt-get install curl\n"
    edits = (Edit(2, 32, 2, 32, " -y"), Edit(3, 1, 3, 1, "USER app\n"))
    fixed, _ = apply_fixes(text, [Fix("two edits", "safe", edits)])
    lines = DocumentLines(text)
    spans = [lines.edit_span(e.line, e.column, e.end_line, e.end_column) for e in edits]
    assert spans == [((1, 32), (1, 32)), ((2, 0), (2, 0))]
    result = text
    for (start, _), edit in sorted(zip(spans, edits, strict=True), reverse=True):
        offset = utf16_offset(text, *start)
        result = result[:offset] + edit.content + result[offset:]
    assert result == fixed
    assert lines.whole() == ((0, 0), (2, 0))
    assert DocumentLines("FROM x").whole() == ((0, 0), (0, 6))


def test_a_byte_order_mark_counts_for_lsp_only():
    lines = DocumentLines("\ufeffFROM x\nRUN y\n")
    assert lines.line(0) == "FROM x"
    assert lines.finding_span(1, 6, 1) == ((0, 6), (0, 7))
    assert lines.edit_span(1, 1, 1, 5) == ((0, 1), (0, 5))
    assert lines.whole() == ((0, 0), (2, 0))
    assert lines.from_lsp((0, 6)) == (0, 5)
    assert lines.char_span(0, 0, 4) == ((0, 1), (0, 5))
    assert DocumentLines("\ufeffFROM x", UTF8).finding_span(1, 1, 1) == ((0, 3), (0, 9))


def test_from_lsp():
    lines = DocumentLines("FROM x\nRUN 😀 y\n")
    assert lines.from_lsp((1, 7)) == (1, 6)
    assert lines.from_lsp((1, 99)) == (1, 7)
    assert lines.from_lsp((9, 0)) == (2, 0)


def test_contains_and_overlaps():
    span = ((1, 4), (1, 10))
    assert contains(span, (1, 4)) and contains(span, (1, 10)) and not contains(span, (1, 3)) and not contains(span, (2, 0))
    assert overlaps(span, ((1, 10), (1, 10))) and overlaps(span, ((0, 0), (3, 0))) and not overlaps(span, ((1, 11), (2, 0)))


def test_fix_titles_code_lookup_and_dockerfile_names():
    edit = (Edit(1, 1, 1, 1, "x"),)
    assert fix_title(Fix("add -y", "safe", edit)) == "add -y"
    assert fix_title(Fix("use exec form", "unsafe", edit)) == "use exec form (unsafe)"
    line = "# hadolint ignore=DL3008,dl3014"
    assert code_at(line, 18) == ("DL3008", 18, 24) and code_at(line, 24) == ("DL3008", 18, 24)
    assert code_at(line, 26) == ("DL3014", 25, 31)
    assert code_at(line, 5) is None
    assert is_dockerfile("dockerfile", None) and is_dockerfile("plaintext", "/x/Containerfile.dev")
    assert is_dockerfile(None, "api.dockerfile") and not is_dockerfile("plaintext", "/x/Dockerfile.md")
