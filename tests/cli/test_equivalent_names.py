"""BuildKit check names and hadolint codes accepted wherever an imagelint rule code or name is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagelint.config import load_settings
from imagelint.rule import registered_rules
from imagelint.settings import ConfigError, settings_from_table
from tests.support.cli import no_traceback, one_line_error, run

DOCKERFILE = "FROM alpine:3.20 AS Build\nMAINTAINER someone@example.com\nCMD echo hi\n"  # IL4004, IL8004, IL8002


def rules_found(tmp_path: Path, *args: str) -> set[str]:
    result = run("lint", "Dockerfile", "-f", "json", *args, cwd=tmp_path)
    no_traceback(result)
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_select_and_ignore_take_buildkit_names_and_dl_codes(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    assert rules_found(tmp_path, "--select", "JSONArgsRecommended,StageNameCasing") == {"IL8002", "IL4004"}
    assert rules_found(tmp_path, "--select", "DL3025") == {"IL8002"}
    ignored = rules_found(tmp_path, "--ignore", "JSONArgsRecommended", "--ignore", "DL4000")
    assert ignored and not ignored & {"IL8002", "IL8004"}


def test_unknown_selector_is_still_an_error(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    one_line_error(run("lint", "Dockerfile", "--ignore", "JSONArgsRecomended", cwd=tmp_path), "--ignore", "JSONArgsRecomended")
    # A BuildKit check no imagelint rule declares selects nothing: an error, not a silent no-op.
    one_line_error(run("lint", "Dockerfile", "--select", "InvalidDefinitionDescription", cwd=tmp_path), "--select")


def test_config_select_ignore_and_severity_take_equivalent_names():
    rules = registered_rules()
    settings = settings_from_table(
        {"ignore": ["UndefinedVar", "DL3007"], "severity": {"JSONArgsRecommended": "error", "DL4000": "style"}},
        "pyproject.toml: [tool.imagelint]",
        rules,
    )
    assert settings.ignore == ("UndefinedVar", "DL3007")
    assert settings.severity["IL8002"].name == "ERROR" and settings.severity["IL8004"].name == "STYLE"


def test_severity_own_code_wins_and_most_severe_equivalent_wins():
    rules = registered_rules()
    table = {"severity": {"IL8002": "style", "JSONArgsRecommended": "error", "DL4003": "info", "DL4004": "error"}}
    settings = settings_from_table(table, "x", rules)
    assert str(settings.severity["IL8002"]) == "style"  # its own code beats JSONArgsRecommended
    assert str(settings.severity["IL8003"]) == "error"  # DL4003 and DL4004 both name IL8003


@pytest.mark.parametrize("table", [{"severity": {"JSONArgsRecomended": "error"}}, {"select": ["DL9999"]}])
def test_config_rejects_unknown_equivalent_names(table):
    with pytest.raises(ConfigError):
        settings_from_table(table, "x", registered_rules())


def test_config_file_severity_by_buildkit_name(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".imagelint.toml").write_text('[severity]\nJSONArgsRecommended = "error"\n')
    assert str(load_settings(tmp_path / ".imagelint.toml", registered_rules()).severity["IL8002"]) == "error"
    result = run("lint", "Dockerfile", "-f", "json", cwd=tmp_path)
    assert {f["severity"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "IL8002"} == {"error"}


def test_pragmas_take_buildkit_names_and_rule_names(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "# imagelint ignore=StageNameCasing\nFROM alpine:3.20 AS Build\n"
        "# imagelint ignore=maintainer-instruction\nMAINTAINER someone@example.com\n"
        "# imagelint ignore=JSONArgsRecommended\nCMD echo hi\n"
    )
    assert not rules_found(tmp_path) & {"IL4004", "IL8004", "IL8002"}


def test_explain_finds_rules_by_buildkit_name_and_dl_code():
    by_buildkit = run("explain", "JSONArgsRecommended")
    assert by_buildkit.returncode == 0
    assert by_buildkit.stdout.decode().startswith("IL8002 shell-form-entrypoint")
    assert run("explain", "jsonargsrecommended").stdout == by_buildkit.stdout
    assert run("explain", "DL3025").stdout == by_buildkit.stdout


def test_explain_prints_every_rule_that_declares_the_code(monkeypatch):
    """No DL code or BuildKit check is declared twice today; a second rule declaring DL3025 must
    be printed too."""
    import imagelint.rule
    from typer.testing import CliRunner

    from imagelint.cli import app

    real = registered_rules()
    second = real["IL8004"].with_changes(hadolint=("DL4000", "DL3025"), buildkit=("MaintainerDeprecated", "JSONArgsRecommended"))
    # Not what the index says of IL8004: give it its check (and docs) directly, past the index check.
    second.__dict__["check"] = real["IL8004"].check
    monkeypatch.setattr(imagelint.rule, "registered_rules", lambda: {**real, "IL8004": second})
    for name in ("DL3025", "JSONArgsRecommended"):
        out = CliRunner().invoke(app, ["explain", name]).output
        headings = [line.split()[0] for line in out.splitlines() if line.startswith("IL") and " (" in line]
        assert headings == ["IL8002", "IL8004"], out
        assert out.count("## Why") == 2


def test_explain_a_buildkit_check_without_equivalent_says_so():
    one_line_error(run("explain", "InvalidDefinitionDescription"), "InvalidDefinitionDescription", "no imagelint equivalent")


def test_rules_table_shows_equivalents_within_120_columns():
    out = run("rules").stdout.decode()
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert "buildkit/hadolint" in lines[0]
    il8002 = next(line for line in lines if line.startswith("IL8002"))
    assert "JSONArgsRecommended" in il8002
    il8003 = lines.index(next(line for line in lines if line.startswith("IL8003")))
    assert [code for code in ("DL4003", "DL4004", "DL3012") if any(code in line for line in lines[il8003 : il8003 + 4])] == [
        "DL4003", "DL4004", "DL3012"
    ]
    # Summaries are wrapped, never cut: every word of every summary is in the table.
    flat = " ".join(" ".join(line.split()) for line in lines)
    for rule in registered_rules().values():
        last_word = rule.summary.split()[-1]
        assert last_word in flat, rule.code
