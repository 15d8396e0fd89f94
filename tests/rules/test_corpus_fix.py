"""``imagelint fix --unsafe`` over every corpus Dockerfile: what it changes is only what it fixed.

For each file BuildKit accepts: the fixed file is accepted by BuildKit too (its own parser, the
``dockerfile`` package), every instruction the fix did not touch comes out the same and in the same
order, no rule fires more often than before (a fix never contradicts another rule), re-linting
shows none of the fixed findings, nothing fixable is left, and fixing again changes nothing. The counts (files fixed, fixes
applied, by rule) are printed for the CI log.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from imagelint import engine
from imagelint.fixer import fix_text
from imagelint.settings import Settings

pytestmark = pytest.mark.corpus

SHOWN_FAILURES = 10


def _oracle():
    try:
        import dockerfile
    except ImportError as exc:
        message = f"the BuildKit oracle (PyPI package 'dockerfile') is not installed: {exc}"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return dockerfile


def _items(commands) -> list[tuple]:
    return [((c.cmd or "").upper(), tuple(c.flags), tuple(c.value), bool(c.json), c.start_line, c.end_line) for c in commands]


def _touched_lines(before: str, after: str) -> set[int]:
    """1-based lines of ``before`` that the change replaced or deleted, and those an insertion
    sits between."""
    touched: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        touched.update(range(i1 + 1, i2 + 1))
        if i1 == i2:
            touched.update({i1, i1 + 1})
    return touched


def _is_subsequence(needles: list, haystack: list) -> bool:
    it = iter(haystack)
    return all(any(item == other for other in it) for item in needles)


def _lint(text: str, shown: str, rules, settings):
    from imagelint.dockerfile import parse

    findings, _ = engine.lint(parse(text, shown), rules, settings)
    return findings


def _check_file(path: Path, oracle, rules, settings) -> tuple[str | None, Counter, bool]:
    """(the first problem or None, applied fixes by rule, whether the file changed)."""
    try:
        text = path.read_bytes().decode("utf-8")
        before = oracle.parse_string(text)
    except (UnicodeDecodeError, oracle.GoParseError):
        return None, Counter(), False  # not a file BuildKit (or a UTF-8 rewrite) accepts
    outcome = fix_text(text, str(path), rules, settings, unsafe=True)
    if outcome.crashes:
        return f"rule crashed: {outcome.crashes[0]}", Counter(), False
    if not outcome.changed:
        return None, Counter(), False
    try:
        after = oracle.parse_string(outcome.fixed)
    except oracle.GoParseError as err:
        return f"BuildKit rejects the fixed file: {str(err).splitlines()[0]}", outcome.by_rule(), True
    touched = _touched_lines(text, outcome.fixed)
    kept = [item[:4] for item in _items(before) if not touched & set(range(item[4], item[5] + 1))]
    if not _is_subsequence(kept, [item[:4] for item in _items(after)]):
        return "an instruction the fixes did not touch changed", outcome.by_rule(), True
    found_before = Counter(f.rule for f in _lint(text, str(path), rules, settings))
    found_after = Counter(f.rule for f in outcome.remaining)
    new = [code for code, n in found_after.items() if n > found_before[code]]
    if new:
        return f"the fixes made {new[0]} fire where it did not (a fix contradicting a rule)", outcome.by_rule(), True
    # A fix may expose a finding the next round fixes (``apt`` -> ``apt-get`` lets IL6002 see the
    # install), so a rule can have more fixes applied than it had findings at first.
    kept = [code for code, n in outcome.by_rule().items() if found_after[code] > max(0, found_before[code] - n)]
    if kept:
        return f"a fixed {kept[0]} finding is still reported after fixing", outcome.by_rule(), True
    left = [f for f in outcome.remaining if f.fix is not None and f.fix.applies(unsafe=True)]
    if left:
        return f"still fixable after fixing: {left[0].rule} at line {left[0].line}", outcome.by_rule(), True
    again = fix_text(outcome.fixed, str(path), rules, settings, unsafe=True)
    if again.fixed != outcome.fixed:
        return "a second fix changed the file again", outcome.by_rule(), True
    return None, outcome.by_rule(), True


def test_fix_unsafe_over_the_corpus_changes_only_what_it_fixed(corpus_dir: Path, capsys) -> None:
    oracle = _oracle()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from corpus import corpus_dockerfiles

    settings = Settings()
    rules = engine.select_rules(settings)
    files = corpus_dockerfiles(corpus_dir / "files")
    assert len(files) > 2000
    failures: list[str] = []
    by_rule: Counter = Counter()
    changed = 0
    for path in files:
        problem, applied, was_changed = _check_file(path, oracle, rules, settings)
        by_rule.update(applied)
        changed += was_changed
        if problem:
            failures.append(f"{path.relative_to(corpus_dir)}: {problem}")
    counts = ", ".join(f"{code} {n}" for code, n in sorted(by_rule.items()))
    with capsys.disabled():  # the figures belong in the CI log, pass or fail
        print(f"\nfix --unsafe over the corpus: {changed} of {len(files)} files fixed, {sum(by_rule.values())} fixes ({counts})")
    assert changed > 0, "no corpus file was fixed: are the fixes wired in?"
    assert not failures, f"{len(failures)} files:\n" + "\n".join(failures[:SHOWN_FAILURES])
