"""Images the inspector once refused (issue #12): kaniko's ``--tar-path`` archives (go-containerregistry's
``tarball.Write`` layout) and zstd-compressed layers, which read on a plain install (``zstandard`` is
a dependency). Damaged ones are one-line errors."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile

import pytest
import zstandard

from imagelint.image.archive import read_saved_image
from imagelint.image.model import ImageError
from tests.support.cli import one_line_error, run
from tests.support.image_archives import docker_save, image_config, layer_tar, write_archive

BASE = [("dir", "bin"), ("file", "bin/busybox", 5000), ("symlink", "bin/sh", "busybox")]
APP = [("dir", "app"), ("file", "app/server", 1200), ("file", "app/config.yml", 34)]


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def kaniko_archive(layers: list[list[tuple]], *, tag: str = "registry.example.com/team/app:1.0", change=None) -> bytes:
    """An archive as kaniko ``--tar-path`` writes it (go-containerregistry ``tarball.Write``): the
    config as ``sha256:<hex>`` and each layer, gzip-compressed, as ``<compressed hex>.tar.gz``, all at
    the root, config first and manifest.json last; a layer listed twice is written once.
    ``change(name, data)`` may alter a member's bytes after the names are fixed."""
    tars = [layer_tar(entries) for entries in layers]
    config = json.dumps(image_config(tars, history=[{"created_by": f"RUN step {n}"} for n in range(len(tars))])).encode()
    config_name = "sha256:" + hashlib.sha256(config).hexdigest()
    blobs = [gzip.compress(data, mtime=0) for data in tars]
    names = [hashlib.sha256(blob).hexdigest() + ".tar.gz" for blob in blobs]
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": names}]).encode()
    change = change or (lambda name, data: data)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add(tar, config_name, change(config_name, config))
        written = set()
        for name, blob in zip(names, blobs):
            if name not in written:
                _add(tar, name, change(name, blob))
                written.add(name)
        _add(tar, "manifest.json", manifest)
    return buffer.getvalue()


def test_a_kaniko_archive_reads_like_a_docker_save(tmp_path):
    data = kaniko_archive([BASE, APP, APP])  # the third layer repeats the second: one file, listed twice
    image = read_saved_image(io.BytesIO(data), origin="kaniko.tar")
    assert image.name == "registry.example.com/team/app:1.0"
    assert [layer.size for layer in image.layers] == [5000, 1234, 1234]
    assert image.id.startswith("sha256:") and image.id in data.decode("latin-1")
    assert [entry.created_by for entry in image.history] == ["RUN step 0", "RUN step 1", "RUN step 2"]
    path = write_archive(tmp_path / "kaniko.tar", data)
    result = run("analyze", f"docker-archive:{path}", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)["image"]
    assert (report["size"], report["layer_count"]) == (7468, 3)
    assert report["wasted_bytes"] == 1234  # the repeated layer's files are all hidden copies


def _tamper(kind: str):
    def change(name: str, data: bytes) -> bytes:
        if kind == "layer" and name.endswith(".tar.gz") and b"app" in gzip.decompress(data):
            return gzip.compress(gzip.decompress(data).replace(b"x" * 34, b"y" * 34), mtime=0)
        if kind == "config" and name.startswith("sha256:"):
            return data.replace(b'"amd64"', b'"arm64"')
        return data

    return change


@pytest.mark.parametrize("kind", ["layer", "config"])
def test_a_kaniko_member_that_does_not_match_its_name_is_an_error(tmp_path, kind):
    path = write_archive(tmp_path / "kaniko.tar", kaniko_archive([BASE, APP], change=_tamper(kind)))
    line = one_line_error(run("analyze", f"docker-archive:{path}", cwd=tmp_path))
    assert "content does not match the digest its name gives" in line
    assert (".tar.gz" if kind == "layer" else ": sha256:") in line


def _zstd_layout(tmp_path, blob_for=None) -> str:
    """``oci:`` a layout tar whose layers are zstd (``application/vnd.oci.image.layer.v1.tar+zstd``)."""
    data = docker_save([BASE, APP], layout="oci-index-only", compress_layers="zstd")
    if blob_for is not None:  # replace the second layer blob, renaming it (and its manifest entry) by its digest
        data = _replace_layer(data, blob_for)
    return f"oci:{write_archive(tmp_path / 'zstd.tar', data)}"


