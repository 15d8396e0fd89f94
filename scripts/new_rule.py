"""Start a new rule: ``python scripts/new_rule.py FAMILY NAME``.

Writes ``rules/<family>/<name>.py`` (the rule, with the next free code of its family, its
documentation sections and an empty check) and ``tests/rules/<family>/test_<name>.py`` (a test
that the Bad example is caught and the Good one is not). Both fail until the check is written and
the examples are made real: that is the point. See docs/architecture.md, "Adding a rule".

NAME is the kebab-case name of the *bad pattern* (``apt-get-install-without-yes``), FAMILY one of
the families (``cache-order``, ``security``, ...). ``--root DIR`` writes into another checkout.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from imagelint.findings import FAMILIES  # noqa: E402
from imagelint.rule import NAME_PATTERN, RETIRED_CODES  # noqa: E402

# The thousands digit of a family's codes (IL1xxx cache-order ... IL9xxx image).
FAMILY_DIGIT = {family: str(number) for number, family in enumerate(FAMILIES, start=1)}

RULE_TEMPLATE = '''"""{code} {name}."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule


@rule(code="{code}", name="{name}", family="{family}", severity="warning")
def {function}(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """One line saying what is wrong, as the user will read it in `imagelint rules`.

    ## Why
    What it costs the user (image size, build time, a broken or unsafe image), and when it does not
    apply (the cases the check stays silent on).

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    USER app
    ```

    ## Fix
    What to change, concretely.
    """
    # Look at ctx.instructions / ctx.stages / ctx.run_scripts (see imagelint/context.py) and yield
    # Violation(message, instruction) for each problem; rule.options holds the configured options.
    yield from ()
'''

TEST_TEMPLATE = '''"""{code} {name}: the documented cases, and the idioms it must stay silent on."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_catches_the_bad_pattern():
    finding = catches("{code}", "FROM debian:12-slim\\n")[0]
    assert finding.line == 1


def test_silent_on_the_good_pattern():
    passes("{code}", "FROM debian:12-slim\\nUSER app\\n")
'''


class ScaffoldError(Exception):
    pass


def used_codes(root: Path) -> set[str]:
    """Every code some rule file under ``root/rules`` declares, plus the retired ones."""
    codes = set(RETIRED_CODES)
    for path in (root / "rules").rglob("*.py"):
        codes.update(re.findall(r'code="(IL\d{4})"', path.read_text(encoding="utf-8")))
    return codes


def next_code(family: str, root: Path) -> str:
    digit = FAMILY_DIGIT[family]
    taken = used_codes(root)
    for number in range(1, 100):  # IL9101+ are the image budget rules: keep to the first hundred
        code = f"IL{digit}{number:03d}"
        if code not in taken:
            return code
    raise ScaffoldError(f"no free code left in IL{digit}001-IL{digit}099")


def scaffold(family: str, name: str, root: Path) -> tuple[Path, Path, str]:
    if family not in FAMILIES:
        raise ScaffoldError(f"unknown family '{family}' (one of: {', '.join(FAMILIES)})")
    if not NAME_PATTERN.match(name):
        raise ScaffoldError(f"rule name '{name}' must be kebab-case, e.g. apt-get-install-without-yes")
    module = name.replace("-", "_")
    folder = family.replace("-", "_")
    rule_path = root / "rules" / folder / f"{module}.py"
    test_path = root / "tests" / "rules" / folder / f"test_{module}.py"
    for path in (rule_path, test_path):
        if path.exists():
            raise ScaffoldError(f"{path} already exists")
    if any(f'name="{name}"' in p.read_text(encoding="utf-8") for p in (root / "rules").rglob("*.py")):
        raise ScaffoldError(f"a rule named '{name}' already exists")
    code = next_code(family, root)
    values = {"code": code, "name": name, "family": family, "function": module}
    for path, template in ((rule_path, RULE_TEMPLATE), (test_path, TEST_TEMPLATE)):
        path.parent.mkdir(parents=True, exist_ok=True)
        init = path.parent / "__init__.py"
        if not init.exists():
            init.write_text("" if "tests" in path.parts else f'"""The {family} rules, one per module."""\n')
        path.write_text(template.format(**values), encoding="utf-8")
    return rule_path, test_path, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a new rule file and its test from the template.")
    parser.add_argument("family", help=f"one of: {', '.join(FAMILIES)}")
    parser.add_argument("name", help="kebab-case name of the bad pattern")
    parser.add_argument("--root", type=Path, default=REPO, help="checkout to write into (default: this one)")
    args = parser.parse_args(argv)
    try:
        rule_path, test_path, code = scaffold(args.family, args.name, args.root)
    except ScaffoldError as err:
        print(f"new_rule: {err}", file=sys.stderr)
        return 2
    print(f"{code} {args.name}: wrote {rule_path} and {test_path}")
    if args.root == REPO:  # imagelint reads rules from the index: put the new one in it
        subprocess.run([sys.executable, str(REPO / "scripts" / "gen_rule_index.py")], check=True)
    print("Next: write the check and real Bad/Good examples, then run: bash scripts/test.sh tests/rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
