"""``oci:PATH[:TAG]``: an OCI image layout, as a directory or as a tar file.

The layout (OCI image spec, "image-layout") is ``oci-layout``, ``index.json`` and
``blobs/<algorithm>/<hex>``. ``index.json`` may list several images (one per platform, or one per
tag, the ``org.opencontainers.image.ref.name`` annotation) and may point at nested indexes:
:mod:`imagelint.image.layout` picks one image manifest. Only that image's blobs are then read:

- in a directory, each layer blob is opened and streamed;
- in a tar file on disk, one pass over the tar headers (seeking over the data) finds where each
  blob starts, then the chosen blobs are read in place; the tar is never extracted;
- every blob read is checked against its digest: layers are hashed as they stream by (so every
  byte is read, none seeked over), the index's manifests and the config once they are all fetched;
- only regular files are read: a blob that is a FIFO, a device or a symlink to one (``/dev/zero``
  never ends) is refused before any read, and metadata is read only up to its size limit;
- a compressed tar cannot be seeked: it is read in one pass by the ``docker save`` reader, which
  understands the same layout;
- with ``on_progress``, each layer blob reports the bytes read of the size its descriptor announces
  (the same events a registry pull sends, :mod:`imagelint.cli.progress` draws them).
"""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from imagelint.image import archive, limits
from imagelint.image.layout import (
    MAX_DOCUMENT_BYTES,
    build_image,
    check_platform,
    descriptor_digest,
    parse_config,
    resolve_manifest,
)
from imagelint.image.model import Image, ImageError, Layer, PathTable, clean_path
from imagelint.image.streams import DigestReader, ProgressCounter, short_digest
from imagelint.image.tarstream import TarError, TarReader, Window

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


ProgressCallback = Callable[[dict], None]


