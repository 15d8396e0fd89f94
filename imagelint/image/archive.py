"""Read a ``docker save`` tar stream in one pass, without extracting it or keeping file contents.

Handles both layouts ``docker save`` writes:

- legacy (Docker < 25): ``<id>/layer.tar``, ``<config-hex>.json``, ``manifest.json``; a layer identical
  to an earlier one is written as a *symlink* to the earlier ``layer.tar``;
- OCI (Docker >= 25): ``blobs/sha256/<hex>``, ``index.json``, ``oci-layout``, plus a ``manifest.json``;
  a tar with only ``index.json`` (an OCI image layout) is resolved through the index.

Layer blobs may be plain tar, gzip, or zstd (zstd needs a zstd module: ``compression.zstd`` from
Python 3.14, ``backports.zstd`` or ``zstandard``). The outer stream may itself be gzip-compressed.
The members come in whatever order the writer chose (``manifest.json`` is usually last), so every
layer's listing is kept until the manifest says how they stack: metadata only, never bytes.

Both the outer tar and the layer tars inside it are read by :mod:`.tarstream` (headers only; data
seeked over in a file on disk, read and dropped in a stream); a layer is read through a window on
the outer stream, so nothing is copied or extracted.
"""

from __future__ import annotations

import gzip
import io
import json
import posixpath
import zlib
from typing import IO, BinaryIO

from imagelint.image import shapes
from imagelint.image.layout import build_image, check_config, check_platform, descriptor_digest, resolve_manifest
from imagelint.image.model import (
    EntryKind,
    Image,
    ImageError,
    Layer,
    LayerEntry,
    classify,
    clean_path,
)
from imagelint.image.streams import DigestReader
from imagelint.image.tarstream import (
    DIRECTORY,
    HARDLINK,
    SYMLINK,
    Member,
    SizeError,
    TarError,
    TarReader,
    Window,
)

ZSTD_READ_BYTES = 1 << 20  # compressed bytes the zstandard module reads at a time
MAX_JSON_BYTES = 64 << 20  # configs and manifests are kilobytes; anything bigger is not one
_LAYER_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst")
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SNIFF_BYTES = 512
_MAX_LINK_HOPS = 16


