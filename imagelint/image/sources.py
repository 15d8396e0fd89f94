"""Where an image comes from: a reference on the command line -> an :class:`~imagelint.image.model.Image`.

``NAME[:TAG]``, ``NAME@DIGEST`` or an image ID go to the Docker daemon (:mod:`imagelint.docker_engine`);
``docker-archive:PATH`` reads a ``docker save`` file (plain or gzip); ``oci:PATH[:TAG]`` an OCI image
layout (:mod:`.oci`); ``registry:HOST/REPO[:TAG|@DIGEST]`` a registry over HTTP (:mod:`.registry`).
Whichever the source, each layer is streamed once and only its listing is kept.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from imagelint.image.archive import read_saved_image
from imagelint.image.layout import Platform, check_platform
from imagelint.image.model import Image, ImageError
from imagelint.image.reference import IMAGE_ID, ImageReference, parse_reference
from imagelint.image.streams import ChunkStream

__all__ = ["ImageReference", "load_image", "parse_reference"]

# The daemon sends its tar in chunks of ~32 KiB: enough of them in flight that it never waits for us.
_DAEMON_PREFETCH_CHUNKS = 64


def load_image(
    reference: ImageReference,
    *,
    platform: str | None = None,
    pull: bool = False,
    on_pull_progress: Callable[[dict], None] | None = None,
    insecure_registry: bool = False,
) -> Image:
    """Read the whole image (metadata only) from its source. ``pull``: fetch a daemon image that is
    absent (never done otherwise). ``on_pull_progress`` gets download progress events (``--pull``,
    ``registry:``); ``insecure_registry``: plain HTTP is allowed for a ``registry:`` host."""
    if platform is not None:
        Platform.parse(platform)  # a bad --platform is an error before anything is read
    if reference.kind == "docker-archive":
        return _load_archive(Path(reference.value), platform)
    if reference.kind == "oci":
        from imagelint.image.oci import load_oci

        return load_oci(Path(reference.value), ref=reference.tag, platform=platform, origin=f"oci:{reference.value}")
    if reference.kind == "registry":
        from imagelint.image.registry import load_registry_image

        return load_registry_image(reference.value, platform=platform, insecure=insecure_registry, on_progress=on_pull_progress)
    return _load_from_daemon(reference.value, platform, pull, on_pull_progress)


def _load_archive(path: Path, platform: str | None) -> Image:
    origin = str(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ImageError(f"{origin}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{origin}: is a directory; docker-archive: needs a 'docker save' tar file (for an OCI layout directory use oci:{origin})") from None
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
            if not pull or IMAGE_ID.match(name):
                raise
            docker_engine.pull_image(client, name, on_pull_progress, platform=platform)
            attrs = docker_engine.inspect_image(client, name)
        origin = f"image {name}"
        check_platform({"os": attrs.get("Os"), "architecture": attrs.get("Architecture"), "variant": attrs.get("Variant")},
                       platform, origin)  # fmt: skip
        with ChunkStream(docker_engine.save_image(client, attrs["Id"]), prefetch=_DAEMON_PREFETCH_CHUNKS) as stream:
            image = read_saved_image(
                io.BufferedReader(stream, buffer_size=docker_engine.SAVE_CHUNK_BYTES),
                origin=origin,
                name=name,
                platform=platform,
            )
    finally:
        client.close()
    image.id = attrs.get("Id") or image.id
    return image
