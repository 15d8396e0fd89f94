"""The fast tar header reader against Python's tarfile: the same entries (name, type, size, mode, link
target) on archives in every format tarfile and GNU tar write, on the test images' archives, read
from a file (seeking) or a pipe-like stream (reading), and clear errors where tarfile is silent."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from imagelint.image.tarstream import TarError, TarReader, Window, iter_members
from tests.support.image_archives import docker_save, layer_tar


class Unseekable(io.RawIOBase):
    """A stream like the daemon's HTTP body: read only, no seek, no fileno."""

    def __init__(self, data: bytes, piece: int = 7000) -> None:
        self._data = memoryview(data)
        self._piece = piece  # short reads, as a socket gives them

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = min(len(buffer), len(self._data), self._piece)
        buffer[:count] = self._data[:count]
        self._data = self._data[count:]
        return count


def expected(data: bytes) -> list[tuple]:
    """What tarfile makes of an archive: the fields imagelint reads."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        return [(m.name, m.type, m.size, m.mode, m.linkname, m.uid, m.gid) for m in archive.getmembers()]


def ours(source) -> list[tuple]:
    return [(m.name, m.type, m.size, m.mode, m.linkname, m.uid, m.gid) for m in iter_members(source)]


def read_all_ways(data: bytes, tmp_path: Path) -> list[list[tuple]]:
    path = tmp_path / "archive.tar"
    path.write_bytes(data)
    with path.open("rb") as handle:  # a file on disk: data is seeked over
        from_file = ours(handle)
    return [from_file, ours(io.BufferedReader(Unseekable(data))), ours(io.BytesIO(data))]


def assert_same(data: bytes, tmp_path: Path) -> None:
    reference = expected(data)
    assert reference, "the archive should not be empty"
    for found in read_all_ways(data, tmp_path):
        assert found == reference


LONG_DIR = "d" * 90 + "/" + "e" * 60  # > 100 characters: ustar splits it into prefix + name
VERY_LONG = "/".join(["segment" * 5] * 10)  # > 255: needs a GNU long name or a PAX path


def sample_archive(fmt: int, *, encoding: str = "utf-8", pax_headers: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt, encoding=encoding, pax_headers=pax_headers) as tar:
        def add(name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, link: str = "", mode: int = 0o644) -> None:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.linkname, info.mtime = kind, mode, link, 1_700_000_000
            info.size = size if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(os.urandom(size)) if kind == tarfile.REGTYPE else None)

        add("bin", tarfile.DIRTYPE, mode=0o755)
        add("bin/busybox", size=1500, mode=0o755)
        add("bin/sh", tarfile.SYMTYPE, link="busybox", mode=0o777)
        add("bin/ash", tarfile.LNKTYPE, link="bin/busybox")
        add("empty", size=0)
        add("exact", size=1024)
        add("dev/null", tarfile.CHRTYPE, mode=0o666)
        add("fifo", tarfile.FIFOTYPE)
        add(LONG_DIR, tarfile.DIRTYPE, mode=0o700)
        add(LONG_DIR + "/file.bin", size=513)
        add("data/.wh.gone", size=0)
        add("data/.wh..wh..opq", size=0)
        if fmt != tarfile.USTAR_FORMAT:  # ustar cannot hold these
            add(VERY_LONG, size=77)
            add("links/long", tarfile.SYMTYPE, link="/" + VERY_LONG)
            add("unicode/café ☕.txt", size=10)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT], ids=["ustar", "gnu", "pax"])
def test_same_entries_as_tarfile(fmt, tmp_path):
    assert_same(sample_archive(fmt), tmp_path)


def test_pax_global_header_and_size_record(tmp_path):
    # A global header (applies to every later member) and a PAX size record overriding the header's.
    assert_same(sample_archive(tarfile.PAX_FORMAT, pax_headers={"comment": "global", "path": "renamed"}), tmp_path)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("big")
        info.size = 600
        info.pax_headers = {"size": "600"}
        tar.addfile(info, io.BytesIO(b"z" * 600))
        info = tarfile.TarInfo("after")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    assert_same(buffer.getvalue(), tmp_path)


def test_base_256_size_and_old_style_directory(tmp_path):
    data = bytearray(layer_tar([("file", "a", 700), ("file", "b", 0), ("file", "c", 5)]))
    # Rewrite a's size in GNU's base-256 form (what tar writes for files over 8 GiB), and make b an
    # old-style directory: a regular-file type flag NUL with a trailing slash in the name.
    data[124:136] = b"\x80" + (700).to_bytes(11, "big")
    second = 512 + 1024  # a's header + its 700 bytes, padded
    data[second : second + 100] = b"b/".ljust(100, b"\0")
    data[second + 156 : second + 157] = b"\0"
    for start in (0, second):
        _fix_checksum(data, start)
    reference = expected(bytes(data))
    assert reference[0][2] == 700 and reference[1][:2] == ("b", tarfile.DIRTYPE) and len(reference) == 3
    for found in read_all_ways(bytes(data), tmp_path):
        assert found == reference


@pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar is not installed")
@pytest.mark.parametrize("fmt", ["gnu", "posix", "oldgnu"])
def test_gnu_tar_archives_with_sparse_files(fmt, tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "small").write_bytes(b"hello")
    with (root / "sparse").open("wb") as handle:  # mostly a hole: tar stores only the data parts
        handle.seek(5_000_000)
        handle.write(b"end")
    (root / "link").symlink_to("sub/small")
    out = tmp_path / f"{fmt}.tar"
    subprocess.run(["tar", f"--format={fmt}", "--sparse", "-C", str(root), "-cf", str(out), "."], check=True)
    data = out.read_bytes()
    assert_same(data, tmp_path)
    sizes = {name: size for name, _, size, *_ in ours(io.BytesIO(data))}
    assert sizes["./sparse"] == 5_000_003  # the real size, as tarfile reports it


def test_real_layer_archives_from_the_test_images(tmp_path):
    saved = docker_save(
        [[("dir", "bin"), ("file", "bin/busybox", 3000), ("symlink", "bin/sh", "busybox")],
         [("file", "bin/busybox", 10), ("hardlink", "bin/bb", "bin/busybox"), ("whiteout", "bin/sh"), ("opaque", "etc")]],
        layout="oci",
    )  # fmt: skip
    assert_same(saved, tmp_path)
    reader = TarReader(io.BytesIO(saved))
    for member in reader:  # each layer blob, read through a window over the outer archive
        if member.name.startswith("blobs/") and member.size > 1024 and reader.data().peek(262)[257:262] == b"ustar":
            inner = reader.data().read()
            assert ours(io.BytesIO(inner)) == expected(inner)


def test_windows_bound_reads_and_skip_by_seeking(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * 8)
    with path.open("rb") as handle:
        outer = Window(handle)
        assert outer.remaining == 2048
        inner = Window(outer, 100)
        assert inner.read(10) == bytes(range(10)) and inner.remaining == 90
        inner.skip(80)
        assert inner.read() == bytes(range(90, 100)) and inner.read() == b""
        assert handle.tell() == 100 and outer.remaining == 1948
        with pytest.raises(TarError, match="unexpected end of data"):
            outer.skip(5000)


def test_empty_and_short_input():
    assert ours(io.BytesIO(b"")) == []  # an empty layer
    assert ours(io.BytesIO(bytes(1024))) == []  # only the end-of-archive blocks
    with pytest.raises(TarError, match="not a tar archive"):
        ours(io.BytesIO(b"x" * 100))


def test_damage_is_an_error_where_tarfile_stops_silently(tmp_path):
    data = bytearray(sample_archive(tarfile.PAX_FORMAT))
    with pytest.raises(TarError, match="not a tar archive"):
        ours(io.BytesIO(os.urandom(4096)))
    # A damaged third header: tarfile ends the archive there, as if it were complete.
    offsets = _header_offsets(bytes(data))
    damaged = bytearray(data)
    damaged[offsets[2] + 10] ^= 0xFF
    with tarfile.open(fileobj=io.BytesIO(bytes(damaged))) as archive:
        assert len(archive.getmembers()) == 2
    with pytest.raises(TarError, match="bad checksum"):
        ours(io.BytesIO(bytes(damaged)))
    # Cut inside a member's data, or inside a header.
    for cut in (offsets[1] + 600, offsets[3] + 100):
        for stream in (io.BytesIO(bytes(data[:cut])), io.BufferedReader(Unseekable(bytes(data[:cut])))):
            with pytest.raises(TarError):
                ours(stream)
    path = tmp_path / "cut.tar"
    path.write_bytes(bytes(data[: offsets[1] + 600]))
    with path.open("rb") as handle, pytest.raises(TarError, match="unexpected end of data"):
        ours(handle)


def _header_offsets(data: bytes) -> list[int]:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return [member.offset for member in archive.getmembers()]


def _fix_checksum(data: bytearray, start: int) -> None:
    header = data[start : start + 512]
    header[148:156] = b" " * 8
    data[start + 148 : start + 156] = b"%06o\0 " % sum(header)


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT], ids=["ustar", "gnu", "pax"])
def test_owners_as_tarfile_reads_them(fmt, tmp_path):
    # Small owners fit the octal fields; 2**22 needs GNU base-256 or a PAX uid/gid record (ustar cannot).
    owners = [(0, 0), (1234, 5678), (65534, 65534)] + ([(2**22, 2**22 + 1)] if fmt != tarfile.USTAR_FORMAT else [])
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tar:
        for number, (uid, gid) in enumerate(owners):
            info = tarfile.TarInfo(f"owned{number}")
            info.uid, info.gid, info.size = uid, gid, 3
            tar.addfile(info, io.BytesIO(b"abc"))
    data = buffer.getvalue()
    assert_same(data, tmp_path)
    assert [(m.uid, m.gid) for m in iter_members(io.BytesIO(data))] == owners


def test_a_garbled_owner_field_reads_as_zero_not_as_an_error(tmp_path):
    info = tarfile.TarInfo("f")
    info.uid, info.gid = 7, 8
    block = bytearray(info.tobuf(tarfile.USTAR_FORMAT))
    block[108:116] = b"zzzzzzz\0"  # not octal: the owner is only shown, the entry is still read
    block[148:156] = b" " * 8
    block[148:155] = b"%06o\0" % sum(block)
    found = list(iter_members(io.BytesIO(bytes(block) + bytes(1024))))
    assert [(m.name, m.uid, m.gid) for m in found] == [("f", 0, 8)]


def test_the_layer_listing_keeps_owners(tmp_path):
    from imagelint.image.archive import read_layer

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, uid, gid, mode in [("app", tarfile.DIRTYPE, 1000, 1000, 0o755), ("app/run", tarfile.REGTYPE, 1234, 5678, 0o4755),
                                           ("app/sh", tarfile.SYMTYPE, 0, 0, 0o777)]:
            info = tarfile.TarInfo(name)
            info.type, info.uid, info.gid, info.mode = kind, uid, gid, mode
            info.linkname = "run" if kind == tarfile.SYMTYPE else ""
            tar.addfile(info)
    layer = read_layer(io.BufferedReader(io.BytesIO(buffer.getvalue())), "layer.tar", "test")
    assert [(e.path, e.uid, e.gid, e.mode) for e in layer.entries] == [
        ("app", 1000, 1000, 0o755), ("app/run", 1234, 5678, 0o4755), ("app/sh", 0, 0, 0o777)
    ]
    assert (layer.entries[1].uid, layer.entries[1].gid) == (1234, 5678)
    moved = layer.entries.moved_to(type(layer.entries.paths)())  # an image's shared table: owners go along
    assert [(e.uid, e.gid) for e in moved] == [(1000, 1000), (1234, 5678), (0, 0)]
