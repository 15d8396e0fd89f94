"""Misbehaving servers on 127.0.0.1, and a runner that measures what a run of imagelint cost.

:class:`HostileServer` answers each request with an :class:`Answer` its ``route`` picks: a normal
answer, one dripped a byte at a time (status line included: a socket timeout never fires when a
byte keeps coming), none at all, or a body without end. :func:`daemon_routes` and
:func:`registry_routes` make it a Docker daemon (``DOCKER_HOST=tcp://...``) or a registry serving
one image, with any one request misbehaving. Nothing listens anywhere but 127.0.0.1, and every
answer stops when the client hangs up or the server is stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 << 10


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    endless: bytes | None = None  # after ``body``, this chunk again and again, for ever
    drip: float | None = None  # seconds between single bytes of the whole answer (status line included)
    silent: bool = False  # read the request, then say nothing until the client gives up
    chunked: bool = False  # Transfer-Encoding: chunked (what the daemon uses for streams)


Route = Callable[[str, str, dict], Answer]  # (method, path, request headers) -> the answer


class HostileServer:
    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[tuple[str, str]] = []
        self.stopped = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.server.owner = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer()

    do_HEAD = do_POST = do_GET  # noqa: N815

    def _answer(self) -> None:
        server: HostileServer = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        server.requests.append((self.command, self.path))
        answer = server.route(self.command, self.path, dict(self.headers))
        if answer.silent:
            server.stopped.wait()
            return
        try:
            self._send(answer, server.stopped)
        except OSError:
            pass  # the client hung up: what a hostile answer is meant to end with

    def _send(self, answer: Answer, stopped: threading.Event) -> None:
        headers = dict(answer.headers)
        if answer.chunked:
            headers["Transfer-Encoding"] = "chunked"
        elif answer.endless is None:
            headers.setdefault("Content-Length", str(len(answer.body)))
        else:
            headers["Connection"] = "close"  # a body that ends when the connection does: it never does
        head = f"HTTP/1.1 {answer.status} Answer\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        pieces = _pieces(answer)
        if answer.chunked:
            pieces = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in pieces if piece)
        if answer.drip is not None:
            for piece in (head.encode(), *pieces):
                for index in range(len(piece)):
                    if stopped.wait(answer.drip):
                        return
                    self.wfile.write(piece[index : index + 1])
                    self.wfile.flush()
            return
        self.wfile.write(head.encode())
        for piece in pieces:
            if stopped.is_set():
                return
            self.wfile.write(piece)
        if answer.chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _pieces(answer: Answer) -> Iterator[bytes]:
    for start in range(0, len(answer.body), CHUNK):
        yield answer.body[start : start + CHUNK]
    while answer.endless is not None:
        yield answer.endless


def json_answer(value: object, *, headers: dict[str, str] | None = None, **options) -> Answer:
    return Answer(headers={"Content-Type": "application/json", **(headers or {})}, body=json.dumps(value).encode(), **options)


def not_found() -> Answer:
    return json_answer({"message": "not found"}, status=404)


# --- a Docker daemon --------------------------------------------------------------------------

API_VERSION = "1.41"


def daemon_routes(saved: bytes, image_id: str, name: str = "hostile/image:1", **misbehave: Answer) -> Route:
    """A daemon that has one image (``saved``: its ``docker save`` tar). ``misbehave`` replaces the
    answer to ``version``, ``inspect`` or ``save``."""

    def route(method: str, path: str, headers: dict) -> Answer:
        if path == "/version" or path.endswith("/version"):
            return misbehave.get("version") or json_answer({"ApiVersion": API_VERSION, "Version": "20.10.24", "Os": "linux"})
        if path.endswith("/json") and "/images/" in path:
            return misbehave.get("inspect") or json_answer(
                {"Id": image_id, "RepoTags": [name], "Os": "linux", "Architecture": "amd64", "Config": {}}
            )
        if path.endswith("/get") and "/images/" in path:
            return misbehave.get("save") or Answer(headers={"Content-Type": "application/x-tar"}, body=saved, chunked=True)
        return not_found()

    return route


# --- a registry -------------------------------------------------------------------------------


@dataclass
class RegistryImage:
    """The blobs and the manifest of one image, as a registry serves them."""

    manifest: bytes
    config_digest: str
    layer_digests: list[str]
    blobs: dict[str, bytes]

    @classmethod
    def of(cls, config: dict, layers: list[bytes]) -> RegistryImage:
        blobs: dict[str, bytes] = {}

        def put(data: bytes) -> str:
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            blobs[digest] = data
            return digest

        config_body = json.dumps(config).encode()
        config_digest = put(config_body)
        descriptors = [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": put(blob), "size": len(blob)}
                       for blob in layers]  # fmt: skip
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                               "size": len(config_body)},
                    "layers": descriptors}  # fmt: skip
        return cls(json.dumps(manifest).encode(), config_digest, [d["digest"] for d in descriptors], blobs)


def registry_routes(image: RegistryImage, *, token_realm: str | None = None, **misbehave: Answer) -> Route:
    """A registry serving ``image`` as ``hostile/image:1``. ``misbehave`` replaces the answer to
    ``ping`` (``/v2/``), ``manifest``, ``config`` or ``layer``; with ``token_realm`` every request
    without a bearer token is answered 401 (``challenge``, which ``misbehave`` may replace too)."""

    def route(method: str, path: str, headers: dict) -> Answer:
        if token_realm is not None and not headers.get("Authorization", "").startswith("Bearer "):
            challenge = f'Bearer realm="{token_realm}",service="hostile",scope="repository:hostile/image:pull"'
            return misbehave.get("challenge") or json_answer(
                {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                status=401, headers={"WWW-Authenticate": challenge, "Content-Type": "application/json"},
            )  # fmt: skip
        return _registry_answer(image, path, misbehave)

    return route


def _registry_answer(image: RegistryImage, path: str, misbehave: dict[str, Answer]) -> Answer:
    if path == "/v2/":
        return misbehave.get("ping") or json_answer({})
    if path.startswith("/v2/hostile/image/manifests/"):
        return misbehave.get("manifest") or Answer(
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, body=image.manifest
        )
    if path.startswith("/v2/hostile/image/blobs/"):
        digest = path.rsplit("/", 1)[1]
        if digest == image.config_digest:
            return misbehave.get("config") or Answer(body=image.blobs[digest])
        if digest in image.blobs:
            return misbehave.get("layer") or Answer(headers={"Content-Type": "application/octet-stream"}, body=image.blobs[digest])
    return not_found()


def token_routes(**misbehave: Answer) -> Route:
    """A token service: ``token`` replaces its answer."""

    def route(method: str, path: str, headers: dict) -> Answer:
        return misbehave.get("token") or json_answer({"token": "hostile-token"})

    return route


# --- measuring a run --------------------------------------------------------------------------


@dataclass
class Measured:
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    peak_rss_mb: float
    timed_out: bool

    @property
    def error_lines(self) -> list[str]:
        return self.stderr.decode(errors="replace").strip().splitlines()


# Runs imagelint as its own child and reports that child's peak RSS on the file descriptor it is given. On Linux a process starts
# with its parent's peak RSS (fork copies the memory, exec keeps the high-water mark), so imagelint
# must not be forked from the test process, which may hold hundreds of megabytes of test data.
_LAUNCHER = """
import os, sys
report = int(sys.argv[1])
os.set_inheritable(report, False)
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "imagelint", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
os.write(report, str(usage.ru_maxrss).encode())
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(*args: str, cwd, env: dict | None = None, timeout: float = 120, python_path: str | None = None,
                 memory_limit_mb: int | None = None) -> Measured:  # fmt: skip
    """``python -m imagelint ARGS`` with its wall time and its own peak RSS (``os.wait4``, what
    ``/usr/bin/time -v`` reports); killed after ``timeout`` seconds. ``python_path``: run the
    imagelint found there instead (a copy of another version, for before/after figures);
    ``memory_limit_mb``: its address space limit, so a runaway run fails instead of taking the machine."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("IMAGELINT_DEBUG", None)
    if python_path:
        environment["PYTHONPATH"] = python_path
    report_read, report_write = os.pipe()
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(report_write), *args], cwd=cwd, env=environment,
                               pass_fds=(report_write,), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, start_new_session=True,
                               preexec_fn=None if memory_limit_mb is None else lambda: _limit_memory(memory_limit_mb))  # fmt: skip
    os.close(report_write)
    killed = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        killed = True
        peak_at_kill = _peak_of_child(process.pid)  # the launcher, killed too, reports nothing
        os.killpg(process.pid, 9)  # the launcher and imagelint under it
        stdout, stderr = process.communicate()
    seconds = time.monotonic() - start
    with os.fdopen(report_read, "rb") as report:
        peak = int(report.read().strip() or 0) if not killed else peak_at_kill
    return Measured(process.returncode, stdout, stderr, seconds, peak / 1024, killed)


def _peak_of_child(launcher: int) -> int:
    """The peak RSS (KiB) of the launcher's child, from /proc; 0 if it is gone."""
    try:
        children = open(f"/proc/{launcher}/task/{launcher}/children").read().split()
        for line in open(f"/proc/{children[0]}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _limit_memory(megabytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
