"""`imagelint rules` shows every hadolint rule's status: an equivalent, or why there is none."""

from __future__ import annotations

import json

from imagelint.knowledge.hadolint_rules import HADOLINT_RULES, NOT_COVERED
from tests.support.cli import run


def test_rules_ends_with_the_hadolint_rules_without_an_equivalent():
    out = run("rules", env={"COLUMNS": "100"}).stdout.decode()
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    footer = " ".join(" ".join(line.split()) for line in lines[lines.index(next(l for l in lines if l.startswith("hadolint 2.15.1:"))) :])
    assert "69 of its 71 rules have an imagelint equivalent" in footer
    for code, reason in NOT_COVERED.items():
        assert f"{code} {' '.join(reason.split())}" in footer


def test_rules_hadolint_lists_every_code_with_its_status():
    lines = run("rules", "--hadolint", env={"COLUMNS": "120"}).stdout.decode().splitlines()
    listed = [line.split()[0] for line in lines if line[:2] == "DL"]
    assert listed == sorted(HADOLINT_RULES)
    assert next(line for line in lines if line.startswith("DL3047")).split()[2:] == ["IL6019", "wget-without-progress-option"]
    assert "not covered:" in next(line for line in lines if line.startswith("DL3057"))


def test_rules_hadolint_json():
    entries = {e["code"]: e for e in json.loads(run("rules", "--hadolint", "--format", "json").stdout)}
    assert set(entries) == set(HADOLINT_RULES)
    assert entries["DL3066"]["equivalents"] == ["IL7014"] and entries["DL3066"]["not_covered"] is None
    assert entries["DL1001"]["equivalents"] == [] and "disable-ignore-pragma" in entries["DL1001"]["not_covered"]
    assert "BusyBox" in entries["DL3047"]["differences"]
