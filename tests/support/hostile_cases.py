"""Hostile image inputs, built at test time (nothing large is committed): each function writes one
case and returns the reference ``imagelint analyze`` takes. Shared by tests/image/test_hostile_images.py
and bench/hostile_images.py, which measures them."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

from tests.support.image_archives import docker_save, image_config, layer_tar, oci_layout, saved_archive

SMALL_IMAGE = [[("file", "app/a", 3000)], [("file", "app/b", 500)]]


def _end_of_members(archive: bytes) -> int:
    """Where a tar's end-of-archive blocks start (after its last member)."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.getmembers()
        return tar.offset


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    return info.tobuf(format=tarfile.GNU_FORMAT)


def unreferenced_json_archive(path: Path, members: int = 40, member_mib: int = 60) -> str:
    """A gzip ``docker save`` archive whose valid image follows ``members`` JSON members of
    ``member_mib`` MiB each that nothing refers to (issue #15: 40 x 60 MiB in 2.4 MB of gzip).

    Written as concatenated gzip members (the format allows it, every reader reads it), so the
    one compressed payload is repeated rather than 2.4 GB compressed again."""
    payload = b"[" + b" " * ((member_mib << 20) - 2) + b"]"
    packed_payload = gzip.compress(payload, compresslevel=9, mtime=0)
    image = docker_save(SMALL_IMAGE)
    with path.open("wb") as out:
        for number in range(members):
            out.write(gzip.compress(_header(f"junk-{number:03d}.json", len(payload)), mtime=0))
            out.write(packed_payload)
        out.write(gzip.compress(image, mtime=0))  # its own members and its end-of-archive blocks
    return f"docker-archive:{path}"


def repeated_layer_archive(path: Path, times: int = 100_000) -> str:
    """A ``docker save`` archive whose manifest.json lists its one layer ``times`` times."""
    layer = layer_tar([("file", "app/a", 3000)])
    manifest = json.loads(tarfile.open(fileobj=io.BytesIO(saved_archive([layer]))).extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest[0]["Layers"] = manifest[0]["Layers"] * times
    path.write_bytes(saved_archive([layer], manifest=manifest))
    return f"docker-archive:{path}"


def long_history_archive(path: Path, entries: int = 600_000) -> str:
    """A ``docker save`` archive whose config has ``entries`` history entries."""
    layer = layer_tar([("file", "app/a", 3000)])
    history = [{"empty_layer": True}] * (entries - 1) + [{"created_by": "RUN x"}]  # 12 MB: under the config size limit
    path.write_bytes(saved_archive([layer], config=image_config([layer], history=history)))
    return f"docker-archive:{path}"


def device_config_layout(directory: Path, device: str = "/dev/zero") -> str:
    """An OCI layout directory whose config blob is a symlink to ``device``."""
    oci_layout(directory, [{"layers": SMALL_IMAGE}])
    for blob in (directory / "blobs" / "sha256").iterdir():
        if b'"rootfs"' in blob.read_bytes():
            blob.unlink()
            os.symlink(device, blob)
    return f"oci:{directory}"


def deep_text(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_manifest_archive(path: Path, depth: int = 100_000) -> str:
    """A ``docker save`` archive whose manifest.json is a list nested ``depth`` deep."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = deep_text(depth)
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    return f"docker-archive:{path}"


def deep_config_archive(path: Path, depth: int = 100_000) -> str:
    """A ``docker save`` archive whose config holds a value nested ``depth`` deep (in ``Volumes``,
    whose values no shape constrains)."""
    layer = layer_tar([("file", "app/a", 3000)])
    config = json.dumps(image_config([layer], config={"Volumes": {"/data": "DEEP"}})).encode()
    config = config.replace(b'"DEEP"', deep_text(depth))
    config_hex = hashlib.sha256(config).hexdigest()
    archive = saved_archive([layer])
    manifest = json.loads(tarfile.open(fileobj=io.BytesIO(archive)).extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest[0]["Config"] = f"{config_hex}.json"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(archive)) as source, tarfile.open(fileobj=buffer, mode="w") as tar:
        for info in source:
            if info.name.endswith(".json"):
                continue
            tar.addfile(info, source.extractfile(info))
        for name, data in ((f"{config_hex}.json", config), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    return f"docker-archive:{path}"


def deep_index_layout(directory: Path, depth: int = 100_000) -> str:
    """An OCI layout directory whose index.json nests ``depth`` deep."""
    oci_layout(directory, [{"layers": SMALL_IMAGE}])
    (directory / "index.json").write_bytes(b'{"schemaVersion": 2, "manifests": ' + deep_text(depth) + b"}")
    return f"oci:{directory}"
