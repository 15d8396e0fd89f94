"""Large ``docker save`` archives written fast and streamed straight to a file, for the memory and speed
checks (``tests/image/test_large_images.py``, ``bench/large_image.py``).

``tests/support/image_archives.py`` builds archives in memory with :mod:`tarfile`; that is too slow and
too big for a million files. Here each layer is a function returning its entries again whenever asked
(the sizes are needed once for the outer tar header, then once more to write the data), headers are
plain ustar blocks and file contents are zeros, hashed as they are written so that the config's
``diff_ids`` are right and ``docker load`` accepts the archive.

An entry is ``("file", path, size)`` (zeros), ``("noise", path, size)`` (bytes that do not compress,
for registry pushes), ``("dir", path)`` or ``("whiteout", path)`` (deletes ``path``).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import random
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

BLOCK = 512
_ZEROS = bytes(1 << 20)
# One MiB of fixed pseudo-random bytes, repeated: gzip's 32 KiB window finds nothing to shorten in it.
_NOISE = random.Random(20261202).randbytes(1 << 20)
Entry = tuple  # ("file", path, size) | ("dir", path) | ("whiteout", path)
LayerEntries = Callable[[], Iterable[Entry]]


def ustar_header(name: str, size: int = 0, typeflag: bytes = b"0", mode: int = 0o644) -> bytes:
    """One ustar header block (names over 100 bytes go in the prefix field, split at a slash)."""
    encoded = name.encode()
    prefix = b""
    if len(encoded) > 100:
        cut = encoded.rfind(b"/", 0, 156)
        if cut <= 0 or len(encoded) - cut - 1 > 100:
            raise ValueError(f"name too long for a ustar header: {name}")
        prefix, encoded = encoded[:cut], encoded[cut + 1 :]
    header = bytearray(BLOCK)
    header[0 : len(encoded)] = encoded
    header[100:108] = b"%07o\0" % mode
    header[108:116] = b"0000000\0"
    header[116:124] = b"0000000\0"
    header[124:136] = b"%011o\0" % size
    header[136:148] = b"00000000000\0"
    header[148:156] = b" " * 8
    header[156:157] = typeflag
    header[257:265] = b"ustar\x0000"
    header[345 : 345 + len(prefix)] = prefix
    header[148:156] = b"%06o\0 " % sum(header)
    return bytes(header)


def _padded(size: int) -> int:
    return size + (-size % BLOCK)


def _blocks(entries: Iterable[Entry]) -> Iterator[tuple[bytes, int, memoryview]]:
    """Each entry's header, the size of the data after it and what that data repeats."""
    for entry in entries:
        kind, path = entry[0], entry[1]
        if kind in ("file", "noise"):
            yield ustar_header(path, entry[2]), entry[2], memoryview(_ZEROS if kind == "file" else _NOISE)
        elif kind == "dir":
            yield ustar_header(path + "/", 0, b"5", 0o755), 0, memoryview(_ZEROS)
        elif kind == "whiteout":
            directory, name = posixpath.split(path)
            yield ustar_header(posixpath.join(directory, ".wh." + name)), 0, memoryview(_ZEROS)
        else:
            raise ValueError(kind)


def layer_tar_size(entries: Iterable[Entry]) -> int:
    """The bytes of the layer tar the entries make (two zero blocks end it)."""
    total = 2 * BLOCK
    for entry in entries:
        total += BLOCK + (_padded(entry[2]) if entry[0] in ("file", "noise") else 0)
    return total


def write_layer_tar(out: BinaryIO, entries: Iterable[Entry]) -> str:
    """Write one layer tar, returning its sha256 digest (the layer's diff ID)."""
    digest = hashlib.sha256()

    def write(data) -> None:
        out.write(data)
        digest.update(data)

    for header, size, data in _blocks(entries):
        write(header)
        left = size
        while left:
            step = min(left, len(data))
            write(data[:step])
            left -= step
        write(_ZEROS[: -size % BLOCK])
    write(_ZEROS[: 2 * BLOCK])
    return "sha256:" + digest.hexdigest()


def write_saved_image(out: BinaryIO, layers: list[LayerEntries], *, tag: str, created_by: list[str] | None = None) -> str:
    """A legacy-layout ``docker save`` archive of ``layers`` (oldest first), written to ``out``; the
    config's digest (the image ID) is returned."""
    diff_ids = []
    layer_paths = []
    for index, entries in enumerate(layers):
        path = f"layer{index}/layer.tar"
        out.write(ustar_header(path, layer_tar_size(entries())))
        diff_ids.append(write_layer_tar(out, entries()))
        layer_paths.append(path)
    commands = created_by or [f"/bin/sh -c generated layer {index}" for index in range(len(layers))]
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2024-01-01T00:00:00Z", "created_by": command} for command in commands],
    }).encode()  # fmt: skip
    config_hex = hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{"Config": f"{config_hex}.json", "RepoTags": [tag], "Layers": layer_paths}]).encode()
    for name, data in ((f"{config_hex}.json", config), ("manifest.json", manifest)):
        out.write(ustar_header(name, len(data)))
        out.write(data + bytes(-len(data) % BLOCK))
    out.write(bytes(2 * BLOCK))
    return "sha256:" + config_hex


def many_files(count: int, *, per_dir: int = 1000, size: Callable[[int], int] = lambda index: 0, root: str = "m") -> LayerEntries:
    """``count`` files in folders of ``per_dir``: ``m/<folder>/f<index>``, each folder entry first."""

    def entries() -> Iterator[Entry]:
        yield ("dir", root)
        for index in range(count):
            if index % per_dir == 0:
                yield ("dir", f"{root}/{index // per_dir}")
            yield ("file", f"{root}/{index // per_dir}/f{index}", size(index))

    return entries


def spread_sizes(average: int) -> Callable[[int], int]:
    """Deterministic sizes between 0 and twice ``average`` (so ``average`` on the whole)."""
    return lambda index: (index * 7919) % (2 * average + 1)
