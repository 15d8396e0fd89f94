"""Read a ``docker save`` tar stream in one pass, without extracting it or keeping file contents.

Handles both layouts ``docker save`` writes, and the one go-containerregistry writes:

- legacy (Docker < 25): ``<id>/layer.tar``, ``<config-hex>.json``, ``manifest.json``; a layer identical
  to an earlier one is written as a *symlink* to the earlier ``layer.tar``;
- OCI (Docker >= 25): ``blobs/sha256/<hex>``, ``index.json``, ``oci-layout``, plus a ``manifest.json``;
  a tar with only ``index.json`` (an OCI image layout) is resolved through the index;
- go-containerregistry's ``tarball.Write`` (kaniko ``--tar-path``, ``crane pull``): the config as
  ``sha256:<hex>`` and each layer as ``<hex>.tar.gz`` (its compressed digest) at the root, listed by a
  ``manifest.json`` of the legacy shape. Both names are digests, and both are checked.

Layer blobs may be plain tar, gzip, or zstd (``zstandard``, a dependency). The outer stream may itself
be gzip-compressed. The members come in whatever order the writer chose (``manifest.json`` is usually
last), so every layer's listing is kept until the manifest says how they stack: metadata only, never
bytes. JSON members are kept too, each at most the config limit and all of them at most
:func:`~imagelint.image.limits.max_archive_json_bytes`; a bigger one is skipped unread, and is an error
only if the manifest then names it.

Both the outer tar and the layer tars inside it are read by :mod:`.tarstream` (headers only; data
seeked over in a file on disk, read and dropped in a stream); a layer is read through a window on
the outer stream, so nothing is copied or extracted.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import posixpath
import re
import zlib
from typing import IO, BinaryIO

from imagelint.image import limits, shapes
from imagelint.image.layout import build_image, check_config, check_platform, descriptor_digest, resolve_manifest
from imagelint.image.model import (
    CODE_OF,
    DIR_CODE,
    FILE_CODE,
    HARDLINK_CODE,
    SYMLINK_CODE,
    EntryKind,
    Image,
    ImageError,
    Layer,
    LayerListing,
    PathTable,
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
_LAYER_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst")
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SNIFF_BYTES = 512
_MAX_LINK_HOPS = 16
# go-containerregistry's tarball names: the config by its digest, each layer by its compressed digest.
_DIGEST_NAMED_CONFIG = re.compile(r"sha256:[0-9a-f]{64}")
_DIGEST_NAMED_LAYER = re.compile(r"([0-9a-f]{64})\.tar\.gz")


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
        self.skipped: dict[str, str] = {}  # archive path of a JSON member not kept -> why, for the error if it is named
        self.mismatched: set[str] = set()  # digest-named layers whose bytes are not that digest
        self.links: dict[str, str] = {}  # archive path of a symlink or hard link -> its target path
        self.paths = PathTable()  # every layer's paths, so that the image's layers share one table
        self._document_bytes = 0

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
        digest_named = _DIGEST_NAMED_LAYER.fullmatch(name)
        if name.startswith("blobs/"):
            self._add_blob(name, DigestReader(data, name), member.size)
        elif digest_named:
            hashed = DigestReader(data, name, "sha256:" + digest_named.group(1))
            self.layers[name] = read_layer(hashed, name, self.origin)  # type: ignore[arg-type]
            try:
                hashed.verify(self.origin)
            except ImageError:
                self.mismatched.add(name)  # an error only if the manifest uses it: the name may mean something else
        elif name.endswith(_LAYER_SUFFIXES):
            self.layers[name] = read_layer(data, name, self.origin, member.size, self.paths)
        elif name.endswith(".json") or _DIGEST_NAMED_CONFIG.fullmatch(name):
            self._keep_document(name, data, member.size)

    def _add_blob(self, name: str, data: DigestReader, size: int) -> None:
        """OCI blobs have no type in their name: look at the first bytes. A blob read is hashed as it
        streams by, and must match the digest its name gives."""
        head = _peek(data)
        if head.startswith((_GZIP_MAGIC, _ZSTD_MAGIC)) or _is_tar_header(head):
            self.layers[name] = read_layer(data, name, self.origin, size, self.paths)  # type: ignore[arg-type]
        elif head.lstrip()[:1] in (b"{", b"["):
            if not self._keep_document(name, data, size):  # type: ignore[arg-type]
                return  # too big to keep: not read, so not hashed either
        else:
            return
        data.verify(self.origin)

    def _keep_document(self, name: str, data: IO[bytes], size: int) -> bool:
        """Keep a JSON member unless it is too big, or the archive's JSON budget is spent: then it is
        skipped without being read (the tar reader seeks or reads past it), and remembered."""
        limit = limits.MAX_CONFIG_BYTES.value()
        budget = limits.max_archive_json_bytes()
        if size > limit:
            self.skipped[name] = (f"is {size} bytes, more than the {limit} allowed for image metadata "
                                  f"(set {limits.MAX_CONFIG_BYTES.variable} to raise the limit)")  # fmt: skip
            return False
        if self._document_bytes + size > budget:
            self.skipped[name] = (f"was not read: the archive holds more than {budget} bytes of JSON before it "
                                  f"(set {limits.MAX_CONFIG_BYTES.variable} to raise the limit)")  # fmt: skip
            return False
        self.documents[name] = data.read(size)
        self._document_bytes += size
        return True

    # --- after the pass: what the manifest says -------------------------------------------------

    def assemble(self, name: str | None, platform: str | None, ref: str | None = None) -> Image:
        held = self.documents.keys() | self.skipped.keys()  # a skipped one is named in the error
        if "manifest.json" in held and ref is None:
            config_path, layer_paths, tags = self._from_docker_manifest()
        elif "index.json" in held:
            config_path, layer_paths, tag = self._from_oci_index(platform, ref)
            tags = [tag] if tag else []
        else:
            raise ImageError(
                f"{self.origin}: not a docker save archive (no manifest.json or index.json); "
                "create one with 'docker save IMAGE -o FILE'"
            )
        config = self._json(config_path, "image config")
        if _DIGEST_NAMED_CONFIG.fullmatch(config_path):
            _check_digest(self.documents[config_path], config_path, self.origin)
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

        if "index.json" in self.skipped:
            raise ImageError(f"{self.origin}: index.json {self.skipped['index.json']}")
        resolved = resolve_manifest(self.documents["index.json"], None, fetch, platform=platform, origin=self.origin, ref=ref)
        manifest = resolved.manifest
        config_path = _blob_path(descriptor_digest(manifest.get("config") or {}, self.origin))
        layer_paths = [_blob_path(descriptor_digest(layer, self.origin)) for layer in manifest.get("layers") or []]
        return config_path, layer_paths, resolved.ref_name

    def _json(self, path: str, what: str):
        if path not in self.documents:
            if path in self.skipped:
                raise ImageError(f"{self.origin}: the {what} {path} {self.skipped[path]}")
            raise ImageError(f"{self.origin}: the {what} {path} is missing from the archive")
        return shapes.parse_json(self.documents[path], f"{self.origin}: the {what} {path}")

    def _layer(self, path: str) -> Layer:
        hops = 0
        current = path
        while current not in self.layers and current in self.links and hops < _MAX_LINK_HOPS:
            current = self.links[current]
            hops += 1
        layer = self.layers.get(current)
        if layer is None:
            raise ImageError(f"{self.origin}: the manifest lists layer {path} but the archive does not hold it")
        if current in self.mismatched:
            raise ImageError(f"{self.origin}: {current}: content does not match the digest its name gives")
        if current == path:
            return layer
        # One listing, read once, shared by both positions; only the flag differs.
        return Layer(entries=layer.entries, size=layer.size, source=path, symlinked=True)


def read_layer(data: IO[bytes], source: str, origin: str, length: int | None = None, paths: PathTable | None = None) -> Layer:
    """The listing of one layer tar (plain, gzip or zstd), read as a stream. ``length``: the bytes
    ``data`` holds, when known (a :class:`~imagelint.image.tarstream.Window` knows it already);
    ``paths``: the image's path table (else the listing gets a table of its own)."""
    head = _peek(data)
    stream: IO[bytes] = data
    frames = None
    if head.startswith(_GZIP_MAGIC):
        stream = gzip.GzipFile(fileobj=data, mode="rb")  # type: ignore[assignment]
    elif head.startswith(_ZSTD_MAGIC):
        frames = _ZstdFrames(data)
        stream = _zstd_reader(frames)  # type: ignore[arg-type]
    elif length is not None and not isinstance(data, Window):
        stream = Window(data, length)  # type: ignore[assignment]
    listing = LayerListing(paths)
    size = 0
    try:
        reader = TarReader(stream)  # type: ignore[arg-type]
        for member in reader:
            size += _add_entry(listing, member)
        held = reader.bytes_read
        if stream is not data and not isinstance(stream, Window):
            _drain(stream)  # a compressed layer's checksum (gzip CRC and length, zstd's) is at its end
        if frames is not None and not frames.complete:
            raise ImageError(f"{origin}: layer {source} is truncated or corrupt (zstd: the data ends inside a frame)")
    except SizeError as err:
        raise ImageError(f"{origin}: layer {source}: {err}") from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        if stream is data or isinstance(stream, Window):
            raise
        raise ImageError(f"{origin}: layer {source} is truncated or corrupt ({_reason(err)})") from None
    except Exception as err:
        # The zstd modules raise their own error class for corrupt data: a damaged layer all the same.
        if type(err).__module__.partition(".")[0] == "zstandard":
            raise ImageError(f"{origin}: layer {source} is truncated or corrupt (zstd: {_reason(err)})") from None
        raise
    if size > held:
        # Sizes come from headers; the data behind them was read or skipped, so this cannot be a
        # real layer (a sparse file claiming more than it stores, a forged size record).
        raise ImageError(
            f"{origin}: layer {source}: its files claim {size} bytes but the layer holds only {held} bytes"
        )
    return Layer(entries=listing, size=size, source=source)


