"""A longer run of the property tests (tests/property/) for nightly use: every fuzz target of
tests/support/fuzz_targets.py with many cases and a seed of its own. Prints, per target, the cases
run, whether it failed (with the smallest failing input hypothesis found) and the slowest input.

    python bench/fuzz.py [--examples 2000] [--seed N] [--only every-rule,shell-model,...] [--list]

The seed is printed, so a failing night can be run again exactly. Exit status 1 when a target
failed. To fuzz something new, add a target to ``TARGETS`` in tests/support/fuzz_targets.py (the
image side can add its tar/OCI targets there, built with tests/support/image_archives.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.support.fuzz_targets import TARGETS, FuzzTarget  # noqa: E402


def fuzz(target: FuzzTarget, examples: int, seed_value: int) -> dict:
    """Run one target; its cases, failure (text or None) and slowest case (seconds, input)."""
    outcome = {"cases": 0, "failure": None, "slowest": (0.0, None)}

    def case(example: object) -> None:
        outcome["cases"] += 1
        started = time.perf_counter()
        try:
            target.check(example)
        finally:
            elapsed = time.perf_counter() - started
            if elapsed > outcome["slowest"][0]:
                outcome["slowest"] = (elapsed, example)

    test = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )(given(target.strategy)(case))
    try:
        seed(seed_value)(test)()
    except Exception as err:  # noqa: BLE001 - a failing target is reported, the others still run
        outcome["failure"] = "".join(traceback.format_exception_only(type(err), err)).strip()
    return outcome


def _shown(example: object, width: int = 160) -> str:
    text = repr(example)
    return text if len(text) <= width else f"{text[:width]}... ({len(text)} characters)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="cases per target (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: a new one, printed)")
    parser.add_argument("--only", default="", help="comma-separated target names")
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    args = parser.parse_args()
    if args.list:
        for target in TARGETS:
            print(target.name)
        return 0
    wanted = [name for name in args.only.split(",") if name]
    unknown = set(wanted) - {t.name for t in TARGETS}
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))} (see --list)")
    seed_value = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed_value}, {args.examples} cases per target")
    failures = 0
    total = 0
    for target in TARGETS:
        if wanted and target.name not in wanted:
            continue
        started = time.perf_counter()
        outcome = fuzz(target, args.examples, seed_value)
        total += outcome["cases"]
        seconds, example = outcome["slowest"]
        status = "ok" if outcome["failure"] is None else "FAILED"
        print(f"{target.name:24} {status:6} {outcome['cases']:7} cases  {time.perf_counter() - started:7.1f} s  slowest {seconds:.3f} s")
        print(f"{'':24} slowest input: {_shown(example)}")
        if outcome["failure"] is not None:
            failures += 1
            print(f"{'':24} {outcome['failure']}")
    print(f"{total} cases, {failures} failed target(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
