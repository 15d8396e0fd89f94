"""Registry credentials from the Docker config, challenges, and the transport rules, without a registry."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from imagelint.image.credentials import DOCKER_HUB_KEY, lookup
from imagelint.image.model import ImageError
from imagelint.image.reference import parse_registry_reference
from imagelint.image.registry import RegistryClient, is_loopback, parse_challenge


def config_env(tmp_path, config: dict) -> dict:
    (tmp_path / "config.json").write_text(json.dumps(config))
    return {"DOCKER_CONFIG": str(tmp_path), "PATH": str(tmp_path / "bin")}


def encoded(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("key", ["reg.example:5000", "https://reg.example:5000", "https://reg.example:5000/v1/", "http://reg.example:5000"])
def test_auths_keys_as_docker_writes_them(tmp_path, key):
    env = config_env(tmp_path, {"auths": {key: {"auth": encoded("bob", "pa:ss")}}})
    found = lookup("reg.example:5000", env)
    assert (found.username, found.password) == ("bob", "pa:ss")  # split at the first colon only
    assert "config.json" in found.source and "pa:ss" not in repr(found)
    assert lookup("other.example", env) is None


def test_docker_hub_key_and_other_fields(tmp_path):
    env = config_env(tmp_path, {"auths": {DOCKER_HUB_KEY: {"username": "u", "password": "p"},
                                          "tok.example": {"identitytoken": "refresh-me"},
                                          "bearer.example": {"registrytoken": "ready"}}})  # fmt: skip
    assert lookup("docker.io", env).username == "u"
    assert lookup("registry-1.docker.io", env).password == "p"
    assert lookup("tok.example", env).identity_token == "refresh-me"
    assert lookup("bearer.example", env).registry_token == "ready"


def test_missing_or_broken_config(tmp_path):
    assert lookup("x.example", {"DOCKER_CONFIG": str(tmp_path / "none")}) is None
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ImageError, match="is not valid JSON"):
        lookup("x.example", {"DOCKER_CONFIG": str(tmp_path)})
    env = config_env(tmp_path, {"auths": {"x.example": {"auth": base64.b64encode(b"no-colon").decode()}}})
    with pytest.raises(ImageError, match="'auth' is not base64 of user:password"):
        lookup("x.example", env)


def write_helper(tmp_path, name: str, script: str) -> None:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    helper = folder / f"docker-credential-{name}"
    helper.write_text("#!/bin/sh\n" + script)
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)


def test_credential_helpers(tmp_path):
    write_helper(tmp_path, "good", 'read s; echo "{\\"ServerURL\\": \\"$s\\", \\"Username\\": \\"hu\\", \\"Secret\\": \\"hs\\"}"\n')
    write_helper(tmp_path, "token", 'read s; echo \'{"Username": "<token>", "Secret": "idt"}\'\n')
    write_helper(tmp_path, "none", "echo 'credentials not found in native keychain'; exit 1\n")
    write_helper(tmp_path, "broken", "echo 'keychain locked' >&2; exit 3\n")
    env = config_env(tmp_path, {"credsStore": "good", "credHelpers": {"t.example": "token", "n.example": "none",
                                                                      "b.example": "broken"},
                                "auths": {"n.example": {"auth": encoded("fallback", "pw")}}})  # fmt: skip
    found = lookup("a.example", env)
    assert (found.username, found.password, found.source) == ("hu", "hs", "docker-credential-good")
    assert lookup("t.example", env).identity_token == "idt"
    assert lookup("n.example", env).username == "fallback"  # not found by the helper: the file's entry
    with pytest.raises(ImageError, match="docker-credential-broken failed for b.example: keychain locked"):
        lookup("b.example", env)
    env = config_env(tmp_path, {"credsStore": "desktop"})
    with pytest.raises(ImageError, match=r"docker-credential-desktop \(credsStore in .*config.json\) is not installed"):
        lookup("a.example", env)


@pytest.mark.parametrize(
    ("header", "scheme", "params"),
    [
        ('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"',
         "bearer", {"realm": "https://auth.example/token", "service": "registry.example", "scope": "repository:a/b:pull"}),
        ('Bearer realm="https://a/t",scope="repository:x:pull,push"', "bearer", {"realm": "https://a/t", "scope": "repository:x:pull,push"}),
        ('Basic realm="Registry Realm"', "basic", {"realm": "Registry Realm"}),
        ("", "", {}),
    ],
)  # fmt: skip
def test_challenges(header, scheme, params):
    assert parse_challenge(header) == (scheme, params)


def test_loopback_and_insecure_rules():
    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.3.2.1", "::1"))
    assert not any(is_loopback(h) for h in ("10.0.0.1", "example.com", "localhost.example"))
    assert RegistryClient(parse_registry_reference("127.0.0.1:5000/a")).insecure
    assert RegistryClient(parse_registry_reference("[::1]:5000/a")).insecure
    assert not RegistryClient(parse_registry_reference("ghcr.io/a/b")).insecure
    assert RegistryClient(parse_registry_reference("ghcr.io/a/b"), insecure=True).insecure
    secure = RegistryClient(parse_registry_reference("ghcr.io/a/b"))
    from imagelint.image.credentials import Credentials

    with pytest.raises(ImageError, match="refusing to send the credentials from here over plain HTTP to auth.example"):
        secure._require_secure_transport("http://auth.example/token", Credentials("u", "p", source="here"))
    secure._require_secure_transport("https://auth.example/token", Credentials("u", "p", source="here"))
    secure._require_secure_transport("http://127.0.0.1:1/token", Credentials("u", "p", source="here"))
