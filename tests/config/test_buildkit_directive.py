"""BuildKit's ``# check=`` parser directive, read as ``docker build --check`` reads it."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from imagelint import engine
from imagelint.dockerfile import parse
from imagelint.findings import Severity
from imagelint.pragmas import BUILDKIT_CHECKS, CheckDirectiveError, parse_check_directive
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.cli import no_traceback, run

BODY = (
    "FROM alpine:3.20 AS Build\n"  # IL4004 (StageNameCasing), plus rules without a BuildKit equivalent
    "MAINTAINER someone@example.com\n"  # IL8004 (MaintainerDeprecated)
    "CMD echo hi\n"  # IL8002 (JSONArgsRecommended)
)
BUILDKIT_RULES = {"IL4004", "IL8004", "IL8002"}


def findings(text: str, settings: Settings | None = None):
    settings = settings or Settings()
    found, errors = engine.lint(parse(text, "Dockerfile"), engine.select_rules(settings), settings)
    return {(f.rule, str(f.severity)) for f in found}, errors


def test_without_the_directive_nothing_changes():
    plain, errors = findings(BODY)
    assert not errors
    assert BUILDKIT_RULES <= {rule for rule, _ in plain}
    assert findings("# syntax=docker/dockerfile:1\n" + BODY)[0] == plain


def test_skip_drops_the_rules_that_declare_those_checks():
    plain, _ = findings(BODY)
    skipped, errors = findings("# check=skip=JSONArgsRecommended,StageNameCasing\n" + BODY)
    assert not errors
    assert {rule for rule, _ in plain} - {rule for rule, _ in skipped} == {"IL8002", "IL4004"}


def test_skip_all_drops_only_rules_with_a_buildkit_equivalent():
    plain, _ = findings(BODY)
    skipped, _ = findings("# syntax=docker/dockerfile:1\n# check=skip=all\n" + BODY)
    assert skipped == {f for f in plain if f[0] not in BUILDKIT_RULES}
    assert skipped  # IL7001, IL5006 and the others still report


def test_error_true_makes_buildkit_findings_errors_and_leaves_the_others():
    plain, _ = findings(BODY)
    strict, _ = findings("# check=error=true\n" + BODY)
    assert {f for f in strict if f[0] in BUILDKIT_RULES} == {(rule, "error") for rule in BUILDKIT_RULES}
    assert {f for f in strict if f[0] not in BUILDKIT_RULES} == {f for f in plain if f[0] not in BUILDKIT_RULES}


def test_error_true_wins_over_the_configured_severity():
    strict, _ = findings("# check=error=true\n" + BODY, Settings(severity={"IL8002": Severity.STYLE}))
    assert ("IL8002", "error") in strict


def test_skip_and_error_combined():
    combined, _ = findings("# check=skip=JSONArgsRecommended;error=true\n" + BODY)
    rules = {rule for rule, _ in combined}
    assert "IL8002" not in rules
    assert ("IL8004", "error") in combined and ("IL4004", "error") in combined


def test_unknown_and_miscased_names_are_ignored_like_buildkit():
    plain, _ = findings(BODY)
    # A typo, a check imagelint has no rule for, an imagelint code and BuildKit's wrong case: all
    # unknown to BuildKit's skip list, so nothing is dropped and nothing is reported about them.
    text = "# check=skip=JSONArgsRecomended,InvalidDefinitionDescription,IL8002,jsonargsrecommended\n" + BODY
    assert findings(text) == (plain, [])


def test_a_rule_is_skipped_when_any_of_its_checks_is():
    text = "FROM alpine:3.20 as build\nRUN true\n"  # IL8015: ConsistentInstructionCasing, FromAsCasing
    assert "IL8015" in {rule for rule, _ in findings(text)[0]}
    assert "IL8015" not in {rule for rule, _ in findings("# check=skip=FromAsCasing\n" + text)[0]}


def test_experimental_check_turned_on_is_not_skipped(tmp_path):
    (tmp_path / ".dockerignore").write_text("secret.txt\n")
    (tmp_path / "secret.txt").write_text("x\n")
    body = "FROM alpine:3.20\nCOPY secret.txt /\n"

    def rules_of(head):
        settings = Settings()
        found, _ = engine.lint(
            parse(head + body, "Dockerfile"), engine.select_rules(settings), settings, context_dir=tmp_path
        )
        return {f.rule for f in found}

    assert "IL3004" in rules_of("")
    assert "IL3004" not in rules_of("# check=skip=all\n")
    assert "IL3004" in rules_of("# check=skip=all;experimental=CopyIgnoredFile\n")


def test_a_directive_after_an_instruction_is_a_comment():
    plain, _ = findings(BODY)
    assert findings(BODY + "# check=skip=all\n")[0] == plain


@pytest.mark.parametrize(
    ("value", "skip_all", "skip", "error"),
    [
        ("skip=A, B ;error=true", False, {"A", "B"}, True),
        (" skip = all ", True, set(), False),
        ("error=1", False, set(), True),
        ("error=False;skip=A", False, {"A"}, False),
        ("experimental=all;skip=A", False, {"A"}, False),
    ],
)
def test_directive_parsing_follows_buildkit(value, skip_all, skip, error):
    directive = parse_check_directive(value)
    assert (directive.skip_all, set(directive.skip), directive.error) == (skip_all, skip, error)


@pytest.mark.parametrize("value", ["skip", "error=maybe", "color=red", "Skip=A", "error=yes"])
def test_directive_buildkit_refuses_is_refused(value):
    with pytest.raises(CheckDirectiveError):
        parse_check_directive(value)


def test_bad_directive_is_one_line_exit_2_and_the_file_is_still_linted(tmp_path):
    (tmp_path / "Dockerfile").write_text("# check=error=maybe\n" + BODY)
    result = run("lint", "Dockerfile", "-f", "json", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    errors = result.stderr.decode().strip().splitlines()
    assert errors == ["imagelint: Dockerfile:1: check directive: error=maybe: not true or false"]
    assert {"IL8002", "IL4004"} <= {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_error_true_fails_a_run_that_passed(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20 AS Build\nRUN true\n")
    assert run("lint", "Dockerfile", "--fail-on", "error", "--select", "IL4004", cwd=tmp_path).returncode == 0
    (tmp_path / "Dockerfile").write_text("# check=error=true\nFROM alpine:3.20 AS Build\nRUN true\n")
    assert run("lint", "Dockerfile", "--fail-on", "error", "--select", "IL4004", cwd=tmp_path).returncode == 1


def test_buildkit_table_in_the_docs_is_current():
    """docs/migrating.md's BuildKit -> IL table is generated from the registry; regenerate it with
    python scripts/gen_buildkit_table.py when rules change."""
    script = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "gen_buildkit_table.py"))
    doc = script["DOC"].read_text(encoding="utf-8")
    assert script["updated"](doc) == doc, "docs/migrating.md is out of date: run python scripts/gen_buildkit_table.py"
    for name in BUILDKIT_CHECKS:
        assert f"| {name} |" in doc


def test_every_declared_buildkit_equivalent_is_a_buildkit_check():
    """A misspelt ``buildkit=`` would make the directive and --select silently miss the rule."""
    for rule in registered_rules().values():
        assert set(rule.buildkit) <= set(BUILDKIT_CHECKS), rule.code
