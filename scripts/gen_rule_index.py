"""Write the precomputed rule index, ``imagelint/rule_index.py``: ``python scripts/gen_rule_index.py``.

imagelint reads every rule's metadata (code, name, family, severity, options, equivalents, when it
can fire) from the index, so that a run imports only the rule modules whose checks it runs. Run
this after adding a rule or changing a ``@rule(...)`` declaration; ``--check`` exits 1 when the
index is out of date (the tests check it too, and a stale entry fails when its rule first runs).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INDEX = REPO / "imagelint" / "rule_index.py"

HEADER = '''"""Every rule's metadata, precomputed from the rule modules by scripts/gen_rule_index.py: do not edit.

See :func:`imagelint.rule.registered_rules`; each entry is :meth:`imagelint.rule.Rule.index_entry`.
"""

'''


def render() -> str:
    sys.path.insert(0, str(REPO))
    from imagelint.rule import declared_rules

    entries = tuple(rule.index_entry() for rule in declared_rules().values())
    # One rule per line: a change to a rule's declaration is a one-line change of the index.
    return HEADER + "RULES = (\n" + "".join(f"    {entry!r},\n" for entry in entries) + ")\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the index is out of date, writing nothing")
    args = parser.parse_args(argv)
    text = render()
    current = INDEX.read_text(encoding="utf-8") if INDEX.is_file() else ""
    if args.check:
        if text != current:
            print(f"{INDEX.relative_to(REPO)} is out of date: run python scripts/gen_rule_index.py", file=sys.stderr)
            return 1
        return 0
    if text != current:
        INDEX.write_text(text, encoding="utf-8")
        print(f"wrote {INDEX.relative_to(REPO)} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
