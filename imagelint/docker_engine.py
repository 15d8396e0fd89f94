"""The Docker Engine, as imagelint uses it. This is the only module that imports the ``docker`` SDK.

The SDK is imported lazily (it costs ~0.2 s), and every error it or ``requests`` can raise is turned
into an :class:`EngineError` whose message is one line a user can act on: which daemon could not be
reached (``DOCKER_HOST`` or the default socket), that the socket refused us, that an image is absent
(and that ``--pull`` would fetch it). Nothing here pulls implicitly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_SOCKET = "/var/run/docker.sock"
# Big enough that Python's per-chunk overhead vanishes next to the daemon's own tar throughput.
SAVE_CHUNK_BYTES = 1 << 20


class EngineError(Exception):
    """Talking to the Docker Engine failed. The message is one line and says what to do."""


class DaemonUnavailable(EngineError):
    """No daemon answers at the configured address, or we may not talk to it."""


class ImageNotFound(EngineError):
    """The daemon has no image by that name or ID."""


def daemon_address(environ: dict[str, str] | None = None) -> str:
    """Where the SDK will connect: ``DOCKER_HOST`` if set, else the default Unix socket."""
    environ = os.environ if environ is None else environ
    return environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"


def connect(environ: dict[str, str] | None = None) -> Any:
    """A ``docker.DockerClient`` configured like the docker CLI (DOCKER_HOST, DOCKER_TLS_VERIFY,
    DOCKER_CERT_PATH), with the API version negotiated. Raises :class:`DaemonUnavailable`."""
    import docker

    address = daemon_address(environ)
    try:
        # version="auto" asks the daemon at construction, so an absent daemon fails here, early.
        return docker.from_env(version="auto", environment=environ)
    except Exception as err:  # DockerException, requests errors, TLS file errors
        raise _connection_error(err, address) from None


def inspect_image(client: Any, reference: str) -> dict:
    """``docker image inspect`` attributes (Id, Config, RootFS, Os, Architecture, ...)."""
    import docker

    try:
        return client.images.get(reference).attrs
    except docker.errors.ImageNotFound:
        raise ImageNotFound(
            f"image '{reference}' not found in the Docker daemon at {daemon_address()}; "
            "build or pull it first, or run again with --pull"
        ) from None
    except Exception as err:
        raise _api_error(err, f"cannot inspect image '{reference}'") from None


def image_history(client: Any, image_id: str) -> list[dict]:
    """``docker history``: newest first, ``{Id, Created, CreatedBy, Size, Tags, Comment}``."""
    try:
        return list(client.api.history(image_id))
    except Exception as err:
        raise _api_error(err, f"cannot read the history of image {image_id}") from None


def save_image(client: Any, image_id: str) -> Iterator[bytes]:
    """The ``docker save`` tar stream of one image, as byte chunks, read once and never stored.

    The SDK checks the HTTP status only when the first chunk is asked for, and a broken connection
    surfaces mid-stream, so both are translated here: callers only ever see :class:`EngineError`.
    """
    try:
        chunks = client.api.get_image(image_id, chunk_size=SAVE_CHUNK_BYTES)
        yield from chunks
    except Exception as err:
        raise _api_error(err, f"cannot export image {image_id} from the Docker daemon") from None


def pull_image(
    client: Any, reference: str, on_progress: Callable[[dict], None] | None = None, *, platform: str | None = None
) -> None:
    """``docker pull``, only ever on request (``--pull``). ``on_progress`` gets the daemon's progress
    events: ``{"status", "id", "progressDetail": {"current", "total"}}``. ``platform``: which image of
    a multi-platform index the daemon fetches (default: its own)."""
    from docker.utils import parse_repository_tag

    repository, tag = parse_repository_tag(reference)  # a digest comes back as the tag, as the API wants
    try:
        for event in client.api.pull(repository, tag=tag, stream=True, decode=True, platform=platform):
            if event.get("error"):
                raise EngineError(f"cannot pull '{reference}': {_one_line(event['error'])}")
            if on_progress is not None:
                on_progress(event)
    except Exception as err:
        raise _api_error(err, f"cannot pull '{reference}'") from None


def dockerignore_matcher(patterns: list[str]) -> Any:
    """The SDK's ``.dockerignore`` matcher (what docker-py's ``build`` uses): ``.matches(relative_path)``.

    Last match wins, ``!`` negates, a matched parent directory excludes its children, and
    ``.dockerignore`` itself is always kept (the matcher appends ``!.dockerignore``).
    """
    from docker.utils.build import PatternMatcher

    return PatternMatcher(list(patterns))


# --- error translation ------------------------------------------------------------------------


def _root_cause(err: BaseException) -> BaseException:
    """The innermost exception (requests wraps urllib3 wraps the OS error)."""
    seen = set()
    current: BaseException = err
    while id(current) not in seen:
        seen.add(id(current))
        for arg in getattr(current, "args", ()):
            if isinstance(arg, BaseException):
                current = arg
                break
        else:
            nested = current.__cause__ or current.__context__
            if nested is None:
                break
            current = nested
    return current


def _connection_problem(err: BaseException) -> str | None:
    """A short reason when ``err`` means "could not talk to the daemon at all", else None."""
    import requests

    cause = _root_cause(err)
    text = f"{err} {cause}"
    if isinstance(cause, PermissionError) or "Permission denied" in text:
        return "permission denied"
    if isinstance(cause, FileNotFoundError) or "No such file or directory" in text:
        return "no such socket"
    if isinstance(cause, ConnectionRefusedError) or "Connection refused" in text:
        return "connection refused"
    if isinstance(err, requests.exceptions.Timeout) or "timed out" in text.lower():
        return "timed out"
    if isinstance(err, requests.exceptions.ConnectionError) or "Connection aborted" in text:
        return "connection failed"
    return None


def _connection_error(err: BaseException, address: str) -> EngineError:
    reason = _connection_problem(err)
    if reason == "permission denied":
        socket = address.removeprefix("unix://")
        return DaemonUnavailable(
            f"permission denied on the Docker socket {socket}; add your user to the 'docker' group "
            "(or run as a user that may use Docker)"
        )
    where = f"DOCKER_HOST={address}" if "DOCKER_HOST" in os.environ else f"the default socket {address}"
    detail = reason or _one_line(err)
    return DaemonUnavailable(f"cannot reach the Docker daemon at {where} ({detail}); is Docker running?")


def _api_error(err: BaseException, doing: str) -> EngineError:
    import docker

    if isinstance(err, EngineError):
        return err
    # An APIError is the daemon answering: its text may speak of refused connections to a registry.
    if not isinstance(err, docker.errors.APIError) and _connection_problem(err) is not None:
        return _connection_error(err, daemon_address())
    explanation = getattr(err, "explanation", None) or _one_line(err)
    return EngineError(f"{doing}: {_one_line(explanation)}")


def _one_line(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 300 else text[:297] + "..."
