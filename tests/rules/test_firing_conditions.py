"""Rules' firing conditions (``instructions=``, ``mentions=``): a rule is skipped only where it could
not have found anything, and a one-file run imports only the rules it runs.

The whole-corpus check (every finding the same with and without the conditions) is in test_corpus.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib

import pytest

from imagelint import engine
from imagelint.dockerfile import parse
from imagelint.rule import registered_rules
from imagelint.settings import Settings, settings_from_table
from tests.support.helpers import write_context

RULES = registered_rules()
DOCKERFILE_RULES = [rule for rule in RULES.values() if rule.target == "dockerfile"]
CONDITIONED = [rule for rule in DOCKERFILE_RULES if rule.instructions or rule.mentions]


def _all_rules_run(monkeypatch) -> None:
    monkeypatch.setattr(engine, "rules_that_may_fire", lambda rules, dockerfile, build_args=None: list(rules))


def test_most_rules_declare_when_they_can_fire():
    unconditioned = [rule.code for rule in DOCKERFILE_RULES if not (rule.instructions or rule.mentions)]
    assert len(CONDITIONED) >= len(DOCKERFILE_RULES) // 2, unconditioned


@pytest.mark.parametrize("rule", CONDITIONED, ids=lambda rule: rule.code)
def test_every_documented_example_gives_the_same_findings_without_the_conditions(rule, tmp_path, monkeypatch):
    """All rules on each of the rule's examples: skipping by conditions loses no finding of any rule."""
    for n, example in enumerate((*rule.doc.bad, *rule.doc.good)):
        folder = tmp_path / f"example-{n}"  # each example's build context on its own
        folder.mkdir()
        settings = settings_from_table(tomllib.loads(example.config), "example", RULES) if example.config else Settings()

        def findings() -> list[dict]:
            return [f.to_dict() for f in _every_dockerfile_rule(example, settings, folder)]

        with_conditions = findings()
        with monkeypatch.context() as patch:
            _all_rules_run(patch)
            without = findings()
        assert with_conditions == without, example.dockerfile


def _every_dockerfile_rule(example, settings: Settings, tmp_path) -> list:
    """Findings of every Dockerfile rule on a documented example (with its build context)."""
    context_dir = None
    if example.context is not None:
        write_context(tmp_path, example.context)
        context_dir = tmp_path
    dockerfile = parse(textwrap.dedent(example.dockerfile), "Dockerfile")
    findings, crashes = engine.lint(dockerfile, DOCKERFILE_RULES, settings, context_dir=context_dir)
    assert not crashes, crashes
    return findings


def _rule(**conditions):
    return next(iter(RULES.values())).__class__(
        code="IL0000", name="probe", family="correctness", severity=RULES["IL1001"].severity, check_ref="x:y", **conditions
    )


def test_instructions_count_onbuild_triggers_and_mentions_ignore_case():
    add_rule = _rule(instructions=frozenset({"ADD"}))
    apt_rule = _rule(instructions=frozenset({"RUN"}), mentions=("apt-get",))

    def runs(rule, text: str, build_args=None) -> bool:
        return rule in engine.rules_that_may_fire([rule], parse(text, "Dockerfile"), build_args)

    assert not runs(add_rule, "FROM scratch\nCOPY a /a\n")
    assert runs(add_rule, "FROM scratch\nONBUILD ADD a /a\n")
    assert runs(apt_rule, "FROM debian\nRUN APT-GET install -y curl\n")
    assert not runs(apt_rule, "FROM debian\nRUN apk add curl\n")
    assert not runs(apt_rule, "FROM debian\n# apt-get is not run here\nCOPY a /a\n")  # both conditions must hold
    assert runs(apt_rule, "FROM debian\nARG PM\nRUN $PM install -y curl\n", {"PM": "apt-get"})


def test_a_one_file_run_imports_only_the_rules_it_may_run(tmp_path):
    """The pre-commit case: the rule modules of rules that cannot fire on the file are not imported."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.0\nCMD [\"python\"]\n")
    script = (
        "import json, sys\n"
        "from imagelint.cli import main\n"
        f"sys.argv = ['imagelint', 'lint', '--fail-on', 'never', {str(dockerfile)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('imagelint.rules.'))), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    imported = set(json.loads(run.stderr.strip().splitlines()[-1]))
    file = parse(dockerfile.read_text(), "Dockerfile")
    may_fire = {rule.code for rule in engine.rules_that_may_fire(DOCKERFILE_RULES, file)}
    for rule in RULES.values():
        module = rule.check_ref.partition(":")[0]
        if rule.target == "image" or rule.code not in may_fire:
            assert module not in imported, f"{rule.code} cannot fire on the file, yet {module} was imported"
    skipped = [rule for rule in DOCKERFILE_RULES if rule.code not in may_fire]
    assert len(skipped) >= 20, "a file with no apt, apk, ADD, LABEL ... should skip many rules"
