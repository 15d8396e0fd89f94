"""scripts/new_rule.py: the scaffold writes a rule and its test that fail until the check is written, then pass."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Loads the scaffolded rule and test from a scratch checkout into this repository's registry, then
# runs the docs tests on the rule and the scaffolded test functions.
RUN_SCAFFOLDED = """
import importlib.util, sys, tempfile
from pathlib import Path

def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

rule_path, test_path, code = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
load("imagelint.rules.cache_order." + rule_path.stem, rule_path)
from imagelint.rule import registered_rules
from tests.support.docs import assert_example_holds
rule = registered_rules()[code]
for kind, examples in (("bad", rule.doc.bad), ("good", rule.doc.good)):
    for example in examples:
        assert_example_holds(code, kind, example, Path(tempfile.mkdtemp()))
tests = load("scaffolded_test", test_path)
for name in dir(tests):
    if name.startswith("test_"):
        getattr(tests, name)()
print("scaffolded rule passes")
"""

A_CHECK = '''    for stage in ctx.stages:
        if not any(i.keyword == "USER" for i in stage.instructions):
            yield Violation("the stage never sets USER; add USER app", stage.instructions[0])
'''


def scaffold(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "new_rule.py"), *args, "--root", str(tmp_path)],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A scratch tree holding this repository's rule files, so codes are allocated as they would be here."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "rules", root / "rules")
    return root


def run_scaffolded(rule_path: Path, test_path: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RUN_SCAFFOLDED, str(rule_path), str(test_path), code],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_scaffold_fails_until_the_check_is_written_then_passes(checkout):
    result = scaffold(checkout, "cache-order", "stage-without-user-example")
    assert result.returncode == 0, result.stderr
    rule_path = checkout / "rules" / "cache_order" / "stage_without_user_example.py"
    test_path = checkout / "tests" / "rules" / "cache_order" / "test_stage_without_user_example.py"
    assert rule_path.is_file() and test_path.is_file()
    code = result.stdout.split()[0]
    assert code == "IL1006"  # IL1001-IL1005 are taken

    empty = run_scaffolded(rule_path, test_path, code)
    assert empty.returncode != 0 and "does not trigger the rule" in empty.stderr

    text = rule_path.read_text()
    rule_path.write_text(text[: text.index("    # Look at ctx.instructions")] + A_CHECK)
    written = run_scaffolded(rule_path, test_path, code)
    assert written.returncode == 0, written.stderr
    assert "scaffolded rule passes" in written.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-family", "some-name"), "unknown family 'no-such-family'"),
        (("security", "Not_Kebab"), "must be kebab-case"),
        (("security", "sudo-in-run"), "sudo_in_run.py already exists"),
        (("correctness", "sudo-in-run"), "a rule named 'sudo-in-run' already exists"),
    ],
)
def test_scaffold_refuses_bad_input_with_one_line(checkout, args, message):
    result = scaffold(checkout, *args)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
