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

Transport: HTTPS, verified (``/etc/docker/certs.d/HOST/ca.crt`` and ``client.cert``/``client.key``
are used when present, like Docker). A loopback registry (``localhost``, ``127.0.0.0/8``, ``::1``)
or one given with ``--insecure-registry`` is insecure as Docker means it: HTTPS without
verification is tried, then plain HTTP. Docker Hub (``docker.io``) is served at
``registry-1.docker.io``. Only that host, the token realm it names and the blob storage it
redirects to are ever contacted; proxies from the environment are not used for loopback hosts.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import re
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from imagelint.image import archive
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
from imagelint.image.model import Image, ImageError, Layer
from imagelint.image.reference import RegistryReference, parse_registry_reference
from imagelint.image.streams import ChunkStream
from imagelint.image.tarstream import TarError

CONNECT_TIMEOUT = 10  # seconds
READ_TIMEOUT = 120  # seconds without a byte: a registry that slow is down
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
        import requests

        self.reference = reference
        self.origin = f"registry:{reference}"
        self.insecure = insecure or is_loopback(reference.hostname)
        self.session = requests.Session()
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
        layers: list[Layer] = []
        read: dict[str, Layer] = {}
        for descriptor in manifest.get("layers") or []:
            digest = descriptor_digest(descriptor if isinstance(descriptor, dict) else {}, self.origin)
            if digest not in read:  # an identical duplicate layer is one blob: download it once
                read[digest] = self._layer(descriptor, on_progress)
            listing = read[digest]
            layers.append(Layer(entries=listing.entries, size=listing.size, source=listing.source))
        return build_image(name=str(self.reference), image_id=descriptor_digest(config_descriptor, self.origin),
                           config=config, layers=layers)  # fmt: skip

    def _ping(self) -> None:
        """``GET /v2/``: choose the scheme (HTTPS, or HTTP for an insecure registry) and learn the auth."""
        import requests

        if self.insecure:
            try:
                response = self._send(self.base, verify=False)
            except requests.exceptions.SSLError:
                response = None  # no TLS on that port: plain HTTP, as Docker does for insecure registries
            except requests.exceptions.ConnectionError as err:
                if _reason(err) != "connection reset":
                    raise self._transport_error(err) from None
                response = None
            if response is None:
                self.base = "http://" + self.base.removeprefix("https://")
                response = self._checked_send(self.base)
        else:
            response = self._checked_send(self.base)
        if response.status_code == 401:
            self._authenticate(response)
        elif response.status_code == 404:
            raise ImageError(f"{self.origin}: {self.reference.api_host} does not serve the registry API (GET /v2/ answered 404)")
        elif response.status_code >= 400:
            raise self._http_error(response, "the registry")
        response.close()

    def _child_manifest(self, descriptor: dict) -> bytes:
        """A manifest an index points at, by its digest (which it must match)."""
        digest = descriptor_digest(descriptor, self.origin)
        return self._manifest(digest, digest)[0]

    def _manifest(self, reference: str, digest: str | None) -> tuple[bytes, str | None]:
        what = f"manifest {reference}"
        response = self._get(f"{self.base}{self.reference.repository}/manifests/{reference}", what,
                             headers={"Accept": ", ".join(ACCEPTED_TYPES)}, stream=True)  # fmt: skip
        body = _read_capped(response, MAX_DOCUMENT_BYTES, self.origin, what)
        if digest is not None:
            _verify(body, digest, self.origin, what)
        media_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip() or None
        return body, media_type

    def _small_blob(self, descriptor: dict, what: str) -> bytes:
        digest = descriptor_digest(descriptor, self.origin)
        response = self._get(f"{self.base}{self.reference.repository}/blobs/{digest}", f"{what} {digest}", stream=True)
        body = _read_capped(response, archive.MAX_JSON_BYTES, self.origin, what)
        _verify(body, digest, self.origin, what)
        return body

    def _layer(self, descriptor: dict, on_progress: ProgressCallback | None) -> Layer:
        import requests

        digest = descriptor_digest(descriptor, self.origin)
        size = descriptor.get("size") if isinstance(descriptor.get("size"), int) else None
        response = self._get(f"{self.base}{self.reference.repository}/blobs/{digest}", f"layer {digest}", stream=True)
        chunks = _verified_chunks(response, digest, size, self.origin, on_progress)
        try:
            with ChunkStream(chunks, prefetch=_STREAM_PREFETCH) as raw:
                stream = io.BufferedReader(raw, buffer_size=STREAM_CHUNK_BYTES)
                layer = archive.read_layer(stream, digest, self.origin)  # type: ignore[arg-type]
                while stream.read(STREAM_CHUNK_BYTES):  # the rest (tar padding, gzip trailer): the digest needs it
                    pass
            return layer
        except (TarError, EOFError, OSError, UnicodeDecodeError, zlib.error) as err:
            if isinstance(err, requests.exceptions.RequestException):  # the connection, not the data
                raise self._transport_error(err) from None
            raise ImageError(f"{self.origin}: layer {digest} is truncated or corrupt ({err})") from None
        finally:
            response.close()

    # --- requests, authorization and errors -------------------------------------------------------

    def _get(self, url: str, what: str, *, headers: dict | None = None, stream: bool = False):
        response = self._checked_send(url, headers=headers, stream=stream)
        if response.status_code == 401:
            _ = response.content  # the (small) error body, read now: the messages quote it
            self._authenticate(response)
            response = self._checked_send(url, headers=headers, stream=stream)
            if response.status_code == 401:
                raise self._denied(response)
        if response.status_code >= 400:
            raise self._http_error(response, what)
        return response

    def _send(self, url: str, *, headers: dict | None = None, stream: bool = False, verify: bool | None = None):
        all_headers = dict(headers or {})
        if self._authorization:
            all_headers["Authorization"] = self._authorization
        options = {} if verify is None and not self.insecure else {"verify": False if verify is None else verify}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # urllib3's warning about unverified HTTPS, which insecure means
            return self.session.get(url, headers=all_headers, stream=stream, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), **options)

    def _checked_send(self, url: str, **kwargs):
        import requests

        try:
            return self._send(url, **kwargs)
        except requests.exceptions.RequestException as err:
            raise self._transport_error(err) from None

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
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                verify = False if self.insecure else self.session.verify  # the registry's own TLS rule
                timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
                if credentials is not None and credentials.identity_token:
                    form = {"grant_type": "refresh_token", "refresh_token": credentials.identity_token,
                            "client_id": "imagelint", **query}  # fmt: skip
                    answer = self.session.post(realm, data=form, timeout=timeout, verify=verify)
                else:
                    auth = (credentials.username, credentials.password or "") if credentials and credentials.username else None
                    if auth:
                        query["account"] = auth[0]
                    answer = self.session.get(realm, params=query, auth=auth, timeout=timeout, verify=verify)
        except requests.exceptions.RequestException as err:
            raise ImageError(f"{self.origin}: cannot reach the token service {parts.netloc} ({_reason(err)})") from None
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
            body = answer.json()
        except ValueError:
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


