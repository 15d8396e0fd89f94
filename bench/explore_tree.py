"""Benchmark: what ``imagelint explore`` costs on top of ``imagelint analyze`` on a generated image of many
files: building the change index, a layer's tree, a filter pass, opening a folder. Prints figures; not a test.

    python bench/explore_tree.py [--files 200000] [--average-bytes 10]

The image is a ``docker-archive:`` file written by ``tests/support/generated_images.py`` in a temporary
folder (no daemon): layer 1 holds ``--files`` files in folders of 1,000, layer 2 deletes 10 folders and
2,000 files and writes 3,000 again. Each step runs in this process, one after the other, so the figures
side by side are: reading and analyzing (what ``analyze`` pays) and each step explore adds; peak RSS
(``ru_maxrss``) after analysis and at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from imagelint.image.analysis import analyze  # noqa: E402
from imagelint.image.changes import ChangeIndex, image_changes  # noqa: E402
from imagelint.image.model import ROOT  # noqa: E402
from imagelint.image.sources import LoadOptions, parse_reference  # noqa: E402
from tests.support.generated_images import many_files, spread_sizes, write_saved_image  # noqa: E402

PER_DIR = 1000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def second_layer(files: int):
    folders = max(files // PER_DIR, 1)

    def entries():
        for folder in range(min(10, folders)):
            yield ("whiteout", f"m/{folder:05}")
        for n in range(min(2000, files)):
            folder, index = divmod(files - 1 - n, PER_DIR)
            yield ("whiteout", f"m/{folder:05}/f{index}")
        for n in range(min(3000, files)):
            folder, index = divmod(files // 2 + n, PER_DIR)
            yield ("file", f"m/{folder:05}/f{index}", 10)

    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--average-bytes", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "image.tar"
        with archive.open("wb") as out:
            layers = [many_files(args.files, per_dir=PER_DIR, size=spread_sizes(args.average_bytes)), second_layer(args.files)]
            write_saved_image(out, layers, tag="imagelint-bench/explore:1")
        print(f"{args.files:,} files, archive {archive.stat().st_size / 1e6:,.0f} MB")

        def step(name, call):
            start = time.perf_counter()
            value = call()
            print(f"  {name:<44} {time.perf_counter() - start:7.2f} s   peak RSS {peak_mb():6.0f} MB")
            return value

        image = step("read the archive (analyze)", lambda: parse_reference(f"docker-archive:{archive}").load(LoadOptions()))
        analysis = step("analyze(image) (analyze)", lambda: analyze(image))
        wasted = {f.path: f.wasted_bytes for f in analysis.inefficient_files if f.wasted_bytes}
        step("JSON changes + tree summary (--format json)", lambda: image_changes(image, wasted))
        index = step("explore: change index", lambda: ChangeIndex(image, wasted))
        last = step("explore: tree of the last layer", lambda: index.tree(len(image.layers) - 1))
        step("explore: tree of the first layer", lambda: index.tree(0))
        step("explore: filter pass (change codes, last layer)", lambda: index.change_codes(len(image.layers) - 1))
        m = index.paths.find("m")
        step("explore: open /m (children, sorted, nodes)", lambda: [last.node(c) for c in sorted(last.children(m), key=index.paths.name)])
        folder_index = index.paths.find("m/00020")
        step("explore: open /m/00020 (1,000 files)", lambda: [last.node(c) for c in last.children(folder_index)])
        step("explore: open / ", lambda: [last.node(c) for c in last.children(ROOT)])


if __name__ == "__main__":
    main()
