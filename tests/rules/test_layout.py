"""Tests mirror the rules: rules/<family>/<name>.py is tested in tests/rules/<family>/test_<name>.py.

Image rules (``target == "image"``) check built images: tests/image/ and tests/integration/ test them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import imagelint.rules
from imagelint.rule import registered_rules

RULES_DIR = Path(imagelint.rules.__path__[0])
TESTS_DIR = Path(__file__).resolve().parent
NOT_RULES = {"__init__.py", "shared.py"}
IMAGE_RULE_MODULES = {rule.check.__module__ for rule in registered_rules().values() if rule.target == "image"}
RULE_FILES = sorted(
    path
    for path in RULES_DIR.glob("*/*.py")
    if path.name not in NOT_RULES and f"imagelint.rules.{path.parent.name}.{path.stem}" not in IMAGE_RULE_MODULES
)


def _relative(path: Path) -> str:
    return path.relative_to(RULES_DIR.parent).as_posix()


def _tests_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    return [
        node.name
        for node in tree.body
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"))
        or (isinstance(node, ast.ClassDef) and node.name.startswith("Test"))
    ]


def test_there_are_rule_files_and_image_rules_to_skip():
    assert len(RULE_FILES) >= 80
    assert IMAGE_RULE_MODULES and all(module.startswith("imagelint.rules.") for module in IMAGE_RULE_MODULES)


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=_relative)
def test_every_rule_file_has_a_test_file_with_tests(rule_file):
    family = rule_file.parent.name
    test_file = TESTS_DIR / family / f"test_{rule_file.stem}.py"
    assert test_file.is_file(), f"{_relative(rule_file)} has no tests: expected {test_file.relative_to(TESTS_DIR.parents[1])}"
    # the test files' basenames repeat across families: each family folder must be a package
    assert (TESTS_DIR / family / "__init__.py").is_file(), f"tests/rules/{family}/__init__.py is missing"
    assert _tests_in(test_file), f"{test_file.relative_to(TESTS_DIR.parents[1])} has no test"


def test_every_rule_test_file_names_a_rule_file():
    """A test_<name>.py in a family folder mirrors rules/<family>/<name>.py (test_family_*.py cover several rules)."""
    rule_stems = {(path.parent.name, path.stem) for path in RULES_DIR.glob("*/*.py")}
    strays = [
        path.relative_to(TESTS_DIR.parents[1]).as_posix()
        for path in sorted(TESTS_DIR.glob("*/test_*.py"))
        if not path.name.startswith("test_family_")
        and (path.parent.name, path.stem.removeprefix("test_")) not in rule_stems
    ]
    assert not strays, f"test files named after no rule file: {strays}"
