"""Where an image comes from: a reference on the command line -> an :class:`~imagelint.image.model.Image`.

``NAME[:TAG]``, ``NAME@DIGEST`` or an image ID go to the Docker daemon (:mod:`imagelint.docker_engine`);
``docker-archive:PATH`` reads a ``docker save`` file (plain or gzip). ``oci:`` and ``registry:`` are
recognised and refused until they are implemented. Either way the image tar is streamed once.
"""

from __future__ import annotations

import io
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from imagelint.image.archive import read_saved_image
from imagelint.image.model import Image, ImageError

# The Docker reference grammar (distribution/reference), written out once here.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::{_TAG})?(?:@{_DIGEST})?$")
_IMAGE_ID = re.compile(r"^(?:sha256:)?[0-9a-f]{12,64}$")
_PLANNED_SCHEMES = ("oci", "oci-archive", "registry")
_KNOWN_FORMS = "NAME[:TAG], NAME@DIGEST, an image ID, or docker-archive:PATH"
_PREFETCH_CHUNKS = 8  # of docker_engine.SAVE_CHUNK_BYTES each


@dataclass(frozen=True)
class ImageReference:
    kind: str  # "docker" (the daemon) or "docker-archive"
    value: str  # the name for the daemon, the file path for an archive
    text: str  # as given

    @property
    def is_archive(self) -> bool:
        return self.kind == "docker-archive"


def parse_reference(text: str) -> ImageReference:
    """Recognise the source a reference names, or explain which forms exist."""
    stripped = text.strip()
    if not stripped:
        raise ImageError(f"empty image reference; use {_KNOWN_FORMS}")
    scheme, sep, rest = stripped.partition(":")
    if sep and scheme in ("docker-archive", "docker-tar"):
        path = rest.removeprefix("//")
        if not path:
            raise ImageError(f"'{text}': docker-archive: needs a file path (docker-archive:image.tar)")
        return ImageReference("docker-archive", path, text)
    if stripped.startswith("docker://"):
        stripped = stripped.removeprefix("docker://")
    elif sep and scheme in _PLANNED_SCHEMES and not re.fullmatch(_TAG, rest):
        # "registry:2" is the registry image with tag 2; "registry:host/repo" is the planned source.
        raise ImageError(f"'{text}': the {scheme}: source is not supported yet; use {_KNOWN_FORMS}")
    if _REFERENCE.match(stripped) or _IMAGE_ID.match(stripped):
        return ImageReference("docker", stripped, text)
    raise ImageError(f"'{text}' is not an image reference; use {_KNOWN_FORMS}")


def load_image(
    reference: ImageReference,
    *,
    platform: str | None = None,
    pull: bool = False,
    on_pull_progress: Callable[[dict], None] | None = None,
) -> Image:
    """Read the whole image (metadata only) from its source. ``pull``: fetch a daemon image that is
    absent (never done otherwise)."""
    if reference.is_archive:
        return _load_archive(Path(reference.value), platform)
    return _load_from_daemon(reference.value, platform, pull, on_pull_progress)


def _load_archive(path: Path, platform: str | None) -> Image:
    origin = str(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ImageError(f"{origin}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{origin}: is a directory; docker-archive: needs a 'docker save' tar file") from None
    except OSError as err:
        raise ImageError(f"{origin}: cannot read ({err.strerror})") from None
    with handle:
        return read_saved_image(handle, origin=origin, platform=platform)


def _load_from_daemon(name: str, platform: str | None, pull: bool, on_pull_progress) -> Image:
    from imagelint import docker_engine

    client = docker_engine.connect()
    try:
        try:
            attrs = docker_engine.inspect_image(client, name)
        except docker_engine.ImageNotFound:
            if not pull or _IMAGE_ID.match(name):
                raise
            docker_engine.pull_image(client, name, on_pull_progress)
            attrs = docker_engine.inspect_image(client, name)
        with _ChunkStream(docker_engine.save_image(client, attrs["Id"])) as stream:
            image = read_saved_image(
                io.BufferedReader(stream, buffer_size=docker_engine.SAVE_CHUNK_BYTES),
                origin=f"image {name}",
                name=name,
                platform=platform,
            )
    finally:
        client.close()
    image.id = attrs.get("Id") or image.id
    return image


class _ChunkStream(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (the SDK's streamed HTTP body).

    A background thread pulls the chunks, so the daemon keeps sending while the tar headers are being
    parsed; at most ``_PREFETCH_CHUNKS`` chunks wait in memory. Errors reach the reader unchanged.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=_PREFETCH_CHUNKS)
        self._pending = memoryview(b"")
        self._finished = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, args=(iter(chunks),), daemon=True)
        self._thread.start()

    def _pump(self, chunks: Iterator[bytes]) -> None:
        try:
            for chunk in chunks:
                if not self._offer(chunk):
                    return
            self._offer(None)
        except BaseException as err:  # handed to the reading thread, which raises it
            self._offer(err)

    def _offer(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            if self._finished:
                return 0
            item = self._queue.get()
            if item is None:
                self._finished = True
                return 0
            if isinstance(item, BaseException):
                self._finished = True
                raise item
            self._pending = memoryview(item)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        self._stop.set()  # a reader that gave up early must not leave the pump blocked forever
        super().close()
