"""IL8019 empty-continuation-line: empty lines in continuations, whitespace lines, end of file, heredocs."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_swallowed_instruction_is_named():
    text = "FROM debian:bookworm-slim\nRUN apt-get install -y curl \\\n\nRUN echo done\n"
    finding = catches("IL8019", text)[0]
    assert finding.line == 3 and "RUN at line 4" in finding.message


def test_trailing_empty_lines_at_end_of_file_are_not_reported():
    passes("IL8019", "FROM debian:bookworm-slim\nRUN echo hi \\\n\n\n")


def test_whitespace_only_line_counts_as_empty():
    catches("IL8019", "FROM debian:bookworm-slim\nRUN echo a \\\n   \n    && echo b\n")


def test_heredoc_with_continuation_before_it():
    passes("IL8019", "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/root/.cache \\\n    <<EOF\necho a\n\necho b\nEOF\n")
