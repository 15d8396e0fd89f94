"""Benchmark: a one-file ``imagelint lint`` against the imports it cannot avoid (prints figures; not a test).

    python bench/startup.py [--runs N] [--before DIR] [--skip-hadolint]

The pre-commit and editor case: one 4-line Dockerfile in a folder with a ``.dockerignore`` and a
``pyproject.toml`` (what a project has), the whole process timed, against
``python -c "import typer, dockerfile_parse"`` (the floor: imagelint's command line and parser
libraries alone) and hadolint on the same file. Median of ``--runs`` after a warm-up run, the
runs of each command taken in turn so that a change of load hits them alike. Python runs as from a
byte-compiled install (see bench/lint_corpus.py). The target: imagelint at most 1.5x the floor.
``--before DIR`` also runs the imagelint package found in DIR (``PYTHONPATH``: a copy of an older
tree, with ``rules/`` as ``imagelint/rules``), in the same rounds, for a before/after figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_corpus import (  # noqa: E402
    SMALL_DOCKERFILE,
    BenchError,
    checked,
    cleanup_pycache,
    find_hadolint,
    imagelint_command,
    load_average,
    machine,
    run_measured,
)

FLOOR = [sys.executable, "-c", "import typer, dockerfile_parse"]


def project(folder: Path) -> Path:
    """A small project as a pre-commit hook sees it; returns its Dockerfile."""
    (folder / ".dockerignore").write_text(".git\n*.log\nnode_modules\n")
    (folder / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1.0"\n')
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(SMALL_DOCKERFILE)
    return dockerfile


def measure(runs: int, hadolint: str | None, before: Path | None = None) -> dict:
    """Median wall and CPU seconds of each command, ``runs`` rounds taken in turn."""
    lint_args = ["lint", "--fail-on", "never", "Dockerfile"]
    with tempfile.TemporaryDirectory(prefix="imagelint-startup-") as tmp:
        folder = Path(tmp)
        project(folder)
        commands = {
            "floor": FLOOR,
            "imagelint": imagelint_command() + lint_args,
            "python": [sys.executable, "-c", "pass"],
        }
        envs: dict[str, dict[str, str]] = {}
        if before is not None:
            commands["before"] = [sys.executable, "-m", "imagelint", *lint_args]
            envs["before"] = {"PYTHONPATH": str(before.resolve()), "PYTHONSAFEPATH": "1"}
        if hadolint:
            commands["hadolint"] = [hadolint, "--no-fail", "Dockerfile"]
        for name, cmd in commands.items():  # warm-up: bytecode written, files in the page cache
            checked(run_measured(cmd, cwd=folder, extra_env=envs.get(name)), cmd[0])
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                run = checked(run_measured(cmd, cwd=folder, extra_env=envs.get(name)), cmd[0])
                walls[name].append(run.wall)
                cpus[name].append(run.cpu)
    return {name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands}


def render(figures: dict, runs: int) -> list[str]:
    floor_wall = figures["floor"][0]
    rows = [
        ("`imagelint lint Dockerfile`", "imagelint"),
        ("`imagelint lint Dockerfile`, the copy in `--before`", "before"),
        ('`python -c "import typer, dockerfile_parse"` (the floor)', "floor"),
        ("`python -c pass`", "python"),
        ("`hadolint Dockerfile`", "hadolint"),
    ]
    out = [f"| One 4-line file, whole process (median of {runs}) | Wall | CPU | Wall ÷ floor |", "|---|---:|---:|---:|"]
    for label, name in rows:
        if name in figures:
            wall, cpu = figures[name]
            out.append(f"| {label} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {wall / floor_wall:.2f}× |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds (default: %(default)s)")
    parser.add_argument("--skip-hadolint", action="store_true")
    parser.add_argument("--before", type=Path, help="also run the imagelint package in this folder (PYTHONPATH)")
    args = parser.parse_args(argv)
    hadolint = None if args.skip_hadolint else find_hadolint()
    info = machine()
    before = load_average()
    try:
        figures = measure(args.runs, hadolint, args.before)
    except BenchError as err:
        print(f"benchmark aborted: {err}", file=sys.stderr)
        return 1
    finally:
        cleanup_pycache()
    after = load_average()
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}, Python {info['python']}, {info['os']}")
    print(f"load average before/after: {before} / {after}")
    print("\n".join(render(figures, args.runs)))
    ratio = figures["imagelint"][0] / figures["floor"][0]
    print(f"\nimagelint ÷ floor: {ratio:.2f}× (target: at most 1.5×)")
    if "before" in figures:
        print(f"before ÷ floor: {figures['before'][0] / figures['floor'][0]:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
