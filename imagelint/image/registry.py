"""``registry:HOST/REPO[:TAG|@DIGEST]``: read an image straight from a registry (the Registry HTTP API
v2, which Docker Hub, GHCR, ECR, GCR/Artifact Registry, Harbor, Quay and ``distribution`` all
serve), with no Docker daemon.

What is asked of the registry, in order:

1. ``GET /v2/``: is it a registry, and how does it want us to authenticate (``WWW-Authenticate``);
2. ``GET /v2/REPO/manifests/REF`` accepting OCI and Docker manifests and indexes; an index leads,
   through :mod:`imagelint.image.layout`, to the manifest of one platform;
3. ``GET /v2/REPO/blobs/CONFIG``: the image config (history, environment, user, diff IDs);
4. ``GET /v2/REPO/blobs/LAYER`` for each layer: the body is streamed straight into the one-pass layer
   reader (decompressed on the fly, never stored on disk, never held whole in memory) while its
   digest is computed; a blob whose bytes do not match its digest is an error.

Authentication, as the docker CLI does it: anonymous first; on a ``401`` with ``Bearer realm=...,
service=..., scope=...`` a token is requested from that realm (with the user's credentials, when
``~/.docker/config.json`` has some for this host: :mod:`imagelint.image.credentials`); on ``Basic``
the credentials go with every request. Credentials are never sent over plain HTTP to a host other
than a loopback address or one given with ``--insecure-registry``.

Bounds: every request has a deadline and every body a size limit (:mod:`imagelint.network`): an
answer, and the whole of a manifest, config or token body, must come within
``IMAGELINT_NETWORK_TIMEOUT`` seconds (default 30); a layer blob may take longer as long as it keeps
coming (64 KiB per period), and must be exactly the size its descriptor declares. Manifests are read
up to 4 MiB, configs up to the config limit (:mod:`.limits`), error and token answers up to 64 KiB.

Transport: HTTPS, verified (``/etc/docker/certs.d/HOST/ca.crt`` and ``client.cert``/``client.key``
are used when present, like Docker). A loopback registry (``localhost``, ``127.0.0.0/8``, ``::1``)
or one given with ``--insecure-registry`` is insecure as Docker means it: HTTPS without
verification is tried, then plain HTTP. Docker Hub (``docker.io``) is served at
``registry-1.docker.io``. Only that host, the token realm it names and the blob storage it
redirects to are ever contacted; proxies from the environment are not used for loopback hosts.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import ipaddress
import json
import re
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from imagelint import network
from imagelint.image import archive, fetches, limits
from imagelint.image.credentials import Credentials, lookup
from imagelint.image.layout import (
    ACCEPTED_TYPES,
    MAX_DOCUMENT_BYTES,
    build_image,
    check_platform,
    descriptor_digest,
    parse_config,
    resolve_manifest,
)
from imagelint.image.model import Image, ImageError, Layer, PathTable
from imagelint.image.reference import RegistryReference, parse_registry_reference
from imagelint.image.streams import ChunkStream, read_event, short_digest
from imagelint.image.tarstream import TarError

STREAM_CHUNK_BYTES = 1 << 20
_STREAM_PREFETCH = 8  # chunks of STREAM_CHUNK_BYTES read ahead of the layer parser
_CERTS_DIR = Path("/etc/docker/certs.d")
_CHALLENGE_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')
_USER_AGENT = "imagelint (registry client)"

ProgressCallback = Callable[[dict], None]


def load_registry_image(
    text: str, *, platform: str | None = None, insecure: bool = False, on_progress: ProgressCallback | None = None
) -> Image:
    """Everything imagelint needs from ``HOST/REPO[:TAG|@DIGEST]`` (no ``registry:`` prefix)."""
    import requests

    reference = parse_registry_reference(text)
    with RegistryClient(reference, insecure=insecure) as client:
        try:
            return client.read_image(platform, on_progress)
        except requests.exceptions.RequestException as err:  # a connection lost while reading a body
            raise client._transport_error(err) from None


def is_loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


class RegistryClient:
    """One repository of one registry, for one run: the session, its authorization and its errors."""

    def __init__(self, reference: RegistryReference, *, insecure: bool = False) -> None:
        self.reference = reference
        self.origin = f"registry:{reference}"
        self.insecure = insecure or is_loopback(reference.hostname)
        try:
            self.timeout = network.network_timeout()
        except network.InvalidTimeout as err:
            raise ImageError(str(err)) from None
        self.session = network.bounded_session()
        self.session.headers["User-Agent"] = _USER_AGENT
        if is_loopback(reference.hostname):
            self.session.trust_env = False  # never send a loopback request through a proxy (Go's rule too)
        certs = _CERTS_DIR / reference.host
        if (certs / "ca.crt").is_file():
            self.session.verify = str(certs / "ca.crt")
        if (certs / "client.cert").is_file() and (certs / "client.key").is_file():
            self.session.cert = (str(certs / "client.cert"), str(certs / "client.key"))
        self.base = f"https://{reference.api_host}/v2/"
        self._authorization: str | None = None  # the Authorization header that works, once known
        self._credentials: Credentials | None = None
        self._credentials_read = False

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc) -> None:
        self.session.close()

    # --- the image ------------------------------------------------------------------------------

    def read_image(self, platform: str | None, on_progress: ProgressCallback | None = None) -> Image:
        self._ping()
        document, media_type = self._manifest(self.reference.reference, self.reference.digest)
        resolved = resolve_manifest(document, media_type, self._child_manifest, platform=platform, origin=self.origin,
                                    name=f"manifest {self.reference.reference}")
        manifest = resolved.manifest
        config_descriptor = manifest.get("config") or {}
        config_digest = descriptor_digest(config_descriptor, self.origin)
        config = parse_config(self._small_blob(config_descriptor, "image config"), self.origin, f"image config {config_digest}")
        check_platform(config, platform, self.origin)
        layers = self._layers(manifest.get("layers") or [], on_progress)
        return build_image(name=str(self.reference), image_id=descriptor_digest(config_descriptor, self.origin),
                           config=config, layers=layers)  # fmt: skip

    def _layers(self, descriptors: list, on_progress: ProgressCallback | None) -> list[Layer]:
        """Every layer, its blob fetched and read a few at a time (:mod:`.fetches`): each into a path
        table of its own, moved onto the image's in layer order, so nothing depends on timing."""
        blobs: dict[str, dict] = {}  # digest -> descriptor: an identical duplicate layer is one blob, read once
        digests = []
        for descriptor in descriptors:
            digest = descriptor_digest(descriptor if isinstance(descriptor, dict) else {}, self.origin)
            digests.append(digest)
            blobs.setdefault(digest, descriptor)

        def job(descriptor: dict) -> Callable[[Callable[[], None]], Layer]:
            def fetch(check: Callable[[], None]) -> Layer:
                def progress(event: dict) -> None:  # called at every chunk: where a cancelled fetch stops
                    check()
                    if on_progress is not None:
                        on_progress(event)

                return self._layer(descriptor, progress)

            return fetch

        paths = PathTable()
        read: dict[str, Layer] = {}
        for digest, layer in zip(blobs, fetches.in_order([job(descriptor) for descriptor in blobs.values()])):
            read[digest] = Layer(entries=layer.entries.moved_to(paths), size=layer.size, source=layer.source)
        return [Layer(entries=read[digest].entries, size=read[digest].size, source=read[digest].source) for digest in digests]

    def _ping(self) -> None:
        """``GET /v2/``: choose the scheme (HTTPS, or HTTP for an insecure registry) and learn the auth."""
        import requests

        response = None
        if self.insecure:
            try:
                with self._exchange(self.base, "GET /v2/", verify=False, translate=False) as response:
                    _error_body(response)  # whatever it says, read now: the deadline covers the whole answer
            except requests.exceptions.SSLError:
                response = None  # no TLS on that port: plain HTTP, as Docker does for insecure registries
            except requests.exceptions.ConnectionError as err:
                if _reason(err) != "connection reset":
                    raise self._transport_error(err) from None
                response = None
            if response is None:
                self.base = "http://" + self.base.removeprefix("https://")
        if response is None:
            with self._exchange(self.base, "GET /v2/") as response:
                _error_body(response)
        if response.status_code == 401:
            self._authenticate(response)
        elif response.status_code == 404:
            raise ImageError(f"{self.origin}: {self.reference.api_host} does not serve the registry API (GET /v2/ answered 404)")
        elif response.status_code >= 400:
            raise self._http_error(response, "the registry")

    def _child_manifest(self, descriptor: dict) -> bytes:
        """A manifest an index points at, by its digest (which it must match)."""
        digest = descriptor_digest(descriptor, self.origin)
        return self._manifest(digest, digest)[0]

    def _manifest(self, reference: str, digest: str | None) -> tuple[bytes, str | None]:
        what = f"manifest {reference}"
        with self._get(f"{self.base}{self.reference.repository}/manifests/{reference}", what,
                       headers={"Accept": ", ".join(ACCEPTED_TYPES)}, body_limit=MAX_DOCUMENT_BYTES) as response:  # fmt: skip
            body = network.read_body(response, MAX_DOCUMENT_BYTES)
            media_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip() or None
        if digest is not None:
            _verify(body, digest, self.origin, what)
        return body, media_type

    def _small_blob(self, descriptor: dict, what: str) -> bytes:
        digest = descriptor_digest(descriptor, self.origin)
        limit = limits.MAX_CONFIG_BYTES.value()
        size = descriptor.get("size")
        if isinstance(size, int) and size > limit:  # said before it is sent: not asked for at all
            raise ImageError(f"{self.origin}: the {what} {digest} is {size} bytes, more than the {limit} allowed for image "
                             f"metadata (set {limits.MAX_CONFIG_BYTES.variable} to raise the limit)")  # fmt: skip
        with self._get(f"{self.base}{self.reference.repository}/blobs/{digest}", f"{what} {digest}", body_limit=limit) as response:
            body = network.read_body(response, limit)
        _verify(body, digest, self.origin, what)
        return body

    def _layer(self, descriptor: dict, on_progress: ProgressCallback | None) -> Layer:
        import requests

        digest = descriptor_digest(descriptor, self.origin)
        size = descriptor.get("size")
        if not isinstance(size, int) or size < 0:
            raise ImageError(f"{self.origin}: the manifest gives no size for layer {digest}")
        what = f"layer {digest}"
        # The blob may not be longer than declared; an error answer may be longer than a tiny layer.
        limit = max(size, network.ERROR_BODY_BYTES)
        over = f"{self.origin}: {what}: the registry sends more than the {size} bytes its descriptor declares"
        with self._get(f"{self.base}{self.reference.repository}/blobs/{digest}", what, body_limit=limit, stream=True,
                       over_limit=over) as response:  # fmt: skip
            chunks = _verified_chunks(response, digest, size, self.origin, on_progress)
            try:
                with ChunkStream(chunks, prefetch=_STREAM_PREFETCH) as raw:
                    stream = io.BufferedReader(raw, buffer_size=STREAM_CHUNK_BYTES)
                    layer = archive.read_layer(stream, digest, self.origin)  # type: ignore[arg-type]
                    while stream.read(STREAM_CHUNK_BYTES):  # the rest (tar padding, gzip trailer): the digest needs it
                        pass
            except (TarError, EOFError, OSError, UnicodeDecodeError, zlib.error) as err:
                if isinstance(err, requests.exceptions.RequestException):  # the connection, not the data
                    raise
                raise ImageError(f"{self.origin}: layer {digest} is truncated or corrupt ({err})") from None
        return layer

    # --- requests, authorization and errors -------------------------------------------------------

    @contextlib.contextmanager
    def _get(self, url: str, what: str, *, headers: dict | None = None, body_limit: int = network.ERROR_BODY_BYTES,
             stream: bool = False, over_limit: str | None = None) -> Iterator:  # fmt: skip
        """A GET that must succeed, authenticating once when the registry asks (:meth:`_exchange`)."""
        options = {"headers": headers, "body_limit": body_limit, "stream": stream, "over_limit": over_limit}
        with self._exchange(url, what, **options) as response:
            if response.status_code != 401:
                self._check_status(response, what)
                yield response
                return
            _error_body(response)  # quoted if authentication fails; read within this request's deadline
        self._authenticate(response)  # after: getting a token is a request with a deadline of its own
        with self._exchange(url, what, **options) as response:
            if response.status_code == 401:
                raise self._denied(response)
            self._check_status(response, what)
            yield response

    def _check_status(self, response, what: str) -> None:
        if response.status_code >= 400:
            raise self._http_error(response, what)

    @contextlib.contextmanager
    def _exchange(self, url: str, what: str, *, headers: dict | None = None, verify: bool | None = None,
                  body_limit: int = network.ERROR_BODY_BYTES, stream: bool = False, over_limit: str | None = None,
                  translate: bool = True) -> Iterator:  # fmt: skip
        """One GET and the reading of its answer, inside the ``with``, within one deadline; the body
        cut at ``body_limit`` (``over_limit``: the message then). ``stream``: a blob, which may take
        as long as it keeps coming. Transport errors become :class:`ImageError` (with ``translate``)."""
        import requests

        all_headers = dict(headers or {})
        if self._authorization:
            all_headers["Authorization"] = self._authorization
        options = {} if verify is None and not self.insecure else {"verify": False if verify is None else verify}
        deadline = network.Deadline(self.timeout, stream=stream)
        response = None
        try:
            with warnings.catch_warnings(), deadline.opening(body_limit):
                warnings.simplefilter("ignore")  # urllib3's warning about unverified HTTPS, which insecure means
                response = self.session.get(url, headers=all_headers, stream=True, timeout=(self.timeout, self.timeout),
                                            **options)  # fmt: skip
            response.imagelint_deadline = deadline  # the layer reader reports progress to it
            yield response
            deadline.check()
        except Exception as err:
            # Whatever broke, it broke because the sockets were shut down; or requests' own read
            # timeout (the same seconds) fired first: the same fact, so the same message.
            if deadline.expired or isinstance(err, requests.exceptions.ReadTimeout):
                raise self._timed_out(url, what, stream) from None
            if isinstance(err, network.BodyTooLarge):
                raise ImageError(over_limit or f"{self.origin}: the {what} is larger than {err.limit} bytes, "
                                 "more than image metadata ever is") from None  # fmt: skip
            if translate and isinstance(err, requests.exceptions.RequestException):
                raise self._transport_error(err) from None
            raise
        finally:
            if response is not None:
                response.close()
            deadline.close()

    def _timed_out(self, url: str, what: str, stream: bool) -> ImageError:
        host = urlsplit(url).netloc
        if stream:
            return ImageError(f"{self.origin}: {host} stalled while sending the {what} (less than 64 KiB in "
                              f"{self.timeout:g} s); {network.timeout_hint()}")  # fmt: skip
        return ImageError(f"{self.origin}: {host} did not answer ({what}) within {self.timeout:g} s; {network.timeout_hint()}")

    def _authenticate(self, response) -> None:
        scheme, params = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        if scheme == "basic":
            credentials = self._user_credentials()
            if credentials is None or credentials.username is None:
                raise self._denied(response)
            self._require_secure_transport(self.base, credentials)
            self._authorization = _basic(credentials)
        elif scheme == "bearer":
            self._authorization = "Bearer " + self._token(params)
        else:
            raise ImageError(f"{self.origin}: the registry asks for an authentication scheme imagelint does not know "
                             f"({response.headers.get('WWW-Authenticate') or 'no WWW-Authenticate header'})")  # fmt: skip

    def _token(self, params: dict[str, str]) -> str:
        """A bearer token from the realm the registry named, for pulling this repository."""
        import requests

        realm = params.get("realm", "")
        parts = urlsplit(realm)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImageError(f"{self.origin}: the registry names an invalid token service {realm!r}")
        scope = params.get("scope") or f"repository:{self.reference.repository}:pull"
        query = {"scope": scope, **({"service": params["service"]} if params.get("service") else {})}
        credentials = self._user_credentials()
        if credentials is not None and credentials.registry_token:
            return credentials.registry_token
        if credentials is not None:
            self._require_secure_transport(realm, credentials)
        deadline = network.Deadline(self.timeout)
        answer = None
        try:
            with warnings.catch_warnings(), deadline.opening(network.ERROR_BODY_BYTES):
                warnings.simplefilter("ignore")
                verify = False if self.insecure else self.session.verify  # the registry's own TLS rule
                timeout = (self.timeout, self.timeout)
                if credentials is not None and credentials.identity_token:
                    form = {"grant_type": "refresh_token", "refresh_token": credentials.identity_token,
                            "client_id": "imagelint", **query}  # fmt: skip
                    answer = self.session.post(realm, data=form, timeout=timeout, verify=verify, stream=True)
                else:
                    auth = (credentials.username, credentials.password or "") if credentials and credentials.username else None
                    if auth:
                        query["account"] = auth[0]
                    answer = self.session.get(realm, params=query, auth=auth, timeout=timeout, verify=verify, stream=True)
            text = network.read_body(answer, network.ERROR_BODY_BYTES, deadline) if answer.status_code < 400 else b""
        except Exception as err:
            if deadline.expired:
                raise ImageError(f"{self.origin}: the token service {parts.netloc} did not answer within {self.timeout:g} s; "
                                 f"{network.timeout_hint()}") from None  # fmt: skip
            if isinstance(err, network.BodyTooLarge):
                raise ImageError(f"{self.origin}: the token service {parts.netloc} answered with more than "
                                 f"{err.limit} bytes, more than a token ever is") from None  # fmt: skip
            if isinstance(err, (requests.exceptions.RequestException, network.TimedOut)):
                raise ImageError(f"{self.origin}: cannot reach the token service {parts.netloc} ({_reason(err)})") from None
            raise
        finally:
            if answer is not None:
                answer.close()
            deadline.close()
        if answer.status_code in (401, 403):
            if credentials is None:
                raise ImageError(
                    f"{self.origin}: the token service {parts.netloc} requires credentials and none are set for "
                    f"{self.reference.host}; run 'docker login {self.reference.host}'"
                )
            raise ImageError(f"{self.origin}: the token service {parts.netloc} refused the credentials"
                             f"{_of_user(credentials)} from {credentials.source} (HTTP {answer.status_code})")  # fmt: skip
        if answer.status_code >= 400:
            raise ImageError(f"{self.origin}: the token service {parts.netloc} answered HTTP {answer.status_code}")
        try:
            body = json.loads(text)
        except (ValueError, RecursionError):
            body = None
        token = (body or {}).get("token") or (body or {}).get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ImageError(f"{self.origin}: the token service {parts.netloc} answered without a token")
        return token

    def _user_credentials(self) -> Credentials | None:
        if not self._credentials_read:
            self._credentials = lookup(self.reference.host)
            self._credentials_read = True
        return self._credentials

    def _require_secure_transport(self, url: str, credentials: Credentials) -> None:
        parts = urlsplit(url)
        if parts.scheme == "http" and not (is_loopback(parts.hostname or "") or self.insecure):
            raise ImageError(f"{self.origin}: refusing to send the credentials from {credentials.source} over plain "
                             f"HTTP to {parts.netloc}; use HTTPS, or --insecure-registry if you mean it")  # fmt: skip

    def _denied(self, response) -> ImageError:
        credentials = self._credentials
        detail = _registry_message(response)
        if credentials is None:
            return ImageError(
                f"{self.origin}: access denied{detail}; no credentials for {self.reference.host} in "
                f"{_config_shown()}: run 'docker login {self.reference.host}'"
            )
        return ImageError(f"{self.origin}: access denied{detail} with the credentials{_of_user(credentials)} from "
                          f"{credentials.source}")  # fmt: skip

    def _http_error(self, response, what: str) -> ImageError:
        status = response.status_code
        detail = _registry_message(response)
        if status == 404:
            return ImageError(f"{self.origin}: {what} not found{detail or ' (HTTP 404)'}")
        if status == 403:
            return ImageError(f"{self.origin}: access to {what} forbidden{detail or ' (HTTP 403)'}")
        if status == 429:
            return ImageError(f"{self.origin}: the registry refuses more requests for now (HTTP 429, rate limited){detail}")
        return ImageError(f"{self.origin}: {what}: the registry answered HTTP {status}{detail}")

    def _transport_error(self, err: BaseException) -> ImageError:
        import requests

        where = urlsplit(self.base).netloc
        if isinstance(err, requests.exceptions.SSLError):
            hint = "" if self.insecure else f"; trust its CA in {_CERTS_DIR}/{self.reference.host}/ca.crt, or use --insecure-registry"
            return ImageError(f"{self.origin}: TLS failed with {where} ({_reason(err)}){hint}")
        return ImageError(f"{self.origin}: cannot reach the registry at {where} ({_reason(err)})")


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="...",service="...",scope="..."`` -> ("bearer", {...}); ("", {}) if absent."""
    scheme, _, rest = header.strip().partition(" ")
    params = {}
    for match in _CHALLENGE_PARAM.finditer(rest):
        value = match[2] if match[2] is not None else match[3]
        params[match[1].lower()] = re.sub(r"\\(.)", r"\1", value)
    return scheme.lower(), params


def _verified_chunks(response, digest: str, size: int, origin: str, on_progress: ProgressCallback | None) -> Iterator[bytes]:
    """The body of a blob, chunk by chunk: never more than ``size`` bytes (a body that does not end
    stops there), then checked against the size and the digest. Each chunk counts as progress
    against the request's deadline."""
    algorithm, _, expected = digest.partition(":")
    hasher = hashlib.new(algorithm)
    received = 0
    short = short_digest(digest)
    deadline: network.Deadline = response.imagelint_deadline
    for chunk in response.iter_content(STREAM_CHUNK_BYTES):
        received += len(chunk)
        if received > size:
            raise ImageError(f"{origin}: layer {digest}: the registry sends more than the {size} bytes its descriptor declares")
        deadline.progress(len(chunk))
        hasher.update(chunk)
        if on_progress is not None:
            on_progress(read_event(short, received, size))
        yield chunk
    if received != size:
        raise ImageError(f"{origin}: layer {digest} has {received} bytes, its descriptor says {size}")
    if hasher.hexdigest() != expected:
        raise ImageError(f"{origin}: layer {digest} does not match its digest (corrupted in transit?)")


