"""Bounded HTTP: every network read imagelint makes has a deadline and a size bound.

A socket timeout alone does not bound a request: it limits each ``recv``, so a server that sends
one byte every few seconds (a "drip") keeps a request alive forever, and a body with no end fills
memory. Here:

- every request has a :class:`Deadline`. A plain request (a manifest, a token, the daemon's JSON
  answers) must be answered *and its body read* within the network timeout
  (``IMAGELINT_NETWORK_TIMEOUT``, :data:`DEFAULT_NETWORK_TIMEOUT` seconds). A stream (a layer blob,
  ``docker save``) may take as long as it needs while it moves: each :data:`STREAM_PROGRESS_BYTES`
  received earn it another timeout period, so a drip still fails within one period. A stream whose
  sender must work before its first byte (the daemon writes a whole export first) may be given a
  longer first period (``first_byte_seconds``); from its first byte on, the rule above holds. When a deadline
  passes, the request's sockets are shut down, which wakes a read blocked in any thread; the caller
  then sees :class:`TimedOut` from :meth:`Deadline.check`.
- a body read through a session with :class:`BoundedAdapter` mounted stops at the limit the request
  was opened with (:class:`BodyTooLarge`), also when a library (the docker SDK) reads the body whole.

The deadline reaches the sockets through the connection classes of :class:`BoundedAdapter`: a
connection opened or reused while a deadline is *opening* (:meth:`Deadline.opening`, around the call
that sends the request) is watched by it until :meth:`Deadline.close`. Connect and TLS handshake are
covered too: the socket is watched from the moment it is connected.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator

import requests
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

NETWORK_TIMEOUT_VARIABLE = "IMAGELINT_NETWORK_TIMEOUT"
DEFAULT_NETWORK_TIMEOUT = 30.0  # seconds: a registry or daemon that is this slow to answer is down
# A stream must deliver this much per timeout period: a tenth of a dial-up line, far below any real link.
STREAM_PROGRESS_BYTES = 64 << 10
ERROR_BODY_BYTES = 64 << 10  # error answers, token answers, the registry's /v2/ answer: a few hundred bytes


class InvalidTimeout(ValueError):
    """``IMAGELINT_NETWORK_TIMEOUT`` is set to something that is not a positive number of seconds."""


class TimedOut(Exception):
    """A request's deadline passed (the sockets were shut down)."""

    def __init__(self, seconds: float, stream: bool, started: bool = True) -> None:
        if not stream:
            message = f"no answer within {seconds:g} s"
        elif not started:
            message = f"no first byte within {seconds:g} s"
        else:
            message = f"less than 64 KiB in {seconds:g} s"
        super().__init__(message)
        self.seconds = seconds
        self.stream = stream
        self.started = started