_OTHER_CODE = CODE_OF[EntryKind.OTHER]


def _add_entry(listing: LayerListing, member: Member) -> int:
    """Add a tar member to the listing; its bytes (a regular file's size, else 0)."""
    path = clean_path(member.name)
    if path == ".":
        return 0
    # Only regular files hold bytes: a size field on any other entry (which carries no data) counts 0.
    kind, uid, gid = member.type, member.uid, member.gid
    if kind == DIRECTORY:
        listing.add(path, DIR_CODE, 0, member.mode, None, uid, gid)
    elif kind == SYMLINK:
        listing.add(path, SYMLINK_CODE, 0, member.mode, member.linkname, uid, gid)
    elif kind == HARDLINK:
        listing.add(path, HARDLINK_CODE, 0, member.mode, clean_path(member.linkname), uid, gid)
    elif member.isreg():
        # Only a name holding ".wh." can be a whiteout: most paths skip the classification.
        special = classify(path, True) if ".wh." in path else None
        listing.add(path, FILE_CODE if special is None else CODE_OF[special], member.size, member.mode, None, uid, gid)
        return member.size
    else:
        listing.add(path, _OTHER_CODE, 0, member.mode, None, uid, gid)
    return 0


def _zstd_reader(data: IO[bytes]) -> IO[bytes]:
    """A zstd layer's tar, decompressed as it is read (``zstandard`` is a dependency: imported only here)."""
    import zstandard

    # Across frames: zstd:chunked and seekable-format layers are many frames (and skippable ones).
    return zstandard.ZstdDecompressor().stream_reader(data, read_size=ZSTD_READ_BYTES, read_across_frames=True)


