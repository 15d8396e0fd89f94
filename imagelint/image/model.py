"""What an image source produces: layers as lists of per-path metadata, the config and the history.

No file content is ever kept: an entry is a path, a type, a size, a mode and a link target, so memory
grows with the number of paths in the image, not with its bytes.
"""

from __future__ import annotations

import enum
import posixpath
from dataclasses import dataclass, field

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


class ImageError(Exception):
    """The image cannot be read (bad reference, missing or corrupt archive). One line, says what to do."""


class EntryKind(enum.Enum):
    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    OTHER = "other"  # devices and fifos
    BOOKKEEPING = "bookkeeping"  # aufs files such as .wh..wh.plnk: no meaning for the final tree
    WHITEOUT = "whiteout"  # .wh.NAME: NAME is deleted from the layers below
    OPAQUE = "opaque"  # .wh..wh..opq: the directory's contents from the layers below are hidden


@dataclass(frozen=True, slots=True)
class LayerEntry:
    path: str  # as in the layer tar, cleaned and relative: "app/f.bin", "data/.wh.big.bin"
    kind: EntryKind
    size: int  # tar header size: a regular file's length, 0 for everything else (hard links included)
    mode: int = 0
    link: str | None = None  # symlink target as written; hard link target as a cleaned path

    @property
    def target(self) -> str:
        """The path a whiteout deletes, or the directory an opaque marker empties; else ``path``."""
        if self.kind is EntryKind.OPAQUE:
            return posixpath.dirname(self.path)
        if self.kind is EntryKind.WHITEOUT:
            directory, name = posixpath.split(self.path)
            return posixpath.join(directory, name[len(WHITEOUT_PREFIX) :])
        return self.path


@dataclass(slots=True)
class Layer:
    entries: list[LayerEntry]
    size: int  # sum of the tar header sizes of its entries (what dive calls the layer size)
    source: str  # where it was read: "<id>/layer.tar" or "blobs/sha256/<hex>"
    digest: str | None = None  # the uncompressed layer digest (config rootfs.diff_ids)
    # Reached through a symlinked tar entry: Docker's legacy save writes a duplicate identical layer
    # that way. The files are really there; dive 0.13.1 reads such a layer as empty.
    symlinked: bool = False


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    created_by: str | None  # None when the builder recorded nothing (docker import)
    empty_layer: bool
    created: str | None = None
    comment: str | None = None


@dataclass
class Image:
    name: str  # as the user named it, or the archive's first tag
    id: str  # sha256 digest of the config
    config: dict  # the image config document (architecture, os, config, rootfs, history)
    layers: list[Layer]  # rootfs order, oldest first
    history: list[HistoryEntry] = field(default_factory=list)  # oldest first

    @property
    def runtime_config(self) -> dict:
        """The ``config`` object: User, Env, ExposedPorts, Healthcheck, Cmd, ..."""
        return self.config.get("config") or {}

    @property
    def os(self) -> str | None:
        return self.config.get("os")

    @property
    def architecture(self) -> str | None:
        return self.config.get("architecture")

    @property
    def created(self) -> str | None:
        return self.config.get("created")


def classify(name: str, is_regular: bool) -> EntryKind | None:
    """Whiteout kinds by the file's base name (only regular files carry whiteout meaning)."""
    base = posixpath.basename(name)
    if not is_regular or not base.startswith(WHITEOUT_PREFIX):
        return None
    if base == OPAQUE_MARKER:
        return EntryKind.OPAQUE
    if base.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
        return EntryKind.BOOKKEEPING
    return EntryKind.WHITEOUT


def clean_path(name: str) -> str:
    """A tar member name as a relative, normalised path ("./a//b/" -> "a/b"); "." for the root."""
    if name and name[0] not in "./" and "//" not in name and "/." not in name:
        # Already clean, as nearly every name in a layer is: normpath is the slow part of a listing.
        return name.rstrip("/")
    cleaned = posixpath.normpath("/" + name).lstrip("/")
    return cleaned or "."
