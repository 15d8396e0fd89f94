"""Hostile lint-side inputs (issue #15): what each costs ``imagelint`` in wall time, CPU time and
peak RSS, and how it ends (prints figures; not a test).

    python bench/hostile_inputs.py [--only TEXT,...] [--cap 60] [--python-path DIR]
                                   [--memory-limit-mb 8000] [--markdown]

Each case of tests/support/hostile_lint_cases.py is built in a fresh folder and run once as a
``python -m imagelint`` child, measured with ``os.wait4``. A run still going after ``--cap``
seconds is killed and shown as such (several cases hung before the fixes). ``--python-path``
runs another copy of imagelint (an unchanged checkout, for before figures; it needs
``imagelint/rules`` and ``imagelint/templates`` links to its ``rules/`` and ``reports/templates/``,
as the installed package maps them); ``--memory-limit-mb`` caps the child's address space so a case
that once took gigabytes ends in MemoryError instead of taking the machine. ``--only`` keeps the
cases whose name contains one of the texts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.hostile_lint_cases import CASES, Outcome, run_measured  # noqa: E402


def _ending(outcome: Outcome) -> str:
    if outcome.killed:
        return "killed at the cap"
    lines = outcome.lines()
    last = lines[-1] if lines else ""
    if "MemoryError" in last:
        return "MemoryError"
    if "internal error" in last or "Traceback" in outcome.stderr:
        return "internal error: " + last.split("internal error", 1)[1][:60].strip(": ")
    return f"exit {outcome.code}" + (f", {len(lines)} line(s) on stderr" if lines else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated parts of case names")
    parser.add_argument("--cap", type=float, default=60, help="seconds before a run is killed (default 60)")
    parser.add_argument("--python-path", default=None, help="run the imagelint found there")
    parser.add_argument("--memory-limit-mb", type=int, default=8000, help="address-space limit of each run")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    wanted = [part for part in args.only.split(",") if part]
    rows = []
    for case in CASES:
        if wanted and not any(part in case.name for part in wanted):
            continue
        folder = Path(tempfile.mkdtemp(prefix="imagelint-hostile-"))
        try:
            arguments = case.build(folder)
            outcome = run_measured(
                *arguments, cwd=folder, stdin=case.stdin, env=case.env, cap=args.cap,
                python_path=args.python_path, memory_limit_mb=args.memory_limit_mb,
            )  # fmt: skip
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        wall = f">{args.cap:.0f}" if outcome.killed else f"{outcome.wall:.1f}"
        rows.append((case.name, wall, f"{outcome.cpu:.1f}", f"{outcome.peak_mb:.0f}", _ending(outcome)))
        if not args.markdown:
            print(f"{case.name:48} {wall:>6} s wall {outcome.cpu:6.1f} s CPU {outcome.peak_mb:7.0f} MB  {rows[-1][4]}", flush=True)
    if args.markdown:
        print("| case | wall s | CPU s | peak MB | ends with |")
        print("|---|---:|---:|---:|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
