"""Benchmark: ``imagelint analyze registry:...`` against ``docker pull`` of the same image from the
same local registry. Prints figures; not a test.

    python bench/registry_image.py [--files 40000] [--big-mb 200] [--repeat 3] [--imagelint-path DIR]
                                   [--markdown]

A registry is started on 127.0.0.1 (Debian's ``docker-registry``, ``scripts/ensure-registry.sh``,
through ``tests/support/registry_server.py``), with its storage in a temporary folder. The image is
generated (``tests/support/generated_images.py``), loaded, pushed there by the daemon (which
compresses the layers with gzip) and removed from the daemon again, so that ``docker pull`` really
downloads every layer. Its shape follows ``bench/analyze_image.py``'s image, with contents that do
not compress (but the zero-filled file): ``--files`` files of 1 kB in 200 folders; a ``--big-mb``
MB file of noise and one of zeros; 20 folders and 3,000 files deleted; the noise file written again.

Then ``--repeat`` rounds, in turn: ``docker pull`` (then ``docker rmi``, not timed) and ``imagelint
analyze registry:HOST/REPO:TAG --format json`` to /dev/null. ``docker pull`` downloads three layers
at a time, then unpacks them in order onto its storage; imagelint fetches three at a time too and
reads each as it arrives (decompressed, parsed and hashed in one pass, nothing stored).
``--imagelint-path`` runs the imagelint found in that folder (``PYTHONPATH``), for before/after.
Everything is removed at the end: the registry, its storage, the image.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT))

from analyze_image import Series, child_env, load_average, log, machine, paired_ratio, run_measured  # noqa: E402
from tests.support import registry_server  # noqa: E402
from tests.support.generated_images import write_saved_image  # noqa: E402

REPOSITORY = "imagelint-bench/registry"


def layers(files: int, big_mb: int) -> list:
    per_dir = -(-files // 200)
    big = big_mb * 1_000_000

    def small_files():
        yield ("dir", "m")
        for index in range(files):
            if index % per_dir == 0:
                yield ("dir", f"m/{index // per_dir}")
            yield ("noise", f"m/{index // per_dir}/f{index}", 1000 + index % 10)

    def big_files():
        yield ("noise", "big1", big)
        yield ("file", "big2", big)

    def deletions():
        yield ("dir", "m")
        for folder in range(180, 200):
            yield ("whiteout", f"m/{folder}")
        for index in range(3000):
            yield ("whiteout", f"m/{index // per_dir}/f{index}")

    def copy_up():
        yield ("noise", "big1", big)

    return [small_files, big_files, deletions, copy_up]


def docker(*args: str, quiet: bool = True) -> None:
    subprocess.run(["docker", *args], check=True, stdout=subprocess.DEVNULL if quiet else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40_000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--imagelint-path", help="run the imagelint package found in this folder (PYTHONPATH)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    binary = registry_server.registry_binary()
    if binary is None:
        raise SystemExit("docker-registry is not installed: run `bash scripts/ensure-registry.sh`")
    if shutil.which("docker") is None:
        raise SystemExit("the docker CLI is needed to time `docker pull`")
    env = child_env(args.imagelint_path)

    import docker as sdk

    client = sdk.from_env()
    with tempfile.TemporaryDirectory(prefix="imagelint-bench-registry-") as folder:
        root = Path(folder)
        (root / "storage").mkdir()
        registry = registry_server.Registry(binary, root / "storage", root).start()
        name = f"{registry.host}/{REPOSITORY}:1"
        try:
            archive = root / "image.tar"
            log(f"writing and loading the image ({args.files:,} small files, 2 x {args.big_mb} MB) ...")
            with archive.open("wb") as out:
                write_saved_image(out, layers(args.files, args.big_mb), tag=name)
            docker("load", "-q", "-i", str(archive))
            archive.unlink()
            started = time.perf_counter()
            docker("push", name)
            log(f"pushed to {registry.host} in {time.perf_counter() - started:.0f} s")
            docker("rmi", name)  # its layers are gone from the daemon: a pull downloads them all

            pull, ours = Series("docker pull"), Series("imagelint analyze registry: --format json")
            command = [sys.executable, "-m", "imagelint", "analyze", f"registry:{name}", "--format", "json", "--fail-on", "never"]
            described = run_measured(command, env=env, capture=True)  # also warms the registry's caches
            report = json.loads(described.stdout)["image"]
            load_before = load_average()
            for round_number in range(args.repeat):
                pull.runs.append(run_measured(["docker", "pull", "-q", name], env=env))
                docker("rmi", name)
                ours.runs.append(run_measured(command, env=env))
                log(f"round {round_number + 1}: docker pull {pull.runs[-1].wall:.2f} s, imagelint {ours.runs[-1].wall:.2f} s; "
                    f"load {load_average()}")  # fmt: skip
            load_after = load_average()
        finally:
            registry.stop()
            try:
                client.images.remove(name)
            except sdk.errors.ImageNotFound:
                pass

    info = machine(client)
    print(f"image: {name}: {report['size'] / 1e6:.0f} MB of files in {report['layer_count']} layers")
    print(f"{'':44} {'wall median':>12} {'best':>8} {'cpu':>8} {'peak RSS':>10} {'vs pull':>8}")
    for series in (pull, ours):
        print(f"{series.label:44} {series.median_wall:10.2f} s {series.best_wall:6.2f} s {series.median_cpu:6.2f} s "
              f"{series.max_rss_mb:7.1f} MB {series.median_wall / pull.median_wall:7.2f}x")  # fmt: skip
    print(f"median of the rounds' own ratios (imagelint / the docker pull just before it): {paired_ratio(ours, pull):.2f}x")
    print(f"target (imagelint no slower than docker pull): {'met' if ours.median_wall <= pull.median_wall else 'NOT met'}")
    print(f"load average before/after: {load_before} / {load_after}")
    for key, value in info.items():
        print(f"{key}: {value}")
    if args.markdown:
        print()
        print(f"| Run ({args.repeat} rounds) | Wall (median) | Best | CPU | Peak RSS | Wall ÷ `docker pull` |")
        print("|---|---:|---:|---:|---:|---:|")
        for series in (pull, ours):
            print(f"| `{series.label}` | {series.median_wall:.2f} s | {series.best_wall:.2f} s | {series.median_cpu:.2f} s | "
                  f"{series.max_rss_mb:.0f} MB | {series.median_wall / pull.median_wall:.2f}× |")  # fmt: skip


if __name__ == "__main__":
    main()
