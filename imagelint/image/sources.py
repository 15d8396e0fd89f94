"""Where an image comes from: a reference on the command line -> an :class:`ImageSource` -> an
:class:`~imagelint.image.model.Image`.

``NAME[:TAG]``, ``NAME@DIGEST`` or an image ID go to the Docker daemon (:mod:`imagelint.docker_engine`);
``docker-archive:PATH`` reads a ``docker save`` file (plain or gzip); ``oci:PATH[:TAG]`` an OCI image
layout (:mod:`.oci`); ``registry:HOST/REPO[:TAG|@DIGEST]`` a registry over HTTP (:mod:`.registry`);
``podman:NAME`` the local Podman store (:mod:`.podman`).
Whichever the source, each layer is streamed once and only its listing is kept.

:func:`parse_reference` picks the source once, from the reference's prefix: each source class names
its prefixes (``schemes``) and reads what follows; a reference no source claims names a daemon image.
A new source is one :class:`ImageSource` subclass and its entry in :data:`SOURCES`.
"""

from __future__ import annotations

import io
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from imagelint.image.archive import read_saved_image
from imagelint.image.layout import Platform, check_platform
from imagelint.image.model import Image, ImageError
from imagelint.image.reference import IMAGE_ID, REFERENCE, TAG, parse_registry_reference
from imagelint.image.streams import AwaitedStream, ProgressCounter

__all__ = ["ImageSource", "LoadOptions", "ProgressRelay", "SOURCES", "StartedLoad", "load_image", "parse_reference", "start_image"]


@dataclass(frozen=True)
class LoadOptions:
    """How to read an image; each source uses what applies to it."""

    platform: str | None = None  # os/arch[/variant]: picks an image of a multi-platform index, checked otherwise
    pull: bool = False  # the daemon: fetch an absent image (never done otherwise)
    on_progress: Callable[[dict], None] | None = None  # download progress events (--pull, registry:)
    insecure_registry: bool = False  # registry: plain HTTP is allowed for the host

    def __post_init__(self) -> None:
        if self.platform is not None:
            Platform.parse(self.platform)  # a bad --platform is an error before anything is read


@dataclass(frozen=True)
class ImageSource(ABC):
    """One place images are read from, and what the reference names in it."""

    kind: ClassVar[str]  # "docker" (the daemon), "docker-archive", "oci" or "registry"
    schemes: ClassVar[tuple[str, ...]] = ()  # the reference prefixes naming this source ("oci" for oci:PATH)
    form: ClassVar[str]  # how a reference to it is written, for error messages

    value: str  # the name for the daemon, the path of an archive or layout, HOST/REPO... for a registry
    text: str  # the reference as given

    @classmethod
    def from_reference(cls, scheme: str, rest: str, text: str) -> ImageSource | None:
        """The source ``SCHEME:REST`` names (``text``: as given; ``scheme`` is one of ``schemes``): by
        default REST itself, without a leading ``//``. A subclass returns None when the reference is a
        daemon image name after all (``oci:1.0``), and raises :class:`ImageError` when REST is not
        what it reads."""
        return cls(rest.removeprefix("//"), text)

    @abstractmethod
    def load(self, options: LoadOptions) -> Image:
        """Read the whole image (metadata only)."""


