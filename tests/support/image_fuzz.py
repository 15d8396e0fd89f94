"""Fuzz targets over the image readers (bench/fuzz.py and tests/image/test_image_fuzz.py run them,
through tests/support/fuzz_targets.py): ``docker save`` archives and OCI layouts built with
tests/support/image_archives.py, then damaged (bytes flipped, cut short, spliced, a JSON value
swapped for another of any type and depth). Reading and analysing the result must give a report or
one clean :class:`~imagelint.image.model.ImageError` line, never another exception (what the command
line would call an "internal error"). :data:`OUTCOMES` counts reports and errors per target.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import strategies as st

from imagelint.image.analysis import analyze
from imagelint.image.archive import read_saved_image
from imagelint.image.model import ImageError
from imagelint.image.oci import load_oci
from tests.support.image_archives import docker_save, write_archive

OUTCOMES: Counter[tuple[str, str]] = Counter()  # (target, "report" or "error") -> cases

_names = st.text(alphabet="abc/.-_\x1b\u00e9", min_size=1, max_size=12)
_entry = st.one_of(
    st.tuples(st.just("file"), _names, st.integers(0, 3000)),
    st.tuples(st.just("dir"), _names),
    st.tuples(st.just("symlink"), _names, _names),
    st.tuples(st.just("hardlink"), _names, _names),
    st.tuples(st.just("whiteout"), _names),
    st.tuples(st.just("opaque"), _names),
)
_layers = st.lists(st.lists(_entry, max_size=6), min_size=1, max_size=4)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@st.composite
def damaged_docker_archives(draw) -> bytes:
    """``docker save`` archives (legacy and OCI layouts, plain or gzip, layers plain, gzip or zstd), damaged."""
    layout = draw(st.sampled_from(["legacy", "oci", "oci-index-only"]))
    compress = draw(st.sampled_from([None, "gzip", "zstd"])) if layout != "legacy" else None
    damaged = _mutate(docker_save(draw(_layers), layout=layout, compress_layers=compress), draw)
    return gzip.compress(damaged, mtime=0) if draw(st.booleans()) else damaged


@st.composite
def damaged_oci_layouts(draw) -> bytes:
    """OCI layout tars (read from a file on disk by the seeking reader), damaged."""
    compress = draw(st.sampled_from([None, "gzip", "zstd"]))
    return _mutate(docker_save(draw(_layers), layout="oci-index-only", compress_layers=compress), draw)


def check_docker_archive(data: bytes) -> None:
    _outcome("docker-archive", lambda: read_saved_image(io.BytesIO(data), origin="fuzz.tar"))


def check_oci_layout(data: bytes) -> None:
    with TemporaryDirectory() as work:
        path = write_archive(Path(work) / "layout.tar", data)
        _outcome("oci-layout", lambda: load_oci(path, origin="oci:fuzz"))


def _outcome(target: str, read) -> None:
    try:
        analyze(read())
        OUTCOMES[target, "report"] += 1
    except ImageError as err:
        message = str(err)
        assert message and "\n" not in message, repr(message)
        OUTCOMES[target, "error"] += 1


def _mutate(data: bytes, draw) -> bytes:
    kind = draw(st.sampled_from(["flip", "cut", "splice", "json", "none"]))
    if kind == "flip" and data:
        buffer = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            position = draw(st.integers(0, len(buffer) - 1))
            buffer[position] ^= draw(st.integers(1, 255))
        return bytes(buffer)
    if kind == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "splice":
        position = draw(st.integers(0, len(data)))
        return data[:position] + draw(st.binary(min_size=1, max_size=600)) + data[position:]
    if kind == "json":
        return _swap_json_value(data, draw)
    return data


def _swap_json_value(archive: bytes, draw) -> bytes:
    """One JSON member (manifest, index, config, OCI manifest) with one value replaced by any other."""
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as source:
            members = [(info, source.extractfile(info).read() if info.isreg() else None) for info in source]  # type: ignore[union-attr]
    except (tarfile.TarError, OSError):
        return archive
    documents = [i for i, (info, data) in enumerate(members) if data and data.lstrip()[:1] in (b"{", b"[")]
    if not documents:
        return archive
    index = draw(st.sampled_from(documents))
    info, data = members[index]
    value = json.loads(data)
    path: list[tuple[object, object]] = []  # (container, key) pairs down to the value to replace
    node = value
    for _ in range(draw(st.integers(1, 4))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        if not children:
            break
        key, child = draw(st.sampled_from(children))
        path.append((node, key))
        if not isinstance(child, (dict, list)) or draw(st.booleans()):
            break
        node = child
    if path:
        container, key = path[-1]
        container[key] = draw(_json_values)  # type: ignore[index]
    else:
        value = draw(_json_values)
    new = json.dumps(value).encode()
    info.size = len(new)
    members[index] = (info, new)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()
