"""The Docker Engine, as imagelint uses it. This is the only module that imports the ``docker`` SDK.

The SDK is imported lazily (it costs ~0.2 s), and every error it or ``requests`` can raise is turned
into an :class:`EngineError` whose message is one line a user can act on: which daemon could not be
reached (``DOCKER_HOST`` or the default socket), that the socket refused us, that an image is absent
(and that ``--pull`` would fetch it). Nothing here pulls implicitly.

Every request is bounded (:mod:`imagelint.network`): the daemon's JSON answers (version, inspect,
history) must come whole within ``IMAGELINT_NETWORK_TIMEOUT`` seconds and be at most
:data:`DAEMON_ANSWER_BYTES`; the ``docker save`` stream may take as long as it keeps coming (64 KiB
per period), once it has started: its first byte may take longer, as the daemon writes the whole
export before it sends any (:func:`export_first_byte_seconds`); ``--pull`` may take as long as the
daemon keeps reporting progress. The deadline is enforced
on the connection for a daemon reached over TCP (``DOCKER_HOST=tcp://...``, with or without TLS);
the local Unix socket, which only root or the docker group can serve, keeps the SDK's own socket
timeout and gets the size bounds.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_SOCKET = "/var/run/docker.sock"
# Big enough that Python's per-chunk overhead vanishes next to the daemon's own tar throughput.
SAVE_CHUNK_BYTES = 1 << 20
DAEMON_ANSWER_BYTES = 16 << 20  # version, inspect, history: kilobytes for any real image
# The daemon writes the whole export to disk before it sends the first byte of ``docker save``: about
# 7 s per GB on an idle test machine, up to 30 s per GB on a loaded one (docs/benchmarks.md). The first
# byte may take the network timeout plus this much per GB of the image's size (as ``inspect`` says):
# twice the slowest seen, so that only a daemon that is stuck, not one that is slow, runs out.
EXPORT_SECONDS_PER_GB = 60
PULL_EVENTS_BYTES = 64 << 20  # all of a pull's progress events: a few megabytes for a large image


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
    timeout = _network_timeout()
    try:
        # The SDK's own negotiation (version="auto") would ask before its transport can be bounded:
        # ask with a client of the oldest version, bounded, then make the client of the daemon's version.
        probe = _bounded(docker.from_env(version=docker.constants.MINIMUM_DOCKER_API_VERSION, environment=environ,
                                         timeout=timeout))  # fmt: skip
    except Exception as err:  # DockerException, TLS file errors
        raise _connection_error(err, address) from None
    try:
        answer = _bounded_call(lambda: probe.api.version(api_version=False), "GET /version", environ)
    except EngineError:
        raise
    except Exception as err:  # requests errors, the daemon answering nonsense
        raise _connection_error(err, address) from None
    finally:
        probe.close()
    version = answer.get("ApiVersion") if isinstance(answer, dict) else None
    if not isinstance(version, str) or not version.replace(".", "").isdigit():
        raise DaemonUnavailable(f"the Docker daemon at {_where(address, environ)} did not say its API version; is it a Docker daemon?")
    try:
        return _bounded(docker.from_env(version=version, environment=environ, timeout=timeout))
    except Exception as err:
        raise _connection_error(err, address) from None


def inspect_image(client: Any, reference: str) -> dict:
    """``docker image inspect`` attributes (Id, Config, RootFS, Os, Architecture, ...)."""
    import docker

    try:
        attrs = _bounded_call(lambda: client.images.get(reference).attrs, f"inspect image '{reference}'")
    except docker.errors.ImageNotFound:
        raise ImageNotFound(
            f"image '{reference}' not found in the Docker daemon at {daemon_address()}; "
            "build or pull it first, or run again with --pull"
        ) from None
    except Exception as err:
        raise _api_error(err, f"cannot inspect image '{reference}'") from None
    if not isinstance(attrs, dict) or not isinstance(attrs.get("Id"), str) or not attrs["Id"]:
        raise EngineError(f"cannot inspect image '{reference}': the Docker daemon's answer does not describe an image")
    return attrs


def image_history(client: Any, image_id: str) -> list[dict]:
    """``docker history``: newest first, ``{Id, Created, CreatedBy, Size, Tags, Comment}``."""
    try:
        return _bounded_call(lambda: list(client.api.history(image_id)), f"the history of image {image_id}")
    except Exception as err:
        raise _api_error(err, f"cannot read the history of image {image_id}") from None


def export_first_byte_seconds(timeout: float, image_bytes: object) -> float:
    """How long the first byte of an image's ``docker save`` stream may take: the network timeout,
    plus :data:`EXPORT_SECONDS_PER_GB` per GB of ``image_bytes`` (``inspect``'s ``Size``; nothing
    for a size that is missing or not a count). A daemon that lies about the size gains nothing it
    could not have by sending 64 KiB per period."""
    if isinstance(image_bytes, bool) or not isinstance(image_bytes, int) or image_bytes <= 0:
        return timeout
    return timeout + EXPORT_SECONDS_PER_GB * image_bytes / 1e9


def save_image(client: Any, image_id: str, image_bytes: int | None = None) -> Iterator[bytes]:
    """The ``docker save`` tar stream of one image, as byte chunks, read once and never stored.
    ``image_bytes`` (``inspect``'s ``Size``) sets how long the first byte may take
    (:func:`export_first_byte_seconds`); from then on the stream must keep coming.

    The SDK checks the HTTP status only when the first chunk is asked for, and a broken connection
    surfaces mid-stream, so both are translated here: callers only ever see :class:`EngineError`.
    """
    from imagelint import network

    timeout = _network_timeout()
    deadline = network.Deadline(timeout, stream=True, first_byte_seconds=export_first_byte_seconds(timeout, image_bytes))
    doing = f"the export of image {image_id}"
    try:
        # The SDK waits for the answer's head with its own socket timeout (the only one on the local
        # Unix socket), and the daemon sends its head with the first byte: it gets the same allowance.
        with deadline.opening(), _request_timeout(client, deadline.first_byte_seconds):
            chunks = client.api.get_image(image_id, chunk_size=SAVE_CHUNK_BYTES)
        deadline.first_byte()  # the answer's head came: the daemon has begun to send
        for chunk in chunks:
            deadline.progress(len(chunk))
            yield chunk
        deadline.check()
    except Exception as err:
        if deadline.expired:  # the connection was cut because the export stalled or never started
            raise _timed_out(deadline, doing) from None
        if not deadline.started and _connection_problem(err) == "timed out":  # the SDK's socket timeout
            raise _timed_out(deadline, doing, started=False) from None
        raise _api_error(err, f"cannot export image {image_id} from the Docker daemon") from None
    finally:
        deadline.close()


@contextlib.contextmanager
def _request_timeout(client: Any, seconds: float) -> Iterator[None]:
    """The SDK's timeout for the requests sent inside (it reads ``client.api.timeout`` per request;
    a client is used by one thread at a time)."""
    api = client.api
    previous = api.timeout
    api.timeout = max(previous, seconds) if isinstance(previous, (int, float)) else seconds
    try:
        yield
    finally:
        api.timeout = previous


def pull_image(
    client: Any, reference: str, on_progress: Callable[[dict], None] | None = None, *, platform: str | None = None
) -> None:
    """``docker pull``, only ever on request (``--pull``). ``on_progress`` gets the daemon's progress
    events: ``{"status", "id", "progressDetail": {"current", "total"}}``. ``platform``: which image of
    a multi-platform index the daemon fetches (default: its own)."""
    from docker.utils import parse_repository_tag

    from imagelint import network

    repository, tag = parse_repository_tag(reference)  # a digest comes back as the tag, as the API wants
    deadline = network.Deadline(_network_timeout(), stream=True)
    try:
        with deadline.opening(PULL_EVENTS_BYTES):
            events = client.api.pull(repository, tag=tag, stream=True, decode=True, platform=platform)
        for event in events:
            deadline.progress(network.STREAM_PROGRESS_BYTES)  # any event is progress: a layer may take long
            if not isinstance(event, dict):
                continue
            if event.get("error"):
                raise EngineError(f"cannot pull '{reference}': {_one_line(event['error'])}")
            if on_progress is not None:
                on_progress(event)
        deadline.check()
    except Exception as err:
        if deadline.expired:
            raise _timed_out(deadline, f"the pull of '{reference}'") from None
        if isinstance(err, network.BodyTooLarge):
            raise EngineError(f"cannot pull '{reference}': the daemon sent more than {err.limit} bytes of progress events") from None
        raise _api_error(err, f"cannot pull '{reference}'") from None
    finally:
        deadline.close()


# --- bounds ---------------------------------------------------------------------------------


def _network_timeout() -> float:
    from imagelint import network

    try:
        return network.network_timeout()
    except network.InvalidTimeout as err:
        raise EngineError(str(err)) from None


def _bounded(client: Any) -> Any:
    """``client`` with imagelint's bounded transport: a daemon over TCP gets watched connections
    (deadlines) and bounded bodies; the SDK's own Unix socket or SSH transport gets bounded bodies."""
    from imagelint import network

    api = client.api
    if api.base_url.startswith(("http://", "https://")):
        adapter = network.BoundedAdapter()
        api.mount("http://", adapter)
        api.mount("https://", adapter)
    else:
        for adapter in list(api.adapters.values()):
            network.bound_bodies(adapter)
    return client