@dataclass(frozen=True)
class DaemonSource(ImageSource):
    """An image of the Docker daemon: ``NAME[:TAG]``, ``NAME@DIGEST``, an image ID, ``docker://NAME``."""

    kind = "docker"
    form = "NAME[:TAG], NAME@DIGEST, an image ID"

    @classmethod
    def named(cls, stripped: str, text: str) -> DaemonSource:
        """The daemon image a reference no other source claims names."""
        name = stripped.removeprefix("docker://")
        if REFERENCE.match(name) or IMAGE_ID.match(name):
            return cls(name, text)
        raise ImageError(f"'{text}' is not an image reference; use {known_forms()}")

    def load(self, options: LoadOptions) -> Image:
        return self.start(options).finish()

    def start(self, options: LoadOptions) -> StartedLoad:
        """Connect, inspect the image and ask for its export now; :meth:`StartedLoad.finish` reads it.

        The daemon writes the whole export before it sends the first byte (seconds for a big image),
        so a caller that starts the export first can spend that wait on its own preparation. An
        absent image that ``options.pull`` fetches is pulled by ``finish``, not here.
        """
        from imagelint import docker_engine

        try:
            client = docker_engine.connect()
        except Exception as err:
            return StartedLoad.failed(err)
        try:
            try:
                attrs = docker_engine.inspect_image(client, self.value)
            except docker_engine.ImageNotFound:
                if not options.pull or IMAGE_ID.match(self.value):
                    raise
                return StartedLoad(lambda: self._pull_and_read(client, options), client.close)
            stream = self._export(client, attrs, options)
        except Exception as err:
            client.close()
            return StartedLoad.failed(err)
        return StartedLoad(lambda: self._read(client, attrs, stream, options), lambda: _close_all(stream, client))

    def _pull_and_read(self, client, options: LoadOptions) -> Image:
        from imagelint import docker_engine

        try:
            docker_engine.pull_image(client, self.value, options.on_progress, platform=options.platform)
            attrs = docker_engine.inspect_image(client, self.value)
            stream = self._export(client, attrs, options)
        except BaseException:
            client.close()
            raise
        return self._read(client, attrs, stream, options)

    def _export(self, client, attrs: dict, options: LoadOptions) -> AwaitedStream:
        """The image's ``docker save`` stream, requested now (on the stream's own thread)."""
        from imagelint import docker_engine

        check_platform({"os": attrs.get("Os"), "architecture": attrs.get("Architecture"), "variant": attrs.get("Variant")},
                       options.platform, f"image {self.value}")  # fmt: skip
        chunks = docker_engine.save_image(client, attrs["Id"], attrs.get("Size"))
        if options.on_progress is not None:  # the daemon announces the layers' bytes; its tar is a little more
            chunks = _reported_chunks(chunks, self.value, attrs.get("Size"), options.on_progress)
        return AwaitedStream(chunks)

    def _read(self, client, attrs: dict, stream: AwaitedStream, options: LoadOptions) -> Image:
        from imagelint import docker_engine

        try:
            with stream:
                image = read_saved_image(
                    io.BufferedReader(stream, buffer_size=docker_engine.SAVE_CHUNK_BYTES),
                    origin=f"image {self.value}",
                    name=self.value,
                    platform=options.platform,
                )
        finally:
            client.close()
        image.id = attrs.get("Id") or image.id
        return image


class StartedLoad:
    """An image whose reading has begun (:meth:`DaemonSource.start`). :meth:`finish` reads the rest
    and gives the image, or raises what starting it raised: errors surface where a plain
    :meth:`ImageSource.load` would have raised them. :meth:`close` abandons the read (idempotent)."""

    def __init__(self, finish: Callable[[], Image], close: Callable[[], None] | None = None) -> None:
        self._finish, self._close = finish, close

    @classmethod
    def failed(cls, err: Exception) -> StartedLoad:
        def finish() -> Image:
            raise err

        return cls(finish)

    def finish(self) -> Image:
        finish, self._close = self._finish, None  # finishing closes what it opened
        return finish()

    def close(self) -> None:
        close, self._close = self._close, None
        if close is not None:
            close()


def _close_all(stream: AwaitedStream, client) -> None:
    stream.close()
    client.close()


class ProgressRelay:
    """An ``on_progress`` for a read started before its listener exists (:func:`start_image`): the
    events go to the listener :meth:`attach` gives; until then only the latest of each is kept, and
    handed over when the listener comes. Called from the stream's thread, attached from another."""

    def __init__(self) -> None:
        self._listener: Callable[[dict], None] | None = None
        self._latest: dict[object, dict] = {}
        self._lock = threading.Lock()

    def attach(self, listener: Callable[[dict], None] | None) -> None:
        with self._lock:
            self._listener = listener
            waiting, self._latest = list(self._latest.values()), {}
        if listener is not None:
            for event in waiting:
                listener(event)

    def __call__(self, event: dict) -> None:
        with self._lock:
            listener = self._listener
            if listener is None:
                self._latest[event.get("id")] = event
                return
        listener(event)


