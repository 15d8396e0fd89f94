"""``podman:NAME``: an image of the local Podman store, read from ``podman image save`` as it streams.

Podman has no daemon to ask: its CLI is the API. ``podman image save --format docker-archive NAME``
writes a ``docker save`` tar on standard output, which is read in one pass like a daemon's export
(:func:`~imagelint.image.archive.read_saved_image`); nothing is written to disk by imagelint. The
store is the one the ``podman`` command uses (rootless or not, ``CONTAINERS_STORAGE_CONF`` and
``--root`` settings from ``containers-storage.conf``). This is the only module that runs podman.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

from imagelint.image.archive import read_saved_image
from imagelint.image.model import Image, ImageError

SAVE_BUFFER_BYTES = 1 << 20
_STDERR_SHOWN = 300  # characters of podman's own message kept in an error


def read_podman_image(name: str, *, platform: str | None = None) -> Image:
    """The image ``name`` of the local Podman store; :class:`ImageError` (one line) when podman is
    missing, does not have the image, or its output is not an image archive."""
    binary = shutil.which("podman")
    if binary is None:
        raise ImageError("podman: the podman command is not installed (or not on PATH); podman: images are read with 'podman image save'")
    origin = f"podman image {name}"
    # podman's messages go to a file, not a pipe: a pipe nobody reads could fill and stall the export.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [binary, "image", "save", "--quiet", "--format", "docker-archive", name],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        failure: ImageError | None = None
        image: Image | None = None
        try:
            image = read_saved_image(io.BufferedReader(process.stdout, buffer_size=SAVE_BUFFER_BYTES),  # type: ignore[arg-type]
                                     origin=origin, name=name, platform=platform)  # fmt: skip
        except ImageError as err:
            failure = err
        finally:
            process.stdout.close()  # type: ignore[union-attr]
            if process.poll() is None and failure is not None:
                process.kill()
            code = process.wait()
        if code != 0:  # podman's reason says more than a truncated archive would
            errors.seek(0)
            raise ImageError(_podman_error(name, code, errors.read(4096).decode("utf-8", "replace")))
    if failure is not None:
        raise failure
    return image  # type: ignore[return-value]


def _podman_error(name: str, code: int, stderr: str) -> str:
    said = " ".join(stderr.split())
    if "image not known" in said or "no such image" in said.lower():
        return f"podman: image '{name}' not found in the local Podman store (podman images lists it; podman pull fetches it)"
    said = said.removeprefix("Error: ")[:_STDERR_SHOWN] or f"exit code {code}"
    return f"podman: 'podman image save {name}' failed: {said}"