def _verify(body: bytes, digest: str, origin: str, what: str) -> None:
    algorithm, _, expected = digest.partition(":")
    if hashlib.new(algorithm, body).hexdigest() != expected:
        raise ImageError(f"{origin}: the {what} does not match its digest {digest}")


def _basic(credentials: Credentials) -> str:
    import base64

    pair = f"{credentials.username}:{credentials.password or ''}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _error_body(response) -> bytes:
    """The start of an error answer (at most 64 KiB: enough for any message), read once and kept."""
    kept = getattr(response, "imagelint_error_body", None)
    if kept is None:
        body = bytearray()
        try:
            for chunk in response.iter_content(16 << 10):
                body += chunk
                if len(body) >= network.ERROR_BODY_BYTES:
                    break
        except network.BodyTooLarge:
            pass  # what came is enough to quote
        kept = response.imagelint_error_body = bytes(body[: network.ERROR_BODY_BYTES])
    return kept


def _registry_message(response) -> str:
    """The registry's own explanation: ``{"errors": [{"code", "message"}]}`` -> " (CODE: message)"."""
    try:
        errors = json.loads(_error_body(response)).get("errors")
    except (ValueError, AttributeError, RecursionError):
        return ""
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return ""
    code, message = errors[0].get("code"), errors[0].get("message")
    text = ": ".join(str(part) for part in (code, message) if part)
    return f" ({_one_line(text)})" if text else ""


def _reason(err: BaseException) -> str:
    """A short cause for a transport error: "connection refused", "timed out", the TLS reason."""
    seen = set()
    current: BaseException | None = err
    text = str(err)
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        if isinstance(current, ConnectionResetError):
            return "connection reset"
        if isinstance(current, TimeoutError):
            return "timed out"
        text += " " + str(current)
        nested = next((arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)), None)
        current = nested or current.__cause__ or current.__context__
    lowered = text.lower()
    for needle, reason in (("connection refused", "connection refused"), ("timed out", "timed out"),
                           ("name or service not known", "unknown host"), ("temporary failure in name resolution", "unknown host"),
                           ("nodename nor servname", "unknown host"), ("connection reset", "connection reset"),
                           ("certificate verify failed", "certificate verify failed")):  # fmt: skip
        if needle in lowered:
            return reason
    return _one_line(str(err))


def _of_user(credentials: Credentials) -> str:
    return f" of user {credentials.username!r}" if credentials.username else ""


def _config_shown() -> str:
    from imagelint.image.credentials import _shown, config_path

    return _shown(config_path())


def _one_line(value: str) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 200 else text[:197] + "..."
