"""Reading a Dockerfile: a path or bytes in, a parsed :class:`~imagelint.dockerfile.model.Dockerfile` out,
and the one error for input that is not a Dockerfile at all.
"""

from __future__ import annotations

from pathlib import Path

from imagelint.discovery import NotRegularFile, read_regular
from imagelint.dockerfile.model import Dockerfile, ParseProblem
from imagelint.dockerfile.parser import parse
from imagelint.limits import DOCKERFILE_BYTES, LimitSettingError


class DockerfileInputError(Exception):
    """The input cannot be read as a Dockerfile at all (binary, unreadable). One line, names the file."""


def decode(data: bytes, path: str) -> tuple[str, list[ParseProblem]]:
    """Bytes to text. Binary input is refused; invalid UTF-8 is kept readable and reported."""
    if b"\x00" in data[:8192]:
        raise DockerfileInputError(f"{path}: not a Dockerfile (binary content)")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        problem = ParseProblem(line, line, f"invalid UTF-8 (byte 0x{data[err.start]:02x}); the file should be UTF-8")
        return data.decode("utf-8", errors="replace"), [problem]


def max_dockerfile_bytes() -> int:
    """The largest Dockerfile read: ``IMAGELINT_MAX_DOCKERFILE_BYTES`` or 10 MB."""
    try:
        return DOCKERFILE_BYTES.read()
    except LimitSettingError as err:
        raise DockerfileInputError(str(err)) from None


def _too_large(shown: str, limit: int) -> DockerfileInputError:
    return DockerfileInputError(
        f"{shown}: larger than {DOCKERFILE_BYTES.shown(limit)} for a Dockerfile; set {DOCKERFILE_BYTES.variable} to raise it"
    )


def load(path: str | Path, display_path: str | None = None, *, build_args: dict[str, str] | None = None) -> Dockerfile:
    """Parse the Dockerfile at ``path``. Only a regular file is read (a FIFO would block, a device
    never end), and only up to :func:`max_dockerfile_bytes` (:func:`imagelint.discovery.read_regular`)."""
    shown = display_path or str(path)
    limit = max_dockerfile_bytes()
    try:
        data = read_regular(path, limit)
    except NotRegularFile as err:
        if err.kind == "a directory":
            raise DockerfileInputError(f"{shown}: is a directory") from None
        raise DockerfileInputError(f"{shown}: not a regular file ({err.kind})") from None
    except FileNotFoundError:
        raise DockerfileInputError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise DockerfileInputError(f"{shown}: is a directory") from None
    except OSError as err:
        raise DockerfileInputError(f"{shown}: cannot read ({err.strerror})") from None
    if len(data) > limit:
        raise _too_large(shown, limit)
    return parse_bytes(data, shown, build_args=build_args)


def read_stdin(stream) -> bytes:
    """Standard input (a text or binary stream) as bytes, read only up to :func:`max_dockerfile_bytes`:
    ``imagelint lint - < /dev/zero`` must end, with the same error as a file over the limit."""
    if stream is None:
        return b""
    limit = max_dockerfile_bytes()
    buffer = getattr(stream, "buffer", stream)
    data = buffer.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise _too_large("-", limit)
    return data


def parse_bytes(data: bytes, path: str = "Dockerfile", *, build_args: dict[str, str] | None = None) -> Dockerfile:
    text, problems = decode(data, path)
    return parse(text, path, problems, build_args=build_args)