def read_saved_image(
    stream: BinaryIO, *, origin: str, name: str | None = None, platform: str | None = None, ref: str | None = None
) -> Image:
    """Parse a ``docker save`` (or OCI layout) tar stream. ``origin`` names the input in errors.

    ``stream`` is read once, front to back (a file opened ``"rb"`` is also seeked over). ``name``
    overrides the image name (else the archive's first tag, else ``origin``); ``platform``
    (``os/arch[/variant]``) picks a manifest from a multi-platform OCI index (default: the host's);
    ``ref`` picks an image of an OCI index by its tag (``org.opencontainers.image.ref.name``).
    """
    reader = _SaveReader(origin)
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    try:
        source: IO[bytes] = stream
        if _peek(stream).startswith(_GZIP_MAGIC):
            source = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
        outer = TarReader(source)
        for member in outer:
            reader.add_member(outer, member)
        if source is not stream:
            _drain(source)  # to the gzip trailer: its CRC and length are checked only there
    except (TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as err:
        raise ImageError(f"{origin}: truncated or corrupt image archive ({_reason(err)})") from None
    return reader.assemble(name, platform, ref)


class _SaveReader:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.layers: dict[str, Layer] = {}  # archive path -> listing
        self.documents: dict[str, bytes] = {}  # archive path -> JSON text
        self.links: dict[str, str] = {}  # archive path of a symlink or hard link -> its target path

    # --- the pass over the stream -----------------------------------------------------------

    def add_member(self, outer: TarReader, member: Member) -> None:
        name = clean_path(member.name)
        if member.issym():
            self.links[name] = clean_path(posixpath.join(posixpath.dirname(name), member.linkname))
            return
        if member.islnk():
            self.links[name] = clean_path(member.linkname)
            return
        if not member.isreg():
            return
        data = outer.data()
        if name.startswith("blobs/"):
            self._add_blob(name, DigestReader(data, name), member.size)
        elif name.endswith(_LAYER_SUFFIXES):
            self.layers[name] = read_layer(data, name, self.origin, member.size)
        elif name.endswith(".json"):
            self.documents[name] = _read_document(data, member.size, name, self.origin)

    def _add_blob(self, name: str, data: DigestReader, size: int) -> None:
        """OCI blobs have no type in their name: look at the first bytes. A blob read is hashed as it
        streams by, and must match the digest its name gives."""
        head = _peek(data)
        if head.startswith((_GZIP_MAGIC, _ZSTD_MAGIC)) or _is_tar_header(head):
            self.layers[name] = read_layer(data, name, self.origin, size)  # type: ignore[arg-type]
        elif head.lstrip()[:1] in (b"{", b"[") and size <= MAX_JSON_BYTES:
            self.documents[name] = _read_document(data, size, name, self.origin)  # type: ignore[arg-type]
        else:
            return
        data.verify(self.origin)

    # --- after the pass: what the manifest says -------------------------------------------------

    def assemble(self, name: str | None, platform: str | None, ref: str | None = None) -> Image:
        if "manifest.json" in self.documents and ref is None:
            config_path, layer_paths, tags = self._from_docker_manifest()
        elif "index.json" in self.documents:
            config_path, layer_paths, tag = self._from_oci_index(platform, ref)
            tags = [tag] if tag else []
        else:
            raise ImageError(
                f"{self.origin}: not a docker save archive (no manifest.json or index.json); "
                "create one with 'docker save IMAGE -o FILE'"
            )
        config = self._json(config_path, "image config")
        if not isinstance(config, dict):
            raise ImageError(f"{self.origin}: the image config {config_path} is not a JSON object")
        check_config(config, self.origin, config_path)
        check_platform(config, platform, self.origin)
        layers = [self._layer(path) for path in layer_paths]
        return build_image(name=name or (tags[0] if tags else self.origin), image_id=_digest_of(config_path),
                           config=config, layers=layers)  # fmt: skip

    def _from_docker_manifest(self) -> tuple[str, list[str], list[str]]:
        manifest = self._json("manifest.json", "manifest")
        shapes.check(manifest, shapes.DOCKER_MANIFEST, f"{self.origin}: manifest.json")
        if not isinstance(manifest, list) or not manifest or not isinstance(manifest[0], dict):
            raise ImageError(f"{self.origin}: manifest.json lists no image")
        entry = manifest[0]  # `docker save A B` writes one entry per image; like dive, read the first
        config_path = entry.get("Config")
        layer_paths = entry.get("Layers")
        if not isinstance(config_path, str) or not isinstance(layer_paths, list):
            raise ImageError(f"{self.origin}: manifest.json has no Config or Layers")
        return clean_path(config_path), [clean_path(p) for p in layer_paths], list(entry.get("RepoTags") or [])

    def _from_oci_index(self, platform: str | None, ref: str | None) -> tuple[str, list[str], str | None]:
        def fetch(descriptor: dict) -> bytes:
            path = _blob_path(descriptor_digest(descriptor, self.origin))
            if path not in self.documents:
                raise ImageError(f"{self.origin}: the manifest {path} is missing from the archive")
            return self.documents[path]

        if "index.json" not in self.documents:
            raise ImageError(f"{self.origin}: no index.json")
        resolved = resolve_manifest(self.documents["index.json"], None, fetch, platform=platform, origin=self.origin, ref=ref)
        manifest = resolved.manifest
        config_path = _blob_path(descriptor_digest(manifest.get("config") or {}, self.origin))
        layer_paths = [_blob_path(descriptor_digest(layer, self.origin)) for layer in manifest.get("layers") or []]
        return config_path, layer_paths, resolved.ref_name

    def _json(self, path: str, what: str):
        if path not in self.documents:
            raise ImageError(f"{self.origin}: the {what} {path} is missing from the archive")
        try:
            return json.loads(self.documents[path])
        except ValueError as err:
            raise ImageError(f"{self.origin}: the {what} {path} is not valid JSON ({err})") from None

    def _layer(self, path: str) -> Layer:
        hops = 0
        current = path
        while current not in self.layers and current in self.links and hops < _MAX_LINK_HOPS:
            current = self.links[current]
            hops += 1
        layer = self.layers.get(current)
        if layer is None:
            raise ImageError(f"{self.origin}: the manifest lists layer {path} but the archive does not hold it")
        if current == path:
            return layer
        # One listing, read once, shared by both positions; only the flag differs.
        return Layer(entries=layer.entries, size=layer.size, source=path, symlinked=True)


def read_layer(data: IO[bytes], source: str, origin: str, length: int | None = None) -> Layer:
    """The listing of one layer tar (plain, gzip or zstd), read as a stream. ``length``: the bytes
    ``data`` holds, when known (a :class:`~imagelint.image.tarstream.Window` knows it already)."""
    head = _peek(data)
    stream: IO[bytes] = data
    if head.startswith(_GZIP_MAGIC):
        stream = gzip.GzipFile(fileobj=data, mode="rb")  # type: ignore[assignment]
    elif head.startswith(_ZSTD_MAGIC):
        stream = _zstd_reader(data, source, origin)
    elif length is not None and not isinstance(data, Window):
        stream = Window(data, length)  # type: ignore[assignment]
    entries: list[LayerEntry] = []
    size = 0
    try:
        reader = TarReader(stream)  # type: ignore[arg-type]
        for member in reader:
            entry = _entry(member)
            if entry is not None:
                entries.append(entry)
                size += entry.size
        held = reader.bytes_read
        if stream is not data and not isinstance(stream, Window):
            _drain(stream)  # a compressed layer's checksum (gzip CRC and length, zstd's) is at its end
    except SizeError as err:
        raise ImageError(f"{origin}: layer {source}: {err}") from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        if stream is data or isinstance(stream, Window):
            raise
        raise ImageError(f"{origin}: layer {source} is truncated or corrupt ({_reason(err)})") from None
    except Exception as err:
        # The zstd modules raise their own error class for corrupt data: a damaged layer all the same.
        if type(err).__module__.partition(".")[0] in ("zstandard", "compression", "backports", "_zstd"):
            raise ImageError(f"{origin}: layer {source} is truncated or corrupt (zstd: {_reason(err)})") from None
        raise
    if size > held:
        # Sizes come from headers; the data behind them was read or skipped, so this cannot be a
        # real layer (a sparse file claiming more than it stores, a forged size record).
        raise ImageError(
            f"{origin}: layer {source}: its files claim {size} bytes but the layer holds only {held} bytes"
        )
    return Layer(entries=entries, size=size, source=source)


def _entry(member: Member) -> LayerEntry | None:
    path = clean_path(member.name)
    if path == ".":
        return None
    # Only regular files hold bytes: a size field on any other entry (which carries no data) counts 0.
    kind = member.type
    if kind == DIRECTORY:
        return LayerEntry(path, EntryKind.DIR, 0, member.mode)
    if kind == SYMLINK:
        return LayerEntry(path, EntryKind.SYMLINK, 0, member.mode, member.linkname)
    if kind == HARDLINK:
        return LayerEntry(path, EntryKind.HARDLINK, 0, member.mode, clean_path(member.linkname))
    if member.isreg():
        # Only a name holding ".wh." can be a whiteout: most paths skip the classification.
        special = classify(path, True) if ".wh." in path else None
        return LayerEntry(path, special or EntryKind.FILE, member.size, member.mode)
    return LayerEntry(path, EntryKind.OTHER, 0, member.mode)


def _zstd_reader(data: IO[bytes], source: str, origin: str) -> IO[bytes]:
    try:
        from compression import zstd  # Python >= 3.14

        return zstd.ZstdFile(data)
    except ImportError:
        pass
    try:
        from backports import zstd  # type: ignore[no-redef]

        return zstd.ZstdFile(data)
    except ImportError:
        pass
    try:
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(data, read_size=ZSTD_READ_BYTES)
    except ImportError:
        raise ImageError(
            f"{origin}: layer {source} is zstd-compressed and no zstd module is installed; "
            "pip install zstandard"
        ) from None


def _peek(data: IO[bytes]) -> bytes:
    """The first bytes without consuming them (a buffered reader, or a window over one)."""
    return data.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]  # type: ignore[attr-defined]


def _drain(stream: IO[bytes]) -> None:
    while stream.read(ZSTD_READ_BYTES):
        pass


def _is_tar_header(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def _read_document(data: IO[bytes], size: int, name: str, origin: str) -> bytes:
    if size > MAX_JSON_BYTES:
        raise ImageError(f"{origin}: {name} is {size} bytes, too large for an image metadata file")
    return data.read()


def _blob_path(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _digest_of(config_path: str) -> str:
    """The image ID is the config's digest: ``<hex>.json`` (legacy) or ``blobs/sha256/<hex>`` (OCI)."""
    if config_path.startswith("blobs/"):
        _, algorithm, hexdigest = config_path.split("/", 2)
        return f"{algorithm}:{hexdigest}"
    return "sha256:" + posixpath.basename(config_path).removesuffix(".json")


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]