def load_oci(
    path: Path,
    *,
    ref: str | None = None,
    platform: str | None = None,
    origin: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> Image:
    """The image an OCI layout holds; ``ref`` picks a tag, ``platform`` a platform of an index;
    ``on_progress`` receives each layer's bytes read (for a compressed tar, read in one pass, the
    file's bytes read, named by its path, as for a ``docker save`` file)."""
    origin = origin or str(path)
    if path.is_dir():
        return _read_layout(_DirectoryStore(path, origin), ref, platform, on_progress)
    if not path.exists():
        raise ImageError(f"{origin}: no such file or directory")
    with _open_regular(path, origin, "the layout tar") as handle:
        head = handle.peek(4)[:4]
        if head.startswith((_GZIP_MAGIC, _ZSTD_MAGIC)):
            # A compressed tar cannot be seeked: one pass reads every blob, then the index picks.
            source = handle
            if on_progress is not None:
                source = _ReportingReader(handle, str(path), os.fstat(handle.fileno()).st_size, on_progress)
            return archive.read_saved_image(source, origin=origin, platform=platform, ref=ref)
        return _read_layout(_TarStore(handle, origin), ref, platform, on_progress)


class _DirectoryStore:
    def __init__(self, root: Path, origin: str) -> None:
        self.root = root
        self.origin = origin
        if not (root / "index.json").is_file():
            raise ImageError(f"{origin}: not an OCI image layout (no index.json); create one with e.g. "
                             "'skopeo copy docker-daemon:IMAGE oci:DIR' or 'docker buildx build --output type=oci'")  # fmt: skip

    def index(self) -> bytes:
        return self._read_small(self.root / "index.json", "index.json", MAX_DOCUMENT_BYTES)

    def document(self, descriptor: dict) -> bytes:
        """A metadata blob, unchecked: :func:`_read_layout` checks it against its digest."""
        what = f"blob {descriptor_digest(descriptor, self.origin)}"
        return self._read_small(self._blob(descriptor), what, limits.MAX_CONFIG_BYTES.value())

    def open_blob(self, descriptor: dict) -> BinaryIO:
        path = self._blob(descriptor)
        return _open_regular(path, self.origin, f"blob {descriptor_digest(descriptor, self.origin)}")

    def _blob(self, descriptor: dict) -> Path:
        algorithm, _, hexdigest = descriptor_digest(descriptor, self.origin).partition(":")
        return self.root / "blobs" / algorithm / hexdigest

    def _read_small(self, path: Path, what: str, limit: int) -> bytes:
        with _open_regular(path, self.origin, what) as handle:
            try:
                data = handle.read(limit + 1)  # never more: the size on disk may change while it is read
            except OSError as err:
                raise ImageError(f"{self.origin}: cannot read {what} ({err.strerror})") from None
        if len(data) > limit:
            raise ImageError(f"{self.origin}: {what} is more than {limit} bytes, too large for image metadata")
        return data


class _TarStore:
    """A layout inside an uncompressed tar file: where each member's data starts, then reads in place."""

    def __init__(self, handle: io.BufferedReader, origin: str) -> None:
        self.handle = handle
        self.origin = origin
        self.members: dict[str, tuple[int, int]] = {}  # cleaned path -> (data offset, size)
        try:
            reader = TarReader(Window(handle))
            for member in reader:
                if member.isreg():
                    # The reader has just read this member's header (the window starts at 0).
                    self.members[clean_path(member.name)] = (reader.bytes_read, member.size)
        except (TarError, OSError, UnicodeDecodeError) as err:
            raise ImageError(f"{origin}: truncated or corrupt OCI layout tar ({err})") from None
        if "index.json" not in self.members:
            raise ImageError(f"{origin}: not an OCI image layout (no index.json in the tar)")

    def index(self) -> bytes:
        return self._read_small("index.json", MAX_DOCUMENT_BYTES)

    def document(self, descriptor: dict) -> bytes:
        """A metadata blob, unchecked: :func:`_read_layout` checks it against its digest."""
        return self._read_small(self._blob(descriptor), limits.MAX_CONFIG_BYTES.value())

    def open_blob(self, descriptor: dict) -> BinaryIO:
        offset, size = self.members[self._blob(descriptor)]
        self.handle.seek(offset)
        return Window(self.handle, size)  # type: ignore[return-value]

    def _blob(self, descriptor: dict) -> str:
        algorithm, _, hexdigest = descriptor_digest(descriptor, self.origin).partition(":")
        name = f"blobs/{algorithm}/{hexdigest}"
        if name not in self.members:
            raise ImageError(f"{self.origin}: blob {algorithm}:{hexdigest} is missing from the tar")
        return name

    def _read_small(self, name: str, limit: int) -> bytes:
        offset, size = self.members[name]
        if size > limit:
            raise ImageError(f"{self.origin}: {name} is {size} bytes, too large for image metadata")
        self.handle.seek(offset)
        return self.handle.read(size)


def _read_layout(store, ref: str | None, platform: str | None, on_progress: ProgressCallback | None = None) -> Image:
    origin = store.origin
    fetched: list[tuple[bytes, str]] = []

    def fetch(descriptor: dict) -> bytes:
        data = store.document(descriptor)
        fetched.append((data, descriptor_digest(descriptor, origin)))
        return data

    resolved = resolve_manifest(store.index(), None, fetch, platform=platform, origin=origin, ref=ref)
    manifest = resolved.manifest
    config_descriptor = manifest.get("config") or {}
    config_digest = descriptor_digest(config_descriptor, origin)
    for descriptor in manifest.get("layers") or []:
        descriptor_digest(descriptor, origin)  # every digest checked (it becomes a path) before any content
    for data, digest in fetched:
        _checked(data, digest, origin)
    config_data = _checked(store.document(config_descriptor), config_digest, origin)
    config = parse_config(config_data, origin, f"image config {config_digest}")
    check_platform(config, platform, origin)
    layers: list[Layer] = []
    read: dict[str, Layer] = {}
    paths = PathTable()  # one table for the image's layers
    for descriptor in manifest.get("layers") or []:
        digest = descriptor_digest(descriptor if isinstance(descriptor, dict) else {}, origin)
        if digest not in read:
            read[digest] = _read_layer(store, descriptor, origin, paths, on_progress)
        listing = read[digest]  # a layer listed twice (an identical duplicate) is one blob: read it once
        layers.append(Layer(entries=listing.entries, size=listing.size, source=listing.source))
    name = ref or resolved.ref_name or origin
    return build_image(name=name, image_id=descriptor_digest(config_descriptor, origin), config=config, layers=layers)


def _read_layer(store, descriptor: dict, origin: str, paths: PathTable, on_progress: ProgressCallback | None = None) -> Layer:
    digest = descriptor_digest(descriptor, origin)
    blob = store.open_blob(descriptor)  # a file on disk, or a window over the tar
    try:
        # Every byte is read (not seeked over) and hashed as it goes by: the blob must match its digest.
        source = blob if on_progress is None else _ReportingReader(blob, short_digest(digest), descriptor.get("size"), on_progress)
        hashed = DigestReader(source, _blob_name(digest))
        layer = archive.read_layer(hashed, digest, origin, paths=paths)  # type: ignore[arg-type]
        hashed.verify(origin)
        return layer
    except (TarError, EOFError, OSError, UnicodeDecodeError, zlib.error) as err:
        raise ImageError(f"{origin}: layer {digest} is truncated or corrupt ({err})") from None
    finally:
        if not isinstance(blob, Window):
            blob.close()


class _ReportingReader:
    """A layer blob (or a compressed layout tar) that reports how many of its announced bytes have
    been read (:func:`~imagelint.image.streams.read_event`, as ``name``)."""

    def __init__(self, source, name: str, total, on_progress: ProgressCallback) -> None:
        self._source = source
        # The descriptor's size is what the manifest announces; a forged one only skews the bar.
        announced = total if isinstance(total, int) and not isinstance(total, bool) and total > 0 else None
        self._progress = ProgressCounter(name, announced, on_progress)
        self._read = 0

    def _count(self, count: int) -> None:
        self._read += count
        self._progress.at(self._read, final=count == 0)  # a read of nothing: the end of the blob

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size) if size is not None and size >= 0 else self._source.read()
        self._count(len(data))
        return data

    def readinto(self, buffer) -> int:
        count = self._source.readinto(buffer) or 0
        self._count(count)
        return count

    def peek(self, size: int = 1) -> bytes:
        peek = getattr(self._source, "peek", None)
        return peek(size) if peek is not None else b""


def _open_regular(path: Path, origin: str, what: str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file (through symlinks); else an :class:`ImageError`."""
    from imagelint.discovery import NotRegularFile, open_regular

    try:
        fd, _ = open_regular(path)
    except FileNotFoundError:
        raise ImageError(f"{origin}: {what} is missing from the layout") from None
    except OSError as err:
        raise ImageError(f"{origin}: cannot read {what} ({err.strerror})") from None
    except NotRegularFile as err:
        raise ImageError(f"{origin}: {what} is {err.kind}, not a regular file; refused") from None
    return os.fdopen(fd, "rb")


def _blob_name(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _checked(data: bytes, digest: str, origin: str) -> bytes:
    """A metadata blob, which must match the digest it was asked for by."""
    algorithm, _, expected = digest.partition(":")
    if hashlib.new(algorithm, data).hexdigest() != expected:
        raise ImageError(f"{origin}: {_blob_name(digest)}: content does not match its digest")
    return data