def _verified_chunks(response, digest: str, size: int | None, origin: str, on_progress: ProgressCallback | None) -> Iterator[bytes]:
    """The body of a blob, chunk by chunk, checked against its digest (and size) once it has all come."""
    algorithm, _, expected = digest.partition(":")
    hasher = hashlib.new(algorithm)
    received = 0
    short = digest.partition(":")[2][:12]
    for chunk in response.iter_content(STREAM_CHUNK_BYTES):
        hasher.update(chunk)
        received += len(chunk)
        if on_progress is not None:
            on_progress({"status": "Reading", "id": short, "progressDetail": {"current": received, "total": size or 0}})
        yield chunk
    if size is not None and received != size:
        raise ImageError(f"{origin}: layer {digest} has {received} bytes, its descriptor says {size}")
    if hasher.hexdigest() != expected:
        raise ImageError(f"{origin}: layer {digest} does not match its digest (corrupted in transit?)")


def _read_capped(response, limit: int, origin: str, what: str) -> bytes:
    """A small document's body (streamed, so a huge one is refused before it is all in memory)."""
    body = bytearray()
    try:
        for chunk in response.iter_content(64 << 10):
            body += chunk
            if len(body) > limit:
                raise ImageError(f"{origin}: the {what} is over {limit} bytes, too large for image metadata")
    finally:
        response.close()
    return bytes(body)


def _verify(body: bytes, digest: str, origin: str, what: str) -> None:
    algorithm, _, expected = digest.partition(":")
    if hashlib.new(algorithm, body).hexdigest() != expected:
        raise ImageError(f"{origin}: the {what} does not match its digest {digest}")


def _basic(credentials: Credentials) -> str:
    import base64

    pair = f"{credentials.username}:{credentials.password or ''}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _registry_message(response) -> str:
    """The registry's own explanation: ``{"errors": [{"code", "message"}]}`` -> " (CODE: message)"."""
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
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
