"""Image analysis at scale: memory per path, paths of thousands of components, time linear in the
number of tar headers, and registry layers fetched a few at a time with the results of a loop.

The big archive is generated here (``tests/support/generated_images.py``), never committed; memory is
the peak RSS of imagelint's own process (``os.wait4``), checked against a generous bound (figures
for a million files are printed by ``bench/large_image.py``, never asserted).
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time

import pytest

from imagelint.analyze import run_analyze
from imagelint.image import fetches
from imagelint.image.analysis import analyze
from imagelint.image.archive import read_saved_image
from imagelint.image.model import DIR_CODE, FILE_CODE, ROOT, EntryKind, Image, Layer, LayerListing, PathTable
from imagelint.image.tarstream import iter_members
from imagelint.reporters import FORMATS, render
from imagelint.settings import Settings
from tests.support.generated_images import many_files, write_saved_image
from tests.support.hostile_servers import run_measured
from tests.support.image_archives import docker_save, write_archive

FILES = 200_000
PER_DIR = 1000
# Measured on this archive: 70 MB, and 251 MB before paths were packed (objects per entry and per
# node): a bound the old layout breaks, with room to spare on a noisy machine.
PEAK_RSS_BOUND_MB = 150


def test_many_files_in_one_layer_stay_within_a_memory_bound(tmp_path):
    later = [("dir", "m"), ("whiteout", "m/3")]  # deletes a folder of PER_DIR files
    later += [("dir", "m/5")] + [("file", f"m/5/f{index}", 7) for index in range(5 * PER_DIR, 5 * PER_DIR + 300)]
    archive = tmp_path / "many.tar"
    with archive.open("wb") as out:
        write_saved_image(out, [many_files(FILES, per_dir=PER_DIR, size=lambda index: index % 3), lambda: later],
                          tag="generated/many:1")  # fmt: skip
    measured = run_measured("analyze", f"docker-archive:{archive}", "--format", "json", "--fail-on", "never",
                            cwd=tmp_path, timeout=600)  # fmt: skip
    assert measured.returncode == 0, measured.stderr.decode()
    image = json.loads(measured.stdout)["image"]
    shipped = sum(index % 3 for index in range(FILES)) + 300 * 7
    deleted = sum(index % 3 for index in range(3 * PER_DIR, 4 * PER_DIR))
    overwritten = sum(index % 3 for index in range(5 * PER_DIR, 5 * PER_DIR + 300))
    assert image["size"] == shipped
    assert image["wasted_bytes"] == deleted + overwritten
    rows = [row for row in image["layers"] if not row["empty"]]
    assert [(r["files_added"], r["files_modified"], r["files_removed"]) for r in rows] == [(FILES, 0, 0), (0, 300, PER_DIR)]
    assert len(image["inefficient_files"]) == 300 + sum(1 for index in range(3 * PER_DIR, 4 * PER_DIR) if index % 3)
    assert measured.peak_rss_mb < PEAK_RSS_BOUND_MB, f"peak RSS {measured.peak_rss_mb:.0f} MB"


DEPTH = 2000  # PATH_MAX (4096 bytes) allows about this many one-letter components


def _deep(depth: int = DEPTH) -> str:
    return "/".join("d" if index % 2 else "e" for index in range(depth))


def test_paths_of_two_thousand_components_in_every_format(tmp_path):
    deep = _deep()
    archive = write_archive(tmp_path / "deep.tar", docker_save([
        [("dir", "e"), ("file", f"{deep}/big.bin", 5000), ("file", "top.txt", 10)],
        [("file", f"{deep}/big.bin", 7000), ("whiteout", "top.txt"), ("opaque", deep)],
    ]))  # fmt: skip
    report = run_analyze(f"docker-archive:{archive}", Settings())
    analysis = report.image.analysis
    assert (analysis.size, analysis.wasted_bytes) == (12010, 5010)
    assert [(f.path, f.count, f.wasted_bytes) for f in analysis.inefficient_files] == [
        (f"/{deep}/big.bin", 2, 5000),
        ("/top.txt", 1, 10),
    ]
    assert analysis.largest_files[0].path == f"/{deep}/big.bin"
    # dive: big.bin [5000, 7000] (min 5000) and top.txt [10, 0]: efficiency 5000 / 12010.
    assert analysis.dive.efficiency == pytest.approx(5000 / 12010)
    for format_name in FORMATS:
        out = io.StringIO()
        render(format_name, report, out)
        text = out.getvalue()
        if format_name in ("text", "json", "html"):  # the formats that list paths show this one whole
            assert f"{deep}/big.bin" in text, format_name
        if format_name == "json":
            assert json.loads(text)["image"]["inefficient_files"][0]["path"] == f"/{deep}/big.bin"


def test_a_chain_of_extended_headers_costs_its_length_once(tmp_path):
    # Twenty thousand PAX headers before one file, each with a record of its own: merging them by
    # copying the records gathered so far took minutes; now it is one pass.
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("after")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    one = buffer.getvalue()
    chain = bytearray()
    for index in range(20_000):
        record = f"imagelint.test{index}=x\n"
        record = f"{len(record) + len(str(len(record) + 6)) + 1} {record}"  # the length counts itself
        data = record.encode()
        header = tarfile.TarInfo("././@PaxHeader")
        header.type, header.size = tarfile.XHDTYPE, len(data)
        chain += header.tobuf(tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)
    started = time.monotonic()
    members = list(iter_members(io.BytesIO(bytes(chain) + one)))
    assert [(m.name, m.size) for m in members] == [("after", 3)]
    assert time.monotonic() - started < 10  # a generous bound: about 0.1 s here, minutes before


def test_the_path_table_holds_each_path_once():
    paths = PathTable()
    listing = LayerListing(paths)
    deep = _deep()
    listing.add("usr/bin/env", FILE_CODE, 10)
    listing.add("usr", DIR_CODE)
    listing.add(deep, FILE_CODE, 3)
    listing.add("usr/bin/sh", FILE_CODE, 0, link=None)
    assert paths.find("usr/bin") == paths.parent(listing.indexes[0]) and paths.find("usr/lib") is None
    assert paths.path(listing.indexes[2]) == deep and paths.find(deep) == listing.indexes[2]
    assert [(e.path, e.kind, e.size) for e in listing] == [
        ("usr/bin/env", EntryKind.FILE, 10),
        ("usr", EntryKind.DIR, 0),
        (deep, EntryKind.FILE, 3),
        ("usr/bin/sh", EntryKind.FILE, 0),
    ]
    other = LayerListing()  # read on its own, then moved onto the image's table
    other.add("usr/bin/env", FILE_CODE, 20)
    other.add("opt/x", FILE_CODE, 1)
    moved = other.moved_to(paths)
    assert moved.paths is paths and moved.indexes[0] == listing.indexes[0]
    assert [e.path for e in moved] == ["usr/bin/env", "opt/x"] and paths.find("") == ROOT


def test_layers_read_on_their_own_are_moved_onto_one_table_in_layer_order():
    saved = docker_save([[("dir", "a"), ("file", "a/x", 5)], [("file", "a/x", 9), ("file", "b", 1)]])
    image = read_saved_image(io.BytesIO(saved), origin="t.tar")
    assert image.layers[0].entries.paths is image.layers[1].entries.paths
    before = analyze(image).to_dict()
    alone = [Layer(entries=layer.entries.moved_to(PathTable()), size=layer.size, source=layer.source, digest=layer.digest)
             for layer in image.layers]  # fmt: skip
    rebuilt = Image(name=image.name, id=image.id, config=image.config, layers=alone, history=image.history)
    assert rebuilt.layers[0].entries.paths is rebuilt.layers[1].entries.paths
    assert analyze(rebuilt).to_dict() == before


# --- registry layers a few at a time ---------------------------------------------------------------


def test_jobs_give_their_results_in_order_whatever_order_they_finish_in():
    release = [threading.Event() for _ in range(5)]
    started: list[int] = []

    def job(index: int):
        def run(check):
            started.append(index)
            assert release[index].wait(10)
            check()
            return index * 10

        return run

    results = fetches.in_order([job(index) for index in range(5)], workers=3)
    for index in (2, 1, 0, 4, 3):  # finish out of order
        release[index].set()
    assert list(results) == [0, 10, 20, 30, 40]
    assert sorted(started[:3]) == [0, 1, 2]  # three at a time


def test_the_first_failure_in_order_is_the_error_and_later_jobs_stop():
    stopped = threading.Event()
    first_done = threading.Event()
    running = threading.Event()

    def slow_first(check):
        assert first_done.wait(10)
        return "first"

    def failing(check):
        assert running.wait(10)  # fails while the job after it runs
        raise ValueError("layer 2 is corrupt")

    def long_running(check):
        running.set()
        for _ in range(1000):
            try:
                check()
            except fetches.Cancelled:
                stopped.set()
                raise
            time.sleep(0.01)
        return "never"

    results = fetches.in_order([slow_first, failing, long_running], workers=3)
    threading.Timer(0.2, first_done.set).start()
    assert next(results) == "first"  # a job before the failure still finishes
    with pytest.raises(ValueError, match="layer 2 is corrupt"):
        next(results)
    assert stopped.wait(10)


def test_a_caller_that_stops_early_stops_the_jobs():
    stopped = threading.Event()

    def quick(check):
        return 1

    def long_running(check):
        for _ in range(1000):
            try:
                check()
            except fetches.Cancelled:
                stopped.set()
                raise
            time.sleep(0.01)

    results = fetches.in_order([quick, long_running, long_running], workers=3)
    assert next(results) == 1
    results.close()
    assert stopped.wait(10)


def test_leftover_kinds_asked_once_per_folder_are_those_of_each_file():
    from imagelint.image import leftovers

    folders = ["", "tmp", "var/tmp", "var/lib/apt/lists", "var/lib/apt/lists/partial", "var/lib/apt/lists/lock",
               "var/cache/apt/archives", "root/.cache/pip", "home/app/.npm/_cacache", "srv/app/__pycache__",
               "srv/__pycache__/x/__pycache__", "src/.git/objects", "usr/lib", "var/cache"]  # fmt: skip
    for folder in folders:
        for name in ("x.deb", "lock", "apt", "__pycache__", ".git"):
            path = f"{folder}/{name}" if folder else name
            expected = leftovers.match(path)
            found = leftovers.match(path) if name in leftovers.OWN_RULE_NAMES else leftovers.match_directory(folder)
            assert (found and (found.kind.category, found.root)) == (expected and (expected.kind.category, expected.root)), path
