"""Registries on 127.0.0.1 for the pull tests: Debian's ``docker-registry`` (the CNCF ``distribution``
registry) run with a generated config, and two small helpers written for the tests:

- a token service (``auth: token`` in the registry's config): it checks HTTP basic credentials and
  answers a JWT signed with a throw-away RSA key (``openssl``), whose self-signed certificate the
  registry trusts, so the registry itself verifies every token;
- a basic-auth front: the registry's htpasswd backend only reads bcrypt hashes, which nothing here
  can write without a new dependency, so a small proxy asks for basic credentials and forwards to a
  plain registry.

Nothing here listens anywhere but 127.0.0.1, and nothing is contacted but these servers.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REGISTRY_BINARY = "docker-registry"  # Debian's package docker-registry; scripts/ensure-registry.sh installs it
SERVICE = "imagelint-test-registry"
ISSUER = "imagelint-test-token-issuer"


def registry_binary() -> str | None:
    return shutil.which(REGISTRY_BINARY) or (f"/usr/bin/{REGISTRY_BINARY}" if os.access(f"/usr/bin/{REGISTRY_BINARY}", os.X_OK) else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Registry:
    """``docker-registry serve CONFIG`` on 127.0.0.1:<free port>, storing in ``root``."""

    def __init__(self, binary: str, root: Path, work: Path, *, token: TokenService | None = None, readonly: bool = False) -> None:
        self.binary = binary
        self.root = root
        self.work = work
        self.token = token
        self.readonly = readonly
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log = work / "registry.log"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Registry:
        for _ in range(5):  # a free port may be taken between the probe and the bind: try another
            self.port = free_port()
            config = self.work / "config.yml"
            config.write_text(json.dumps(self._config()))  # YAML is a superset of JSON
            with self.log.open("ab") as log:
                self.process = subprocess.Popen([self.binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
            if self._wait():
                return self
            self.stop()
        raise RuntimeError(f"docker-registry did not start; log:\n{self.log.read_text()[-2000:]}")

    def _config(self) -> dict:
        config: dict = {
            "version": 0.1,
            "log": {"level": "warn", "accesslog": {"disabled": True}},
            "storage": {
                "filesystem": {"rootdirectory": str(self.root)},
                "delete": {"enabled": True},
                "maintenance": {"uploadpurging": {"enabled": False}, "readonly": {"enabled": self.readonly}},
            },
            "http": {"addr": f"127.0.0.1:{self.port}", "secret": uuid.uuid4().hex},
        }
        if self.token is not None:
            config["auth"] = {"token": {"realm": self.token.realm, "service": SERVICE, "issuer": ISSUER,
                                        "rootcertbundle": str(self.token.certificate)}}  # fmt: skip
        return config

    def _wait(self) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                return False
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/v2/")
                status = connection.getresponse().status
                connection.close()
                if status in (200, 401):
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class _Server:
    """A threading HTTP server on 127.0.0.1:<free port>, stopped with ``stop``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.server.owner = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class TokenService(_Server):
    """``GET /token?service=..&scope=repository:NAME:pull`` with basic auth -> ``{"token": JWT}``.

    Right credentials get the scope they ask for; no credentials get a token without access (what
    Docker Hub does for a private repository); wrong ones get 401.
    """

    def __init__(self, work: Path, username: str, password: str) -> None:
        self.username, self.password = username, password
        self.key = work / "token.key"
        self.certificate = work / "token.crt"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(self.key), "-out",
             str(self.certificate), "-days", "2", "-subj", "/CN=imagelint-test-token"],
            check=True, capture_output=True,
        )  # fmt: skip
        pem = self.certificate.read_text()
        self.chain = ["".join(line for line in pem.splitlines() if not line.startswith("-----"))]
        self.requests: list[dict] = []
        super().__init__(_TokenHandler)

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def sign(self, claims: dict) -> str:
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.chain}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.key)], input=signing_input.encode(),
                                   check=True, capture_output=True).stdout  # fmt: skip
        return f"{signing_input}.{_b64url(signature)}"


class _TokenHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        service: TokenService = self.server.owner  # type: ignore[attr-defined]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        user = _basic_user(self.headers.get("Authorization"))
        service.requests.append({"query": query, "user": user})
        if user is not None and user != (service.username, service.password):
            self._answer(401, {"details": "incorrect username or password"})
            return
        access = []
        if user is not None:
            for scope in query.get("scope", []):
                kind, name, actions = scope.split(":", 2)
                access.append({"type": kind, "name": name, "actions": [a for a in actions.split(",") if a == "pull"]})
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": user[0] if user else "", "aud": query.get("service", [""])[0], "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}  # fmt: skip
        self._answer(200, {"token": service.sign(claims), "expires_in": 300})

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class BasicAuthFront(_Server):
    """Asks for basic credentials (``WWW-Authenticate: Basic``), then forwards GET and HEAD to a
    registry. ``corrupt_blobs``: flip one byte of every blob body (a transfer gone wrong)."""

    def __init__(self, upstream: Registry, username: str, password: str) -> None:
        self.upstream = upstream
        self.username, self.password = username, password
        self.corrupt_blobs = False
        super().__init__(_FrontHandler)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


class _FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self._forward(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._forward(body=True)

    def _forward(self, body: bool) -> None:
        front: BasicAuthFront = self.server.owner  # type: ignore[attr-defined]
        if _basic_user(self.headers.get("Authorization")) != (front.username, front.password):
            data = b'{"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}'
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="imagelint-test"')
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        connection = http.client.HTTPConnection("127.0.0.1", front.upstream.port, timeout=60)
        headers = {key: value for key, value in self.headers.items() if key.lower() in ("accept", "range")}
        connection.request(self.command, self.path, headers=headers)
        answer = connection.getresponse()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "keep-alive"):
                self.send_header(key, value)
        self.end_headers()
        flip = front.corrupt_blobs and "/blobs/" in self.path
        while body:
            chunk = answer.read(1 << 16)
            if not chunk:
                break
            if flip:
                chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
                flip = False
            self.wfile.write(chunk)
        connection.close()


def upload(registry_host: str, repository: str, blobs: dict[str, bytes], manifests: list[tuple[str, bytes, str]]) -> None:
    """Push blobs (digest -> bytes) and then manifests ((reference, body, media type)) with the
    registry API's monolithic upload: what a client like skopeo or crane does."""
    connection = http.client.HTTPConnection(*registry_host.split(":"), timeout=60)

    def call(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> http.client.HTTPResponse:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}")
        return response

    for digest, data in blobs.items():
        location = call("POST", f"/v2/{repository}/blobs/uploads/").getheader("Location") or ""
        parts = urllib.parse.urlsplit(location)
        query = f"{parts.query}&digest={digest}" if parts.query else f"digest={digest}"
        call("PUT", f"{parts.path}?{query}", data, {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})
    for reference, body, media_type in manifests:
        call("PUT", f"/v2/{repository}/manifests/{reference}", body, {"Content-Type": media_type})
    connection.close()


def layout_contents(root: Path) -> tuple[dict[str, bytes], bytes]:
    """The blobs of an OCI layout directory and its index.json."""
    blobs = {f"sha256:{path.name}": path.read_bytes() for path in (root / "blobs" / "sha256").iterdir()}
    for digest, data in blobs.items():
        assert hashlib.sha256(data).hexdigest() == digest.split(":")[1]
    return blobs, (root / "index.json").read_bytes()


def _basic_user(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header.split(" ", 1)[1]).decode().partition(":")
    except ValueError:
        return None
    return user, password


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
