"""Registry credentials, found where ``docker login`` puts them: ``$DOCKER_CONFIG/config.json``
(default ``~/.docker/config.json``).

- ``credHelpers[host]`` names a credential helper for that registry, ``credsStore`` one for all;
  a helper is the program ``docker-credential-<name>``, asked with ``get`` and the server address
  on stdin, answering ``{"ServerURL", "Username", "Secret"}`` (a ``<token>`` user means an identity
  token for the registry's OAuth2 token service);
- otherwise ``auths[host].auth``: base64 of ``user:password`` (or ``username``/``password``, or an
  ``identitytoken``, or a ready ``registrytoken``).

Keys of ``auths`` may be written ``host``, ``https://host`` or ``https://host/v1/``, as the docker CLI
has at times saved them; Docker Hub's key is ``https://index.docker.io/v1/``. Credentials are only
looked up when a registry asks for them, so a broken helper never stops an anonymous pull.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from imagelint.image.model import ImageError

DOCKER_HUB_KEY = "https://index.docker.io/v1/"
_DOCKER_HUB_HOSTS = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
_HELPER_TIMEOUT = 30
_TOKEN_USER = "<token>"


@dataclass(frozen=True)
class Credentials:
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    identity_token: str | None = field(default=None, repr=False)  # a refresh token for the OAuth2 token service
    registry_token: str | None = field(default=None, repr=False)  # a bearer token to send as is
    source: str = ""  # where they came from, for messages: "~/.docker/config.json", "docker-credential-pass"


def config_path(environ: dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    folder = environ.get("DOCKER_CONFIG")
    return Path(folder) / "config.json" if folder else Path.home() / ".docker" / "config.json"


def lookup(host: str, environ: dict[str, str] | None = None) -> Credentials | None:
    """The credentials docker would use for ``host`` (``HOST[:PORT]``), or None. A helper that is
    named but missing or failing is an :class:`ImageError` saying so."""
    path = config_path(environ)
    config = _read_config(path)
    if not config:
        return None
    shown = _shown(path)
    key = DOCKER_HUB_KEY if host in _DOCKER_HUB_HOSTS else host
    helpers = config.get("credHelpers") if isinstance(config.get("credHelpers"), dict) else {}
    helper = helpers.get(key) or helpers.get(host) or config.get("credsStore")
    if isinstance(helper, str) and helper:
        setting = "credHelpers" if helpers.get(key) or helpers.get(host) else "credsStore"
        found = _from_helper(helper, key, shown, setting, os.environ if environ is None else environ)
        if found is not None:
            return found
    auths = config.get("auths") if isinstance(config.get("auths"), dict) else {}
    for candidate in _auth_keys(host):
        entry = auths.get(candidate)
        if isinstance(entry, dict):
            found = _from_entry(entry, candidate, shown)
            if found is not None:
                return found
    return None


def _read_config(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise ImageError(f"cannot read the Docker config {_shown(path)} ({err.strerror})") from None
    try:
        config = json.loads(text)
    except ValueError as err:
        raise ImageError(f"the Docker config {_shown(path)} is not valid JSON ({err})") from None
    return config if isinstance(config, dict) else {}


def _auth_keys(host: str) -> list[str]:
    if host in _DOCKER_HUB_HOSTS:
        return [DOCKER_HUB_KEY, "index.docker.io", "docker.io", "https://index.docker.io/v2/", "registry-1.docker.io"]
    return [host, f"https://{host}", f"https://{host}/", f"https://{host}/v1/", f"https://{host}/v2/", f"http://{host}",
            f"http://{host}/", f"http://{host}/v1/", f"http://{host}/v2/"]  # fmt: skip


def _from_entry(entry: dict, key: str, shown: str) -> Credentials | None:
    source = f"{shown} (auths[{key!r}])"
    if isinstance(entry.get("registrytoken"), str) and entry["registrytoken"]:
        return Credentials(registry_token=entry["registrytoken"], source=source)
    username, password = entry.get("username"), entry.get("password")
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            decoded = base64.b64decode(encoded, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ImageError(f"{source}: 'auth' is not base64 of user:password") from None
        username, sep, password = decoded.partition(":")
        if not sep:
            raise ImageError(f"{source}: 'auth' is not base64 of user:password")
    identity = entry.get("identitytoken")
    if isinstance(identity, str) and identity:
        return Credentials(username=username or None, identity_token=identity, source=source)
    if isinstance(username, str) and username:
        return Credentials(username=username, password=password if isinstance(password, str) else "", source=source)
    return None


def _from_helper(helper: str, server: str, shown: str, setting: str, environ) -> Credentials | None:
    program = f"docker-credential-{helper}"
    executable = shutil.which(program, path=environ.get("PATH"))
    if executable is None:
        raise ImageError(
            f"the credential helper {program} ({setting} in {shown}) is not installed; install it, "
            "or remove it from that file to use the credentials under 'auths'"
        )
    try:
        result = subprocess.run([executable, "get"], input=server.encode(), capture_output=True, timeout=_HELPER_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ImageError(f"the credential helper {program} did not answer within {_HELPER_TIMEOUT} s") from None
    except OSError as err:
        raise ImageError(f"cannot run the credential helper {program} ({err.strerror})") from None
    output = (result.stdout or b"").decode("utf-8", "replace").strip()
    if result.returncode != 0:
        message = " ".join((output or (result.stderr or b"").decode("utf-8", "replace")).split())
        if "credentials not found" in message.lower():
            return None  # the helper's way of saying "not logged in": anonymous it is
        raise ImageError(f"the credential helper {program} failed for {server}: {message[:200] or f'exit {result.returncode}'}")
    try:
        answer = json.loads(output)
    except ValueError:
        raise ImageError(f"the credential helper {program} did not answer JSON") from None
    username, secret = answer.get("Username"), answer.get("Secret")
    if not isinstance(secret, str) or not secret:
        return None
    if username == _TOKEN_USER:
        return Credentials(identity_token=secret, source=program)
    return Credentials(username=username if isinstance(username, str) else "", password=secret, source=program)


def _shown(path: Path) -> str:
    """The config path as a user knows it (``~/.docker/config.json``)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
