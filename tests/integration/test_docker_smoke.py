"""The Docker set-up works end to end: build from busybox:local without network, read the image back."""

from __future__ import annotations

import io
import json
import posixpath
import tarfile
from collections.abc import Iterable, Iterator

import pytest

pytestmark = pytest.mark.docker

DOCKERFILE = """\
FROM busybox:local
RUN mkdir -p /data && echo hello-from-run > /data/written.txt
COPY note.txt /data/note.txt
CMD ["sh"]
"""
NOTE = b"a small file copied into the image\n"


class _ChunkReader(io.RawIOBase):
    """Read-only file object over an iterator of byte chunks (what the SDK streams)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, out) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(out), len(self._buffer))
        out[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _norm(name: str) -> str:
    return name.removeprefix("./").rstrip("/")


def _read_saved_image(chunks: Iterable[bytes]) -> tuple[list[dict], dict[str, list[tarfile.TarInfo]]]:
    """Stream a `docker save` tar once: its manifest, and the members of every entry that is itself a tar.

    Works for both the classic layout (<id>/layer.tar, duplicates as symlinks) and the OCI layout
    (blobs/sha256/<digest>); nothing is written to disk.
    """
    manifest: list[dict] = []
    inner_tars: dict[str, list[tarfile.TarInfo]] = {}
    links: dict[str, str] = {}
    with tarfile.open(fileobj=io.BufferedReader(_ChunkReader(chunks)), mode="r|*") as outer:
        for member in outer:
            name = _norm(member.name)
            if member.issym():
                links[name] = posixpath.normpath(posixpath.join(posixpath.dirname(name), member.linkname))
            if not member.isfile():
                continue
            data = outer.extractfile(member)
            assert data is not None
            if name == "manifest.json":
                manifest = json.loads(data.read())
                continue
            try:
                with tarfile.open(fileobj=data, mode="r|*") as inner:
                    inner_tars[name] = list(inner)
            except tarfile.ReadError:
                pass  # a config or index blob, not a layer
    for link, target in links.items():
        if target in inner_tars:
            inner_tars[link] = inner_tars[target]
    return manifest, inner_tars


def test_build_and_read_back(docker_client, build_image):
    image = build_image(DOCKERFILE, files={"note.txt": NOTE}, tag="smoke")

    # History records the RUN instruction.
    created_by = [entry.get("CreatedBy", "") for entry in image.history()]
    assert any("echo hello-from-run > /data/written.txt" in line for line in created_by), created_by

    # Base layer + RUN + COPY; CMD adds no layer.
    assert len(image.attrs["RootFS"]["Layers"]) == 3

    manifest, inner_tars = _read_saved_image(docker_client.api.get_image(image.id))
    assert len(manifest) == 1
    layers = manifest[0]["Layers"]
    assert len(layers) == 3
    assert all(layer in inner_tars for layer in layers), (layers, sorted(inner_tars))

    def files_in(layer: str) -> dict[str, tarfile.TarInfo]:
        return {_norm(m.name): m for m in inner_tars[layer] if m.isfile()}

    base, run, copy = (files_in(layer) for layer in layers)

    # The base holds exactly one regular file, the busybox binary; everything else is a symlink or a
    # directory (tar size 0), so the layer's tar-header size sum is the binary's size.
    assert list(base) == ["bin/busybox"]
    base_members = inner_tars[layers[0]]
    assert sum(m.size for m in base_members) == base["bin/busybox"].size
    assert any(_norm(m.name) == "bin/sh" and m.issym() for m in base_members)

    assert "data/written.txt" in run
    assert run["data/written.txt"].size == len(b"hello-from-run\n")
    assert "data/note.txt" in copy
    assert copy["data/note.txt"].size == len(NOTE)
    assert "data/note.txt" not in run and "data/written.txt" not in copy