@dataclass(frozen=True)
class DockerArchiveSource(ImageSource):
    """A ``docker save`` file: ``docker-archive:PATH`` (also ``docker-tar:``)."""

    kind = "docker-archive"
    schemes = ("docker-archive", "docker-tar")
    form = "docker-archive:PATH"

    @classmethod
    def from_reference(cls, scheme: str, rest: str, text: str) -> DockerArchiveSource:
        path = rest.removeprefix("//")
        if not path:
            raise ImageError(f"'{text}': docker-archive: needs a file path (docker-archive:image.tar)")
        return cls(path, text)

    def load(self, options: LoadOptions) -> Image:
        from imagelint.discovery import special_file_kind

        origin = self.value
        path = Path(origin)
        kind = special_file_kind(path)
        if kind is not None:  # never opened: a FIFO would block, /dev/zero never end
            raise ImageError(f"{origin}: not a regular file ({kind}); docker-archive: needs a 'docker save' tar file")
        try:
            handle = path.open("rb") if options.on_progress is None else _ReportingFile.opened(path, origin, options.on_progress)
        except FileNotFoundError:
            raise ImageError(f"{origin}: no such file") from None
        except IsADirectoryError:
            raise ImageError(f"{origin}: is a directory; docker-archive: needs a 'docker save' tar file (for an OCI layout directory use oci:{origin})") from None
        except OSError as err:
            raise ImageError(f"{origin}: cannot read ({err.strerror})") from None
        with handle:
            return read_saved_image(handle, origin=origin, platform=options.platform)


@dataclass(frozen=True)
class OciSource(ImageSource):
    """An OCI image layout, directory or tar: ``oci:PATH[:TAG]`` (also ``oci-archive:``)."""

    kind = "oci"
    schemes = ("oci", "oci-archive")
    form = "oci:PATH[:TAG]"

    tag: str | None = None  # the tag of an image in the layout's index

    @classmethod
    def from_reference(cls, scheme: str, rest: str, text: str) -> OciSource | None:
        if re.fullmatch(TAG, rest) and not os.path.exists(rest):
            return None  # oci:1.0: the image oci tagged 1.0, unless a file or directory by that name is here
        rest = rest.removeprefix("//")
        if not rest:
            raise ImageError(f"'{text}': {scheme}: needs a path (oci:DIR, oci:image.tar or oci:DIR:TAG)")
        path, tag = rest, None
        # oci:PATH:TAG, as skopeo writes it. A path that exists as written wins over a split at its last colon.
        head, sep, tail = rest.rpartition(":")
        if sep and head and not os.path.exists(rest) and "/" not in tail and tail:
            path, tag = head, tail
        return cls(path, text, tag=tag)

    def load(self, options: LoadOptions) -> Image:
        from imagelint.image.oci import load_oci

        return load_oci(
            Path(self.value), ref=self.tag, platform=options.platform, origin=f"oci:{self.value}", on_progress=options.on_progress
        )


@dataclass(frozen=True)
class RegistrySource(ImageSource):
    """A registry, over its HTTP API, with no daemon: ``registry:HOST/REPO[:TAG|@DIGEST]``."""

    kind = "registry"
    schemes = ("registry",)
    form = "registry:HOST/REPO[:TAG]"

    @classmethod
    def from_reference(cls, scheme: str, rest: str, text: str) -> RegistrySource | None:
        if re.fullmatch(TAG, rest):
            return None  # registry:2: the daemon image registry tagged 2
        rest = rest.removeprefix("//")
        parse_registry_reference(rest, text)  # fail now on bad syntax
        return cls(rest, text)

    def load(self, options: LoadOptions) -> Image:
        from imagelint.image.registry import load_registry_image

        return load_registry_image(
            self.value, platform=options.platform, insecure=options.insecure_registry, on_progress=options.on_progress
        )


# --- progress of a read (LoadOptions.on_progress), in the daemon's pull-event shape ------------------


def _reported_chunks(chunks, name: str, total: int | None, on_progress: Callable[[dict], None]):
    counter = ProgressCounter(name, total, on_progress)
    read = 0
    for chunk in chunks:
        read += len(chunk)
        counter.at(read)
        yield chunk
    counter.at(read, final=True)