class BodyTooLarge(Exception):
    """A response body is longer than the request allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {limit} bytes")
        self.limit = limit


def network_timeout(environ: dict[str, str] | None = None) -> float:
    """Seconds a request may take (``IMAGELINT_NETWORK_TIMEOUT``, default 30); :class:`InvalidTimeout` if unusable."""
    environ = os.environ if environ is None else environ
    text = environ.get(NETWORK_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_NETWORK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise InvalidTimeout(f"{NETWORK_TIMEOUT_VARIABLE}={text!r}: expected a number of seconds greater than 0")
    return seconds


def timeout_hint() -> str:
    return f"set {NETWORK_TIMEOUT_VARIABLE}=SECONDS to wait longer"


# --- deadlines --------------------------------------------------------------------------------

_opening = threading.local()  # .deadline and .body_limit of the request being sent on this thread


class Deadline:
    """The time one request may take, enforced on its sockets by a watchdog thread.

    ``stream``: the deadline moves forward by ``seconds`` each time :meth:`progress` has counted
    :data:`STREAM_PROGRESS_BYTES` more. ``first_byte_seconds`` (a stream only; default ``seconds``):
    how long the first byte may take; once it came, at most one period of ``seconds`` is left.
    """

    def __init__(self, seconds: float, *, stream: bool = False, first_byte_seconds: float | None = None) -> None:
        self.seconds = seconds
        self.stream = stream
        self.first_byte_seconds = seconds if first_byte_seconds is None or not stream else first_byte_seconds
        self.started = False  # a stream: its first byte came
        self.expired = False
        self._expires = time.monotonic() + self.first_byte_seconds
        self._credit = 0
        self._watched: list[socket.socket] = []  # duplicates of the request's sockets (shutdown reaches the original)
        self._closed = False
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._watch, name="imagelint-deadline", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        with self._condition:
            while not self._closed:
                left = self._expires - time.monotonic()
                if left <= 0:
                    self.expired = True
                    for watched in self._watched:
                        _shut(watched)
                    return
                self._condition.wait(left)

    @contextlib.contextmanager
    def opening(self, body_limit: int | None = None) -> Iterator[Deadline]:
        """While inside, connections a :class:`BoundedAdapter` opens or reuses on this thread are
        watched by this deadline, and responses it builds are cut at ``body_limit`` bytes."""
        previous = getattr(_opening, "deadline", None), getattr(_opening, "body_limit", None)
        _opening.deadline, _opening.body_limit = self, body_limit
        try:
            yield self
        finally:
            _opening.deadline, _opening.body_limit = previous

    def watch(self, connected: socket.socket) -> None:
        try:
            duplicate = socket.socket(fileno=os.dup(connected.fileno()))
        except OSError:
            return  # already closed: nothing left to interrupt
        with self._condition:
            if self._closed:
                duplicate.close()
                return
            self._watched.append(duplicate)
            if self.expired:
                _shut(duplicate)

    def progress(self, count: int) -> None:
        """``count`` more bytes of a stream arrived."""
        if not self.stream:
            return
        if count > 0:
            self.first_byte()
        self._credit += count
        if self._credit >= STREAM_PROGRESS_BYTES:
            self._credit = 0
            with self._condition:
                self._expires = time.monotonic() + self.seconds

    def first_byte(self) -> None:
        """A stream's answer began (its head, or its first bytes, came): what is left of a longer
        first-byte allowance shrinks to one period."""
        if not self.stream or self.started:
            return
        self.started = True
        with self._condition:
            self._expires = min(self._expires, time.monotonic() + self.seconds)
            self._condition.notify_all()  # the watchdog sleeps until the old, later expiry: wake it

    def check(self) -> None:
        """:class:`TimedOut` when the deadline passed (a read that "ended" may only have been cut)."""
        if self.expired:
            waiting_for_first_byte = self.stream and not self.started
            raise TimedOut(self.first_byte_seconds if waiting_for_first_byte else self.seconds, self.stream,
                           started=not waiting_for_first_byte)  # fmt: skip

    def close(self) -> None:
        with self._condition:
            self._closed = True
            for watched in self._watched:
                watched.close()
            self._watched.clear()
            self._condition.notify_all()


def _shut(watched: socket.socket) -> None:
    try:
        watched.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # the peer or the request already closed it


def _watch_if_opening(connected: socket.socket) -> None:
    deadline = getattr(_opening, "deadline", None)
    if deadline is not None:
        deadline.watch(connected)


class _Watched:
    """Connection behaviour: join the opening deadline when connected, and again when reused."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        connected = super()._new_conn()  # type: ignore[misc]
        _watch_if_opening(connected)
        return connected

    def request(self, *args, **kwargs):
        if self.sock is not None:  # a kept-alive connection: its socket serves this request now
            _watch_if_opening(self.sock)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class BoundedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with watched connections (for :class:`Deadline`) and bounded bodies."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is urllib3.ProxyManager:  # a SOCKS manager has pool classes of its own
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager

    def build_response(self, req, resp):
        return _bounded_response(super().build_response(req, resp))


def bound_bodies(adapter: requests.adapters.HTTPAdapter) -> None:
    """Make an adapter of another library (the docker SDK's Unix socket one) cut bodies at the
    opening limit as :class:`BoundedAdapter` does. Its connections are its own: no deadline reaches them."""
    build = adapter.build_response
    if getattr(build, "bounded", False):
        return

    def bounded(req, resp):
        return _bounded_response(build(req, resp))

    bounded.bounded = True  # type: ignore[attr-defined]
    adapter.build_response = bounded  # type: ignore[method-assign]


def _bounded_response(response: requests.Response) -> requests.Response:
    limit = getattr(_opening, "body_limit", None)
    if limit is not None:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.raw.close()
            raise BodyTooLarge(limit)
        response.raw = _BoundedBody(response.raw, limit)
    return response


def bounded_session() -> requests.Session:
    session = requests.Session()
    adapter = BoundedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _BoundedBody:
    """A urllib3 response that raises :class:`BodyTooLarge` once more than ``limit`` bytes came."""

    def __init__(self, response, limit: int) -> None:
        self._response = response
        self._limit = limit
        self._received = 0

    def _count(self, data: bytes) -> bytes:
        self._received += len(data)
        if self._received > self._limit:
            self._response.close()
            raise BodyTooLarge(self._limit)
        return data

    def read(self, *args, **kwargs) -> bytes:
        return self._count(self._response.read(*args, **kwargs))

    def stream(self, *args, **kwargs) -> Iterator[bytes]:
        for data in self._response.stream(*args, **kwargs):
            yield self._count(data)

    def __getattr__(self, name: str):
        return getattr(self._response, name)


def read_body(response, limit: int, deadline: Deadline | None = None) -> bytes:
    """The body of a streamed ``requests`` response, at most ``limit`` bytes (:class:`BodyTooLarge`)."""
    body = bytearray()
    try:
        for chunk in response.iter_content(64 << 10):
            body += chunk
            if len(body) > limit:
                raise BodyTooLarge(limit)
    finally:
        response.close()
    if deadline is not None:
        deadline.check()
    return bytes(body)