def _replace_layer(archive: bytes, make) -> bytes:
    members: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for info in tar:
            members[info.name] = tar.extractfile(info).read()  # type: ignore[union-attr]
    index = json.loads(members["index.json"])
    manifest_name = "blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads(members.pop(manifest_name))
    layer = manifest["layers"][1]
    old = members.pop("blobs/sha256/" + layer["digest"].split(":")[1])
    new = make(old)
    layer.update(digest="sha256:" + hashlib.sha256(new).hexdigest(), size=len(new))
    members["blobs/sha256/" + layer["digest"].split(":")[1]] = new
    body = json.dumps(manifest).encode()
    index["manifests"][0].update(digest="sha256:" + hashlib.sha256(body).hexdigest(), size=len(body))
    members["blobs/sha256/" + hashlib.sha256(body).hexdigest()] = body
    members["index.json"] = json.dumps(index).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            _add(tar, name, data)
    return buffer.getvalue()


def test_an_oci_image_with_zstd_layers_reads_on_a_plain_install(tmp_path):
    reference = _zstd_layout(tmp_path)
    assert b"tar+zstd" in (tmp_path / "zstd.tar").read_bytes()
    result = run("analyze", reference, "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["image"]["size"] == 6234


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[:4] + b"\x00" * 8 + blob[12:],  # the frame header destroyed
        lambda blob: blob[: len(blob) // 2],  # cut short
        lambda blob: zstandard.ZstdCompressor().compress(b"not a tar archive at all, just text" * 20),
    ],
    ids=["corrupt", "truncated", "not-a-tar"],
)
def test_a_damaged_zstd_layer_is_one_clear_line(tmp_path, damage):
    line = one_line_error(run("analyze", _zstd_layout(tmp_path, damage), cwd=tmp_path))
    assert "layer sha256:" in line and "is truncated or corrupt" in line
    assert "\n" not in line and "zstandard" not in line.lower().replace("zstd:", "")


def test_the_archive_reader_names_a_corrupt_zstd_layer():
    data = _replace_layer(docker_save([BASE, APP], layout="oci-index-only", compress_layers="zstd"),
                          lambda blob: blob[:4] + b"\xff" * 16 + blob[20:])  # fmt: skip
    with pytest.raises(ImageError, match=r"layer blobs/sha256/[0-9a-f]+ is truncated or corrupt \(zstd: "):
        read_saved_image(io.BytesIO(data), origin="z.tar")


def _streamed(data: bytes) -> bytes:
    """zstd as a streaming writer makes it: no content size in the header, a checksum at the end."""
    out = io.BytesIO()
    with zstandard.ZstdCompressor(write_checksum=True).stream_writer(out, closefd=False) as writer:
        writer.write(data)
    return out.getvalue()


def _frames(data: bytes) -> bytes:
    """Several frames and a skippable frame between them (what zstd:chunked layers look like)."""
    half = len(data) // 2
    skippable = (0x184D2A5E).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"notes"
    return zstandard.ZstdCompressor().compress(data[:half]) + skippable + _streamed(data[half:])


@pytest.mark.parametrize("pack", [_streamed, _frames], ids=["streamed", "several-frames"])
def test_zstd_layers_of_every_framing_read_whole(pack):
    tar = layer_tar(APP)
    data = _replace_layer(docker_save([BASE, APP], layout="oci-index-only", compress_layers="zstd"), lambda blob: pack(tar))
    image = read_saved_image(io.BytesIO(data), origin="z.tar")
    assert [layer.size for layer in image.layers] == [5000, 1234]


def test_a_streamed_zstd_layer_cut_at_a_block_boundary_is_truncated():
    tar = layer_tar([("file", "big", 400_000)])  # several 128 KiB blocks
    packed = _streamed(tar)
    cut = packed[:-4]  # the checksum gone: every block is there, the frame is not finished
    data = _replace_layer(docker_save([BASE, APP], layout="oci-index-only", compress_layers="zstd"), lambda blob: cut)
    with pytest.raises(ImageError, match=r"truncated or corrupt \(zstd: the data ends inside a frame\)"):
        read_saved_image(io.BytesIO(data), origin="z.tar")