def _bounded_call(call: Callable[[], Any], doing: str, environ: dict[str, str] | None = None) -> Any:
    """``call()`` (one request of the SDK, answered in JSON) within a deadline and :data:`DAEMON_ANSWER_BYTES`."""
    from imagelint import network

    deadline = network.Deadline(_network_timeout())
    try:
        with deadline.opening(DAEMON_ANSWER_BYTES):
            result = call()
        deadline.check()
        return result
    except Exception as err:
        if deadline.expired:
            raise _timed_out(deadline, doing, environ) from None
        if isinstance(err, network.BodyTooLarge):
            raise EngineError(f"{doing}: the Docker daemon at {_where(daemon_address(environ), environ)} answered with "
                              f"more than {err.limit} bytes, more than any image's metadata") from None  # fmt: skip
        raise
    finally:
        deadline.close()


def _timed_out(deadline: Any, doing: str, environ: dict[str, str] | None = None, *,
               started: bool | None = None) -> DaemonUnavailable:  # fmt: skip
    """The one line for a deadline that passed; ``started``: whether a stream's first byte came
    (default: as the deadline saw it)."""
    from imagelint import network

    where = _where(daemon_address(environ), environ)
    started = deadline.started if started is None else started
    if deadline.stream and not started and deadline.first_byte_seconds > deadline.seconds:
        return DaemonUnavailable(f"the Docker daemon at {where} did not start {doing} within {deadline.first_byte_seconds:g} s "
                                 f"({deadline.seconds:g} s and {EXPORT_SECONDS_PER_GB} s per GB of the image); "
                                 f"{network.timeout_hint()}")  # fmt: skip
    if deadline.stream:
        return DaemonUnavailable(f"the Docker daemon at {where} stalled during {doing} (less than 64 KiB in "
                                 f"{deadline.seconds:g} s); {network.timeout_hint()}")  # fmt: skip
    return DaemonUnavailable(f"the Docker daemon at {where} did not answer ({doing}) within {deadline.seconds:g} s; "
                             f"{network.timeout_hint()}")  # fmt: skip


def _where(address: str, environ: dict[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return f"DOCKER_HOST={address}" if "DOCKER_HOST" in environ else f"the default socket {address}"


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
    where = _where(address)
    detail = reason or _one_line(err)
    return DaemonUnavailable(f"cannot reach the Docker daemon at {where} ({detail}); is Docker running?")


def _api_error(err: BaseException, doing: str) -> EngineError:
    import docker

    if isinstance(err, EngineError):
        return err
    if isinstance(err, RecursionError):  # the SDK's json.loads on an answer nested thousands deep
        return EngineError(f"{doing}: the Docker daemon's answer is nested too deeply to be image metadata")
    # An APIError is the daemon answering: its text may speak of refused connections to a registry.
    if not isinstance(err, docker.errors.APIError) and _connection_problem(err) is not None:
        return _connection_error(err, daemon_address())
    explanation = getattr(err, "explanation", None) or _one_line(err)
    return EngineError(f"{doing}: {_one_line(explanation)}")


def _one_line(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 300 else text[:297] + "..."
