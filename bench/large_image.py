"""Benchmark: ``imagelint analyze`` on a generated image of a million files and 5 GB, against
``docker save`` (and dive, when it finishes in time). Prints figures; not a test.

    python bench/large_image.py [--files 1000000] [--average-bytes 5000] [--repeat 3]
                                [--dive-timeout 300] [--skip-dive] [--with-archive]
                                [--imagelint-path DIR] [--rebuild] [--remove] [--markdown]

The image is written here, no Dockerfile and no network: a ``docker save`` archive made by
``tests/support/generated_images.py`` (ustar headers, zero-filled files, the diff IDs hashed as it is
written) is given to ``docker load``, then deleted. Two layers:

1. ``--files`` files in folders of 1,000 (``/m/<folder>/f<n>``), sizes spread evenly from 0 to twice
   ``--average-bytes`` (so 5 GB for the defaults);
2. the deletion of 10 folders (directory whiteouts) and of 2,000 single files (file whiteouts), 3,000
   files written again (a copy-up), and 100 files of apt lists.

It is tagged ``imagelint-bench/large:<shape>`` and kept for the next run (``--rebuild`` makes it
again, ``--remove`` deletes it at the end). Disk: the archive while it loads, then the image (about
``files * average`` bytes each), and the daemon's own copy while each ``docker save`` runs.

Then ``--repeat`` rounds of ``docker save IMAGE`` to /dev/null and ``imagelint analyze IMAGE
--format json`` to /dev/null, taken in turn; ``CI=true dive IMAGE`` once, stopped after
``--dive-timeout`` seconds (dive stacks the lower layers again for every whiteout: on this image it
does not finish in minutes). ``--with-archive`` also times ``imagelint analyze docker-archive:FILE``
on a saved copy. Wall time is measured around each child process, peak RSS is the child's own
``ru_maxrss``; the machine's load average is printed before and after. The daemon sends nothing
until it has written the whole export (60 to 150 s for this image): imagelint's default allowance
for that first byte (the network timeout plus 60 s per GB, here 330 s) covers it. ``--imagelint-path``
runs the imagelint found in that folder (``PYTHONPATH``), e.g. a copy of an older version, for
before/after; such a copy runs with ``IMAGELINT_NETWORK_TIMEOUT=1800``, as versions before the
allowance needed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT))

from analyze_image import Run, Series, child_env, load_average, log, machine, paired_ratio, run_measured, tool  # noqa: E402
from tests.support.generated_images import many_files, spread_sizes, write_saved_image  # noqa: E402

IMAGE_REPOSITORY = "imagelint-bench/large"
TARGET_RATIO_SAVE = 1.3
TARGET_RSS_MB = 300
PER_DIR = 1000
REMOVE_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Shape:
    files: int
    average_bytes: int

    @property
    def tag(self) -> str:
        return f"f{self.files}-a{self.average_bytes}"

    def layers(self) -> list:
        size = spread_sizes(self.average_bytes)
        folders = -(-self.files // PER_DIR)
        deleted_folders = list(range(folders - 10, folders))  # the last ten
        single = range(0, min(2000 * 7, self.files), 7)  # files of the first folders
        rewritten = range(3, min(3000 * 11, self.files), 11)

        def changes():
            yield ("dir", "m")
            for folder in deleted_folders:
                yield ("whiteout", f"m/{folder}")
            for index in single:
                if index % 11 != 3:  # not also rewritten
                    yield ("whiteout", f"m/{index // PER_DIR}/f{index}")
            for index in rewritten:
                yield ("file", f"m/{index // PER_DIR}/f{index}", size(index))
            yield ("dir", "var")
            yield ("dir", "var/lib")
            yield ("dir", "var/lib/apt")
            yield ("dir", "var/lib/apt/lists")
            for index in range(100):
                yield ("file", f"var/lib/apt/lists/list{index}", 20_000)

        return [many_files(self.files, per_dir=PER_DIR, size=size), changes]


def ensure_image(client, shape: Shape, rebuild: bool, docker_cli: str) -> str:
    import docker

    name = f"{IMAGE_REPOSITORY}:{shape.tag}"
    if not rebuild:
        try:
            client.images.get(name)
            log(f"using {name} (made earlier; --rebuild to make it again)")
            return name
        except docker.errors.ImageNotFound:
            pass
    with tempfile.TemporaryDirectory(prefix="imagelint-bench-") as folder:
        archive = Path(folder) / "large.tar"
        log(f"writing {archive} ({shape.files:,} files, about {shape.files * shape.average_bytes / 1e9:.1f} GB) ...")
        started = time.perf_counter()
        with archive.open("wb") as out:
            write_saved_image(out, shape.layers(), tag=name,
                              created_by=["/bin/sh -c #(generated) many files", "/bin/sh -c #(generated) changes"])  # fmt: skip
        log(f"written in {time.perf_counter() - started:.0f} s; docker load ...")
        started = time.perf_counter()
        subprocess.run([docker_cli, "load", "-q", "-i", str(archive)], check=True, stdout=subprocess.DEVNULL)
        log(f"loaded in {time.perf_counter() - started:.0f} s")
    return name


def run_with_timeout(cmd: list[str], *, env: dict, timeout: float) -> Run | None:
    """Like ``run_measured``, but the child is killed after ``timeout`` seconds (None then)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                return None
            time.sleep(0.5)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode(errors="replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--average-bytes", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dive-timeout", type=float, default=300)
    parser.add_argument("--skip-dive", action="store_true")
    parser.add_argument("--with-archive", action="store_true", help="also time imagelint on a docker save file")
    parser.add_argument("--imagelint-path", help="run the imagelint package found in this folder (PYTHONPATH)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--remove", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    shape = Shape(args.files, args.average_bytes)

    import docker

    client = docker.from_env()
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        raise SystemExit("the docker CLI is needed to time `docker save`")
    image = ensure_image(client, shape, args.rebuild, docker_cli)
    # The daemon writes the whole export to a temporary folder before it sends a byte. imagelint allows
    # for that by the image's size; an older copy (--imagelint-path) may not: its timeout is raised.
    raised = {"IMAGELINT_NETWORK_TIMEOUT": "1800"} if args.imagelint_path else {}
    env = child_env(args.imagelint_path, **raised)
    imagelint = [sys.executable, "-m", "imagelint", "analyze"]

    described = run_measured([*imagelint, image, "--format", "json", "--fail-on", "never"], env=env, capture=True)
    report = json.loads(described.stdout)["image"]
    entries = sum(row["files_added"] + row["files_modified"] for row in report["layers"])
    log(f"{image}: {report['size'] / 1e9:.2f} GB of files, {entries:,} non-directory entries; load {load_average()}")

    save, ours = Series("docker save > /dev/null"), Series("imagelint analyze --format json")
    archive = Series("imagelint analyze docker-archive:")
    load_before = load_average()
    for round_number in range(args.repeat):
        save.runs.append(run_measured([docker_cli, "save", image], env=env))
        ours.runs.append(run_measured([*imagelint, image, "--format", "json", "--fail-on", "never"], env=env))
        log(f"round {round_number + 1}: save {save.runs[-1].wall:.1f} s, imagelint {ours.runs[-1].wall:.1f} s "
            f"({ours.runs[-1].max_rss_kb / 1024:.0f} MB); load {load_average()}")  # fmt: skip
    load_after = load_average()

    dive_result = "not run"
    dive = None if args.skip_dive else tool("dive")
    if dive is not None:
        log(f"dive, stopped after {args.dive_timeout:.0f} s ...")
        found = run_with_timeout([dive, image], env={**env, "CI": "true"}, timeout=args.dive_timeout)
        if found is None:
            dive_result = f"did not finish in {args.dive_timeout:.0f} s"
        else:
            dive_result = f"{found.wall:.1f} s, {found.max_rss_kb / 1024:.0f} MB (exit {found.returncode})"

    if args.with_archive:
        with tempfile.TemporaryDirectory(prefix="imagelint-bench-") as folder:
            path = Path(folder) / "image.tar"
            with path.open("wb") as out:
                subprocess.run([docker_cli, "save", image], stdout=out, check=True)
            for _ in range(args.repeat):
                command = [*imagelint, f"docker-archive:{path}", "--format", "json", "--fail-on", "never"]
                archive.runs.append(run_measured(command, env=env))

    info = machine(client)
    rows = [s for s in (save, ours, archive) if s.runs]
    print(f"image: {image}: {report['size'] / 1e9:.2f} GB of files in {report['layer_count']} layers, {entries:,} "
          f"non-directory entries; imagelint finds {report['wasted_bytes'] / 1e6:.1f} MB hidden")  # fmt: skip
    print(f"{'':40} {'wall median':>12} {'best':>8} {'cpu':>8} {'peak RSS':>10} {'vs save':>8}")
    for series in rows:
        ratio = series.median_wall / save.median_wall
        print(f"{series.label:40} {series.median_wall:10.2f} s {series.best_wall:6.2f} s {series.median_cpu:6.2f} s "
              f"{series.max_rss_mb:7.1f} MB {ratio:7.2f}x")  # fmt: skip
    print(f"median of the rounds' own ratios (imagelint / the docker save just before it): {paired_ratio(ours, save):.2f}x")
    met = ours.median_wall <= TARGET_RATIO_SAVE * save.median_wall and ours.max_rss_mb < TARGET_RSS_MB
    print(f"target (imagelint <= {TARGET_RATIO_SAVE}x docker save, peak RSS < {TARGET_RSS_MB} MB): {'met' if met else 'NOT met'}")
    print(f"dive: {dive_result}")
    print(f"load average before/after: {load_before} / {load_after}")
    for key, value in info.items():
        print(f"{key}: {value}")
    if args.markdown:
        print()
        print(f"| Run ({args.repeat} rounds) | Wall (median) | Best | CPU | Peak RSS | Wall ÷ `docker save` |")
        print("|---|---:|---:|---:|---:|---:|")
        for series in rows:
            print(f"| `{series.label}` | {series.median_wall:.2f} s | {series.best_wall:.2f} s | {series.median_cpu:.2f} s | "
                  f"{series.max_rss_mb:.0f} MB | {series.median_wall / save.median_wall:.2f}× |")  # fmt: skip
        print(f"| `CI=true dive IMAGE` | {dive_result} | | | | |")
    if args.remove:
        # The daemon deletes a million files before it answers: longer than the SDK's 60 s default.
        docker.from_env(timeout=REMOVE_TIMEOUT_SECONDS).images.remove(image)


if __name__ == "__main__":
    main()