class _ZstdFrames(io.RawIOBase):
    """A zstd layer's compressed bytes, passed through unchanged while their frame structure is
    followed (headers only; block contents are counted past): zstandard takes data cut short at a
    block boundary as complete, and a truncated layer must not read as a smaller one.
    :attr:`complete`: the data so far ends where a frame does."""

    _FRAME, _SKIPPABLE = 0xFD2FB528, range(0x184D2A50, 0x184D2A60)

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self._source = source
        self._state, self._need = "magic", 4
        self._pending = bytearray()
        self._skip = 0
        self._checksum = False
        self._broken = False  # not zstd framing: the decompressor says what is wrong

    @property
    def complete(self) -> bool:
        return self._broken or (self._state == "magic" and not self._pending and not self._skip)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size) if size is not None and size >= 0 else self._source.read()
        self._follow(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def peek(self, size: int = 1) -> bytes:
        return self._source.peek(size)  # type: ignore[attr-defined]

    def _follow(self, data: bytes) -> None:
        position = 0
        while position < len(data) and not self._broken:
            if self._skip:
                taken = min(self._skip, len(data) - position)
                self._skip -= taken
                position += taken
                continue
            taken = min(self._need - len(self._pending), len(data) - position)
            self._pending += data[position : position + taken]
            position += taken
            if len(self._pending) == self._need:
                field = bytes(self._pending)
                self._pending.clear()
                self._advance(field)

    def _advance(self, field: bytes) -> None:
        value = int.from_bytes(field, "little")
        if self._state == "magic":
            if value == self._FRAME:
                self._state, self._need = "descriptor", 1
            elif value in self._SKIPPABLE:
                self._state, self._need = "skippable", 4
            else:
                self._broken = True
        elif self._state == "skippable":
            self._skip, self._state, self._need = value, "magic", 4
        elif self._state == "descriptor":  # RFC 8878 3.1.1.1: what the rest of the frame header holds
            single_segment = (value >> 5) & 1
            self._checksum = bool((value >> 2) & 1)
            rest = (0 if single_segment else 1) + (0, 1, 2, 4)[value & 3] + (single_segment, 2, 4, 8)[value >> 6]
            self._state, self._need = ("header", rest) if rest else ("block", 3)
        elif self._state == "header":
            self._state, self._need = "block", 3
        elif self._state == "block":  # last-block bit, type (raw, RLE, compressed, reserved), size
            kind, size = (value >> 1) & 3, value >> 3
            if kind == 3:
                self._broken = True
                return
            self._skip = 1 if kind == 1 else size
            if value & 1:
                self._state, self._need = ("checksum", 4) if self._checksum else ("magic", 4)
        else:  # the checksum after the last block
            self._state, self._need = "magic", 4


def _peek(data: IO[bytes]) -> bytes:
    """The first bytes without consuming them (a buffered reader, or a window over one)."""
    return data.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]  # type: ignore[attr-defined]


def _drain(stream: IO[bytes]) -> None:
    while stream.read(ZSTD_READ_BYTES):
        pass


def _is_tar_header(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def _blob_path(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _digest_of(config_path: str) -> str:
    """The image ID is the config's digest: ``<hex>.json`` (legacy) or ``blobs/sha256/<hex>`` (OCI)."""
    if config_path.startswith("blobs/"):
        _, algorithm, hexdigest = config_path.split("/", 2)
        return f"{algorithm}:{hexdigest}"
    if _DIGEST_NAMED_CONFIG.fullmatch(config_path):
        return config_path
    return "sha256:" + posixpath.basename(config_path).removesuffix(".json")


def _check_digest(data: bytes, name: str, origin: str) -> None:
    algorithm, _, expected = name.partition(":")
    if hashlib.new(algorithm, data).hexdigest() != expected:
        raise ImageError(f"{origin}: {name}: content does not match the digest its name gives")


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]
