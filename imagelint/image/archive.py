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
"""

from __future__ import annotations

import gzip
import io
import json
import os
import platform as host_platform
import posixpath
import tarfile
import zlib
from typing import IO, BinaryIO

from imagelint.image.model import (
    EntryKind,
    HistoryEntry,
    Image,
    ImageError,
    Layer,
    LayerEntry,
    classify,
    clean_path,
)

SKIP_CHUNK = 1 << 20  # bytes read at a time when skipping file contents in a stream
MAX_JSON_BYTES = 64 << 20  # configs and manifests are kilobytes; anything bigger is not one
_LAYER_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst")
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SNIFF_BYTES = 512
_MAX_LINK_HOPS = 16


def read_saved_image(stream: BinaryIO, *, origin: str, name: str | None = None, platform: str | None = None) -> Image:
    """Parse a ``docker save`` (or OCI layout) tar stream. ``origin`` names the input in errors.

    ``stream`` is read once, front to back (a file opened ``"rb"`` is also seeked over). ``name``
    overrides the image name (else the archive's first tag, else ``origin``); ``platform``
    (``os/arch[/variant]``) picks a manifest from a multi-platform OCI index (default: the host's).
    """
    reader = _SaveReader(origin)
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    try:
        source: IO[bytes] = stream
        if _peek(stream).startswith(_GZIP_MAGIC):
            source = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
        with _open_tar(source) as outer:
            for member in _members(outer):
                reader.add_member(outer, member)
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as err:
        raise ImageError(f"{origin}: truncated or corrupt image archive ({_reason(err)})") from None
    return reader.assemble(name, platform)


class _ForwardReader:
    """A read-only stream that tarfile can treat as seekable, as long as it only seeks forward.

    tarfile's own stream mode (``r|``) copies its whole buffer on every 512-byte header read, which
    makes layers with many small files slow. Here reads go straight to the (buffered) source, and a
    seek forward skips: with a real file it seeks, so reading an archive from disk touches little
    more than the tar headers; otherwise it reads and drops, in large chunks.
    """

    def __init__(self, source: IO[bytes], size: int | None = None) -> None:
        self._source = source
        self._position = 0
        # Seek for real when the source can do it cheaply: a file on disk, or a member of an archive
        # being read this way (``size`` given). Compressed streams only pretend to seek: never them.
        self._start = 0
        self._end: int | None = size
        if size is None and isinstance(source, io.BufferedReader) and isinstance(source.raw, io.FileIO):
            self._start = source.tell()
            self._end = os.fstat(source.fileno()).st_size - self._start
        elif size is not None:
            self._start = source.tell()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size) if size is not None and size >= 0 else self._source.read()
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # forward only, which is all tarfile asks of a member-by-member walk
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._position
        elif whence != os.SEEK_SET:
            raise io.UnsupportedOperation("only forward seeks are possible in an image stream")
        if offset < self._position:
            raise tarfile.ReadError("the archive asks to read backwards, which a stream cannot do")
        if self._end is not None:
            if offset > self._end:
                raise tarfile.ReadError("unexpected end of data")
            self._source.seek(self._start + offset)
            self._position = offset
            return offset
        while self._position < offset:
            chunk = self._source.read(min(offset - self._position, SKIP_CHUNK))
            if not chunk:
                raise tarfile.ReadError("unexpected end of data")
            self._position += len(chunk)
        return offset


def _open_tar(source: IO[bytes], size: int | None = None) -> tarfile.TarFile:
    return tarfile.open(fileobj=_ForwardReader(source, size), mode="r:")  # type: ignore[arg-type]


def _members(archive: tarfile.TarFile):
    """Each member once; tarfile's list of every header read so far is dropped as we go."""
    while True:
        member = archive.next()
        if member is None:
            return
        archive.members.clear()  # only our compact entries are kept: memory follows paths, not headers
        yield member


class _SaveReader:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.layers: dict[str, Layer] = {}  # archive path -> listing
        self.documents: dict[str, bytes] = {}  # archive path -> JSON text
        self.links: dict[str, str] = {}  # archive path of a symlink or hard link -> its target path

    # --- the pass over the stream -----------------------------------------------------------

    def add_member(self, outer: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        name = clean_path(member.name)
        if member.issym():
            self.links[name] = clean_path(posixpath.join(posixpath.dirname(name), member.linkname))
            return
        if member.islnk():
            self.links[name] = clean_path(member.linkname)
            return
        if not member.isfile():
            return
        data = outer.extractfile(member)
        if data is None:
            return
        if name.startswith("blobs/"):
            self._add_blob(name, data, member.size)
        elif name.endswith(_LAYER_SUFFIXES):
            self.layers[name] = read_layer(data, name, self.origin, member.size)
        elif name.endswith(".json"):
            self.documents[name] = _read_document(data, member.size, name, self.origin)

    def _add_blob(self, name: str, data: IO[bytes], size: int) -> None:
        """OCI blobs have no type in their name: look at the first bytes."""
        head = _peek(data)
        if head.startswith((_GZIP_MAGIC, _ZSTD_MAGIC)) or _is_tar_header(head):
            self.layers[name] = read_layer(data, name, self.origin, size)
        elif head.lstrip()[:1] in (b"{", b"[") and size <= MAX_JSON_BYTES:
            self.documents[name] = _read_document(data, size, name, self.origin)

    # --- after the pass: what the manifest says -------------------------------------------------

    def assemble(self, name: str | None, platform: str | None) -> Image:
        if "manifest.json" in self.documents:
            config_path, layer_paths, tags = self._from_docker_manifest()
        elif "index.json" in self.documents:
            config_path, layer_paths = self._from_oci_index(platform)
            tags = []
        else:
            raise ImageError(
                f"{self.origin}: not a docker save archive (no manifest.json or index.json); "
                "create one with 'docker save IMAGE -o FILE'"
            )
        config = self._json(config_path, "image config")
        if not isinstance(config, dict):
            raise ImageError(f"{self.origin}: the image config {config_path} is not a JSON object")
        layers = [self._layer(path) for path in layer_paths]
        diff_ids = (config.get("rootfs") or {}).get("diff_ids") or []
        for layer, digest in zip(layers, diff_ids):
            layer.digest = digest
        return Image(
            name=name or (tags[0] if tags else self.origin),
            id=_digest_of(config_path),
            config=config,
            layers=layers,
            history=_history(config),
        )

    def _from_docker_manifest(self) -> tuple[str, list[str], list[str]]:
        manifest = self._json("manifest.json", "manifest")
        if not isinstance(manifest, list) or not manifest or not isinstance(manifest[0], dict):
            raise ImageError(f"{self.origin}: manifest.json lists no image")
        entry = manifest[0]  # `docker save A B` writes one entry per image; like dive, read the first
        config_path = entry.get("Config")
        layer_paths = entry.get("Layers")
        if not isinstance(config_path, str) or not isinstance(layer_paths, list):
            raise ImageError(f"{self.origin}: manifest.json has no Config or Layers")
        return clean_path(config_path), [clean_path(p) for p in layer_paths], list(entry.get("RepoTags") or [])

    def _from_oci_index(self, platform: str | None) -> tuple[str, list[str]]:
        document = self._json("index.json", "OCI index")
        for _ in range(4):  # an index may point at another index (multi-platform)
            manifests = document.get("manifests") if isinstance(document, dict) else None
            if manifests is None:
                break
            chosen = _choose_manifest(manifests, platform, self.origin)
            document = self._json(_blob_path(chosen.get("digest", "")), "OCI manifest")
        if not isinstance(document, dict) or "config" not in document:
            raise ImageError(f"{self.origin}: the OCI index does not lead to an image manifest")
        config_path = _blob_path((document.get("config") or {}).get("digest", ""))
        layer_paths = [_blob_path(layer.get("digest", "")) for layer in document.get("layers") or []]
        return config_path, layer_paths

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
    ``data`` holds, when it can seek within them (a member of the outer archive)."""
    head = _peek(data)
    stream: IO[bytes] = data
    if head.startswith(_GZIP_MAGIC):
        stream, length = gzip.GzipFile(fileobj=data, mode="rb"), None  # type: ignore[assignment]
    elif head.startswith(_ZSTD_MAGIC):
        stream, length = _zstd_reader(data, source, origin), None
    entries: list[LayerEntry] = []
    size = 0
    with _open_tar(stream, length) as archive:
        for member in _members(archive):
            entry = _entry(member)
            if entry is not None:
                entries.append(entry)
                size += entry.size
    return Layer(entries=entries, size=size, source=source)


def _entry(member: tarfile.TarInfo) -> LayerEntry | None:
    path = clean_path(member.name)
    if path == ".":
        return None
    if member.isdir():
        return LayerEntry(path, EntryKind.DIR, member.size, member.mode)
    if member.issym():
        return LayerEntry(path, EntryKind.SYMLINK, member.size, member.mode, member.linkname)
    if member.islnk():
        return LayerEntry(path, EntryKind.HARDLINK, member.size, member.mode, clean_path(member.linkname))
    if member.isreg():
        kind = classify(path, True) or EntryKind.FILE
        return LayerEntry(path, kind, member.size, member.mode)
    return LayerEntry(path, EntryKind.OTHER, member.size, member.mode)


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

        return zstandard.ZstdDecompressor().stream_reader(data, read_size=SKIP_CHUNK)
    except ImportError:
        raise ImageError(
            f"{origin}: layer {source} is zstd-compressed and no zstd module is installed; "
            "pip install zstandard"
        ) from None


def _peek(data: IO[bytes]) -> bytes:
    """The first bytes without consuming them (extractfile gives a buffered reader)."""
    return data.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]  # type: ignore[attr-defined]


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


def _history(config: dict) -> list[HistoryEntry]:
    entries = []
    for item in config.get("history") or []:
        if not isinstance(item, dict):
            continue
        entries.append(
            HistoryEntry(
                created_by=item.get("created_by"),
                empty_layer=bool(item.get("empty_layer")),
                created=item.get("created"),
                comment=item.get("comment"),
            )
        )
    return entries


def host_platform_name() -> str:
    machine = host_platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm/v7", "i686": "386"}.get(machine, machine)
    return f"linux/{arch}"


def _choose_manifest(manifests: list, platform: str | None, origin: str) -> dict:
    candidates = [m for m in manifests if isinstance(m, dict)]
    if not candidates:
        raise ImageError(f"{origin}: the OCI index lists no manifest")
    # Attestation manifests (buildx provenance) carry platform unknown/unknown: never an image.
    images = [m for m in candidates if (m.get("platform") or {}).get("os") != "unknown"]
    if len(images) == 1:
        return images[0]
    wanted = platform or host_platform_name()
    for manifest in images:
        spec = manifest.get("platform") or {}
        name = "/".join(part for part in (spec.get("os"), spec.get("architecture"), spec.get("variant")) if part)
        if name == wanted or name.rsplit("/", 1)[0] == wanted:
            return manifest
    raise ImageError(f"{origin}: the OCI index has no manifest for platform {wanted}; choose one with --platform")


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]
