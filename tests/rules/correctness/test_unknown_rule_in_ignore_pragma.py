"""IL8021 unknown-rule-in-ignore-pragma: what a pragma may name, what it may not, and where the finding points."""

from __future__ import annotations

from imagelint import engine
from imagelint.dockerfile import parse
from imagelint.settings import Settings
from tests.support.helpers import catches, passes, unmapped_hadolint_code


def test_a_misspelt_rule_name_is_reported_at_the_pragma_with_the_closest_name():
    text = "FROM alpine:3.20\n# imagelint ignore=IL8002,shell-form-entrypont  # the script execs\nENTRYPOINT /app/run\n"
    finding = catches("IL8021", text)[0]
    assert (finding.line, finding.column) == (2, 27)
    assert "'shell-form-entrypont'" in finding.message
    assert "did you mean 'shell-form-entrypoint'?" in finding.message


def test_a_code_in_the_wrong_case_gets_the_right_spelling_suggested():
    finding = catches("IL8021", "FROM alpine:3.20\n# imagelint ignore=il8002\nENTRYPOINT /app/run\n")[0]
    assert "did you mean 'IL8002'?" in finding.message


def test_codes_names_families_all_and_other_tools_names_are_known():
    passes(
        "IL8021",
        """\
        FROM alpine:3.20
        # imagelint ignore=IL8002,shell-form-entrypoint,correctness,JSONArgsRecommended,DL3025
        ENTRYPOINT /app/run
        # imagelint global ignore=ALL
        # imagelint stage ignore=base-image
        FROM alpine:3.20
        # imagelint ignore=SC2086,shellcheck
        RUN echo $HOME
        """,
    )


def test_a_hadolint_pragma_may_name_any_dl_or_sc_code():
    # The same line is read by hadolint, which knows rules imagelint has no equivalent of.
    passes("IL8021", f"FROM alpine:3.20\n# hadolint ignore=DL3008,{unmapped_hadolint_code()},DL9999,SC2086\nRUN echo $HOME\n")


def test_a_hadolint_pragma_with_a_misspelt_name_is_reported():
    finding = catches("IL8021", "FROM alpine:3.20\n# hadolint ignore=DL3008,latest-base-tag\nRUN true\n")[0]
    assert "'latest-base-tag'" in finding.message


def test_a_hadolint_code_without_equivalent_in_an_imagelint_pragma_says_so():
    code = unmapped_hadolint_code()
    finding = catches("IL8021", f"FROM alpine:3.20\n# imagelint ignore={code}\nRUN true\n")[0]
    assert f"'{code}' is a hadolint rule with no imagelint equivalent" in finding.message
    assert f"# hadolint ignore={code}" in finding.message
    other = catches("IL8021", "FROM alpine:3.20\n# imagelint ignore=DL9999\nRUN true\n")[0]
    assert "'DL9999' is not a hadolint rule" in other.message


def test_a_global_pragma_is_checked_too():
    finding = catches("IL8021", "# imagelint global ignore=cache-ordr\nFROM alpine:3.20\n")[0]
    assert finding.line == 1 and "did you mean 'cache-order'?" in finding.message


def test_a_pragma_that_names_il8021_silences_its_own_finding():
    passes("IL8021", "FROM alpine:3.20\n# imagelint ignore=IL8021,no-such-rule\nRUN true\n")
    passes("IL8021", "# imagelint global ignore=unknown-rule-in-ignore-pragma\nFROM alpine:3.20\n# imagelint ignore=nope\nRUN true\n")


def test_the_rule_runs_by_default_and_is_selectable_by_code_name_or_family():
    dockerfile = parse("FROM alpine:3.20\n# imagelint ignore=no-such-rule\nRUN true\n", "Dockerfile")

    def on_the_pragma(settings: Settings) -> list[str]:
        findings, crashes = engine.lint(dockerfile, engine.select_rules(settings), settings)
        assert not crashes
        return [f.rule for f in findings if f.line == 2]

    assert on_the_pragma(Settings()) == ["IL8021"]
    assert on_the_pragma(Settings(ignore=("unknown-rule-in-ignore-pragma",))) == []
    assert on_the_pragma(Settings(select=("IL6001",))) == []
    assert on_the_pragma(Settings(select=("correctness",))) == ["IL8021"]
