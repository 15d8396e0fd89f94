"""Reading a Dockerfile: a path or bytes in, a parsed :class:`~imagelint.dockerfile.model.Dockerfile` out,
and the one error for input that is not a Dockerfile at all.
"""

from __future__ import annotations

from pathlib import Path

from imagelint.dockerfile.model import Dockerfile, ParseProblem
from imagelint.dockerfile.parser import parse


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


def load(path: str | Path, display_path: str | None = None, *, build_args: dict[str, str] | None = None) -> Dockerfile:
    shown = display_path or str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DockerfileInputError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise DockerfileInputError(f"{shown}: is a directory") from None
    except OSError as err:
        raise DockerfileInputError(f"{shown}: cannot read ({err.strerror})") from None
    return parse_bytes(data, shown, build_args=build_args)


def parse_bytes(data: bytes, path: str = "Dockerfile", *, build_args: dict[str, str] | None = None) -> Dockerfile:
    text, problems = decode(data, path)
    return parse(text, path, problems, build_args=build_args)