class _ReportingFile(io.FileIO):
    """An archive on disk that says how far its reader got (reads and seeks alike) of its size. Still
    a ``FileIO`` under a ``BufferedReader``, so the tar reader seeks over data as on any file."""

    def __init__(self, path: Path, name: str, on_progress: Callable[[dict], None]) -> None:
        super().__init__(path, "rb")
        self._progress = ProgressCounter(name, os.fstat(self.fileno()).st_size, on_progress)

    @classmethod
    def opened(cls, path: Path, name: str, on_progress: Callable[[dict], None]) -> io.BufferedReader:
        return io.BufferedReader(cls(path, name, on_progress), buffer_size=1 << 16)

    def _report(self) -> None:
        self._progress.at(super().tell())

    def readinto(self, buffer) -> int | None:  # type: ignore[override]
        count = super().readinto(buffer)
        self._report()
        return count

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = super().seek(offset, whence)
        self._report()
        return position


# The sources a reference prefix names, in the order they are tried; everything else is the daemon's.
@dataclass(frozen=True)
class PodmanSource(ImageSource):
    """An image of the local Podman store: ``podman:NAME[:TAG]`` (:mod:`.podman`)."""

    kind = "podman"
    schemes = ("podman",)
    form = "podman:NAME[:TAG]"

    @classmethod
    def from_reference(cls, scheme: str, rest: str, text: str) -> PodmanSource | None:
        if re.fullmatch(TAG, rest):
            return None  # podman:4.3: the daemon image podman tagged 4.3 (podman://NAME for a bare podman name)
        name = rest.removeprefix("//")
        if not (REFERENCE.match(name) or IMAGE_ID.match(name)):
            raise ImageError(f"'{text}': podman: needs an image name or ID (podman:localhost/app:1.0)")
        return cls(name, text)

    def load(self, options: LoadOptions) -> Image:
        from imagelint.image.podman import read_podman_image

        return read_podman_image(self.value, platform=options.platform)


SOURCES: tuple[type[ImageSource], ...] = (DockerArchiveSource, OciSource, RegistrySource, PodmanSource)


def known_forms() -> str:
    """``NAME[:TAG], NAME@DIGEST, an image ID, docker-archive:PATH, oci:PATH[:TAG] or registry:HOST/REPO[:TAG]``."""
    *first, last = [DaemonSource.form, *(source.form for source in SOURCES)]
    return f"{', '.join(first)} or {last}"


def parse_reference(text: str) -> ImageSource:
    """The source a reference names, or an :class:`ImageError` explaining which forms exist.

    ``registry:2`` or ``oci:1.0`` (a scheme followed by a bare tag, no path) stay the daemon images
    ``registry:2`` and ``oci:1.0``: those names existed before these sources. ``oci:./NAME`` names a
    layout in the current directory for certain.
    """
    stripped = text.strip()
    if not stripped:
        raise ImageError(f"empty image reference; use {known_forms()}")
    scheme, sep, rest = stripped.partition(":")
    if sep:
        for source in SOURCES:
            if scheme in source.schemes and (found := source.from_reference(scheme, rest, text)) is not None:
                return found
    return DaemonSource.named(stripped, text)


def start_image(reference: str, *, platform: str | None = None, pull: bool = False,
                on_progress: Callable[[dict], None] | None = None) -> StartedLoad | None:  # fmt: skip
    """Begin reading ``reference`` when it names a daemon image (:meth:`DaemonSource.start`); None
    for the other sources (their first byte comes at once: nothing to gain), and for a reference or
    ``platform`` that is not valid (the plain load says so, in its turn)."""
    try:
        source = parse_reference(reference)
        options = LoadOptions(platform=platform, pull=pull, on_progress=on_progress)
    except ImageError:
        return None
    return source.start(options) if isinstance(source, DaemonSource) else None


def load_image(
    reference: str | ImageSource,
    *,
    platform: str | None = None,
    pull: bool = False,
    on_progress: Callable[[dict], None] | None = None,
    insecure_registry: bool = False,
) -> Image:
    """The image ``reference`` names, read from its source (:class:`LoadOptions` for the options)."""
    source = parse_reference(reference) if isinstance(reference, str) else reference
    return source.load(LoadOptions(platform=platform, pull=pull, on_progress=on_progress, insecure_registry=insecure_registry))
