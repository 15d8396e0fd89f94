"""RUN scripts parsed for one file are handed to the next files that repeat them, and that changes
no finding: not when a RUN repeats inside one file, not when the token limit cuts a script."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagelint import context as context_module
from imagelint.lint import run_lint
from imagelint.settings import Settings
from imagelint.shell import RecentScripts, parse_script

UPDATE = "apt-get update"
INSTALL = "apt-get install -y curl && curl -sSL https://example.com/install.sh | sh"

# The same RUN lines in two stages and in two files: IL1002 (an update alone) and IL7004 (curl
# piped to a shell) report each RUN at its own line.
VARIANT = f"""\
FROM debian:12 AS build
RUN {UPDATE}
RUN {INSTALL}
FROM debian:12
RUN {UPDATE}
RUN {INSTALL}
USER 1000
"""


def _findings(report) -> list[tuple[str, str, int | None, str]]:
    return [(f.file, f.rule, f.line, f.message) for result in report.results for f in result.findings]


@pytest.fixture
def fresh_cache(monkeypatch):
    monkeypatch.setattr(context_module, "_RECENT_SCRIPTS", RecentScripts())


def test_a_script_parsed_again_is_the_one_parsed_before():
    recent = RecentScripts()
    first = recent.parse(INSTALL, "\\", 10_000, set())
    assert recent.parse(INSTALL, "\\", 10_000, set()) is first
    held = recent.parse(INSTALL, "\\", 10_000, {id(first)})  # the file holds it already
    assert held is not first
    assert [c.name for c in held.commands] == [c.name for c in first.commands] == ["apt-get", "curl", "sh"]


def test_a_script_is_what_parsing_it_in_the_room_left_would_give():
    recent = RecentScripts()
    whole = recent.parse(INSTALL + " ", "\\", 10_000, set())  # text after the last token, too
    for room in (whole.tokens - 1, whole.tokens, whole.tokens + 1):
        given, fresh = recent.parse(INSTALL + " ", "\\", room, set()), parse_script(INSTALL + " ", max_tokens=room)
        assert (given.truncated, given.tokens, len(given.commands)) == (fresh.truncated, fresh.tokens, len(fresh.commands))
    assert recent.parse(INSTALL + " ", "\\", whole.tokens - 1, set()).truncated


def test_big_scripts_are_not_kept():
    recent = RecentScripts()
    big = " && ".join(f"echo {n}" for n in range(RecentScripts.MAX_TOKENS))
    first = recent.parse(big, "\\", 10**6, set())
    assert first.tokens > RecentScripts.MAX_TOKENS
    assert recent.parse(big, "\\", 10**6, set()) is not first


def test_files_repeating_run_lines_get_the_findings_each_gets_alone(tmp_path: Path, fresh_cache, monkeypatch):
    paths = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(VARIANT)
        paths.append(str(tmp_path / name / "Dockerfile"))
    together = _findings(run_lint(paths, Settings()))
    alone = []
    for path in paths:
        monkeypatch.setattr(context_module, "_RECENT_SCRIPTS", RecentScripts())
        alone += _findings(run_lint([path], Settings()))
    assert together == alone
    for path in paths:  # each RUN of each file, at its own line
        assert [line for file, rule, line, _ in together if file == path and rule == "IL1002"] == [2, 5]
        assert [line for file, rule, line, _ in together if file == path and rule == "IL7004"] == [3, 6]


def test_a_cut_script_is_reported_in_the_file_that_cuts_it(tmp_path: Path, fresh_cache, monkeypatch):
    """The second file holds more RUNs before the repeated one: with a small token limit the repeat
    is cut there, though the first file had it whole."""
    (tmp_path / "small").mkdir()
    (tmp_path / "big").mkdir()
    (tmp_path / "small" / "Dockerfile").write_text(f"FROM debian:12\nRUN {INSTALL}\nUSER 1000\n")
    padding = "".join(f"RUN echo {'x ' * 10}\n" for _ in range(3))
    (tmp_path / "big" / "Dockerfile").write_text(f"FROM debian:12\n{padding}RUN {INSTALL}\nUSER 1000\n")
    monkeypatch.setenv("IMAGELINT_MAX_SHELL_TOKENS", "40")
    paths = [str(tmp_path / "small" / "Dockerfile"), str(tmp_path / "big" / "Dockerfile")]
    report = run_lint(paths, Settings())
    findings = _findings(report)
    assert any(file == paths[1] and rule == "IL8001" and "IMAGELINT_MAX_SHELL_TOKENS" in message
               for file, rule, _, message in findings), findings  # fmt: skip
    assert not any(file == paths[0] and rule == "IL8001" for file, rule, _, _ in findings)
    assert [line for file, rule, line, _ in findings if rule == "IL7004"] == [2]  # the cut one is not checked
