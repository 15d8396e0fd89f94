"""A Docker daemon (``DOCKER_HOST=tcp://...``) and a registry that misbehave: they drip their answer a
byte at a time (a socket timeout never fires), never answer, or send bodies without end. Each run
must end within the network timeout (set to 2 s here; the default is 30 s) plus a generous margin,
with one line naming the host, exit 2, and bounded memory. Built at test time on 127.0.0.1; nothing
else is contacted."""

from __future__ import annotations

import hashlib
import json

import pytest

from imagelint import network
from tests.support.hostile_servers import (
    Answer,
    HostileServer,
    RegistryImage,
    daemon_routes,
    json_answer,
    registry_routes,
    run_measured,
    token_routes,
)
from tests.support.image_archives import docker_save, image_config, layer_tar

TIMEOUT = 2  # IMAGELINT_NETWORK_TIMEOUT for these runs
MOST_SECONDS = 25  # the timeout, a second request's, interpreter start-up, and a loaded CI machine
MOST_MEMORY_MB = 400  # an idle run is ~70 MB; the bodies below would take gigabytes if read whole
DRIP = 0.4  # seconds between bytes: each arrives long before any socket timeout
LAYERS = [layer_tar([("file", "app/a", 3000), ("file", "app/b", 500)])]
ENDLESS = b"\0" * (1 << 20)


def _clean_error(measured, *fragments: str) -> str:
    assert not measured.timed_out, "the run never ended"
    assert measured.returncode == 2, measured.stdout.decode() + measured.stderr.decode()
    lines = measured.error_lines
    assert len(lines) == 1 and lines[0].startswith("imagelint: "), lines
    assert "internal error" not in lines[0] and "Traceback" not in measured.stderr.decode()
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert measured.seconds < MOST_SECONDS, f"{measured.seconds:.1f} s"
    assert measured.peak_rss_mb < MOST_MEMORY_MB, f"{measured.peak_rss_mb:.0f} MB"
    return lines[0]


def _report(measured) -> dict:
    assert not measured.timed_out
    assert measured.returncode in (0, 1), measured.stderr.decode()
    assert measured.seconds < MOST_SECONDS and measured.peak_rss_mb < MOST_MEMORY_MB
    return json.loads(measured.stdout)


# --- the daemon -------------------------------------------------------------------------------


@pytest.fixture
def daemon(tmp_path):
    """``start(**misbehave)`` -> (server, the analyze run's environment)."""
    saved = docker_save([[("file", "app/a", 3000)]])
    config_hex = hashlib.sha256(json.dumps(image_config([layer_tar([("file", "app/a", 3000)])])).encode()).hexdigest()
    servers = []

    def start(**misbehave: Answer):
        server = HostileServer(daemon_routes(saved, "sha256:" + config_hex, **misbehave))
        servers.append(server)
        env = {"DOCKER_HOST": f"tcp://{server.host}", "IMAGELINT_NETWORK_TIMEOUT": str(TIMEOUT)}
        for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
            env[name] = ""
        return server, env

    yield start
    for server in servers:
        server.stop()


def _analyze_daemon(tmp_path, env, *args):
    return run_measured("analyze", "hostile/image:1", *args, cwd=tmp_path, env=env)


def test_the_fake_daemon_serves_a_readable_image(daemon, tmp_path):
    _, env = daemon()
    report = _report(_analyze_daemon(tmp_path, env, "--format", "json"))
    assert report["image"]["size"] == 3000


@pytest.mark.parametrize(
    ("misbehave", "doing"),
    [
        ({"version": json_answer({"ApiVersion": "1.41"}, drip=DRIP)}, "GET /version"),
        ({"version": Answer(silent=True)}, "GET /version"),
        ({"inspect": json_answer({"Id": "x"}, drip=DRIP)}, "inspect image 'hostile/image:1'"),
    ],
    ids=["version-drips", "version-never-answers", "inspect-drips"],
)
def test_a_daemon_that_drips_or_never_answers_fails_within_the_timeout(daemon, tmp_path, misbehave, doing):
    server, env = daemon(**misbehave)
    line = _clean_error(_analyze_daemon(tmp_path, env), f"DOCKER_HOST=tcp://{server.host}", f"({doing}) within {TIMEOUT} s",
                        network.NETWORK_TIMEOUT_VARIABLE)  # fmt: skip
    assert "did not answer" in line


def test_an_export_that_stalls_fails_within_the_timeout(daemon, tmp_path):
    server, env = daemon(save=Answer(body=b"x" * 1000, drip=DRIP))
    _clean_error(_analyze_daemon(tmp_path, env), f"DOCKER_HOST=tcp://{server.host}", "stalled during the export",
                 f"less than 64 KiB in {TIMEOUT} s")  # fmt: skip


@pytest.mark.parametrize("endpoint", ["version", "inspect"])
def test_an_endless_daemon_answer_is_cut_at_its_bound(daemon, tmp_path, endpoint):
    server, env = daemon(**{endpoint: Answer(body=b'{"Id": "', endless=b"x" * (1 << 20))})
    _clean_error(_analyze_daemon(tmp_path, env), f"DOCKER_HOST=tcp://{server.host}", "answered with more than 16777216 bytes")


def test_a_huge_declared_answer_is_refused_before_it_is_read(daemon, tmp_path):
    server, env = daemon(inspect=Answer(headers={"Content-Length": str(4 << 30)}, body=b"{"))
    measured = _analyze_daemon(tmp_path, env)
    _clean_error(measured, "answered with more than 16777216 bytes")
    assert measured.seconds < TIMEOUT + 10  # not one byte of the 4 GiB waited for


def test_a_bad_timeout_setting_is_an_error(daemon, tmp_path):
    _, env = daemon()
    measured = _analyze_daemon(tmp_path, {**env, "IMAGELINT_NETWORK_TIMEOUT": "soon"})
    _clean_error(measured, "IMAGELINT_NETWORK_TIMEOUT='soon': expected a number of seconds greater than 0")


def test_the_default_timeout_is_30_seconds():
    assert network.network_timeout({}) == network.DEFAULT_NETWORK_TIMEOUT == 30
    assert network.network_timeout({"IMAGELINT_NETWORK_TIMEOUT": "2.5"}) == 2.5
    with pytest.raises(network.InvalidTimeout):
        network.network_timeout({"IMAGELINT_NETWORK_TIMEOUT": "0"})


# --- the registry -----------------------------------------------------------------------------


@pytest.fixture
def registry(tmp_path):
    """``start(**misbehave)`` -> (server, the reference); ``token=Answer`` adds a token service."""
    image = RegistryImage.of(image_config(LAYERS), LAYERS)
    servers = []

    def start(token: Answer | None = None, with_token: bool = False, **misbehave: Answer):
        realm = None
        if token is not None or with_token:
            tokens = HostileServer(token_routes(**({"token": token} if token else {})))
            servers.append(tokens)
            realm = f"http://{tokens.host}/token"
        server = HostileServer(registry_routes(image, token_realm=realm, **misbehave))
        servers.append(server)
        return server, f"registry:{server.host}/hostile/image:1"

    yield start
    for server in servers:
        server.stop()


def _analyze_registry(tmp_path, reference, *args):
    return run_measured("analyze", reference, *args, cwd=tmp_path, env={"IMAGELINT_NETWORK_TIMEOUT": str(TIMEOUT)})


def test_the_fake_registry_serves_a_readable_image(registry, tmp_path):
    _, reference = registry()
    assert _report(_analyze_registry(tmp_path, reference, "--format", "json"))["image"]["size"] == 3500
    _, reference = registry(with_token=True)
    assert _report(_analyze_registry(tmp_path, reference, "--format", "json"))["image"]["size"] == 3500


@pytest.mark.parametrize(
    ("misbehave", "what"),
    [
        ({"ping": json_answer({}, drip=DRIP)}, "(GET /v2/)"),
        ({"ping": Answer(silent=True)}, "(GET /v2/)"),
        ({"manifest": Answer(body=b"{}" * 50, drip=DRIP)}, "(manifest 1)"),
        ({"config": Answer(silent=True)}, "(image config sha256:"),
    ],
    ids=["ping-drips", "ping-never-answers", "manifest-drips", "config-never-answers"],
)
def test_a_registry_that_drips_or_never_answers_fails_within_the_timeout(registry, tmp_path, misbehave, what):
    server, reference = registry(**misbehave)
    _clean_error(_analyze_registry(tmp_path, reference), f"{server.host} did not answer {what}", f"within {TIMEOUT} s",
                 network.NETWORK_TIMEOUT_VARIABLE)  # fmt: skip


def test_a_layer_that_stalls_fails_within_the_timeout(registry, tmp_path):
    server, reference = registry(layer=Answer(body=LAYERS[0], drip=DRIP))
    _clean_error(_analyze_registry(tmp_path, reference), f"{server.host} stalled while sending the layer sha256:",
                 f"less than 64 KiB in {TIMEOUT} s")  # fmt: skip


def test_a_layer_that_never_ends_stops_at_its_declared_size(registry, tmp_path):
    _, reference = registry(layer=Answer(body=LAYERS[0], endless=ENDLESS))
    _clean_error(_analyze_registry(tmp_path, reference), f"the registry sends more than the {len(LAYERS[0])} bytes its descriptor declares")


def test_a_layer_shorter_than_declared_is_an_error(registry, tmp_path):
    _, reference = registry(layer=Answer(body=LAYERS[0][:-1024]))
    _clean_error(_analyze_registry(tmp_path, reference), f"has {len(LAYERS[0]) - 1024} bytes, its descriptor says {len(LAYERS[0])}")


@pytest.mark.parametrize(
    ("misbehave", "fragment"),
    [
        ({"manifest": Answer(body=b"{", endless=b" " * (1 << 20))}, "the manifest 1 is larger than 4194304 bytes"),
        ({"config": Answer(body=b"{", endless=b" " * (1 << 20))}, "is larger than 16777216 bytes"),
        ({"config": Answer(headers={"Content-Length": str(4 << 30)}, body=b"{")}, "is larger than 16777216 bytes"),
    ],
    ids=["manifest", "config", "config-declared-4GiB"],
)
def test_endless_metadata_bodies_are_cut_at_their_bound(registry, tmp_path, misbehave, fragment):
    _clean_error(_analyze_registry(tmp_path, registry(**misbehave)[1]), fragment)


def test_an_endless_ping_or_challenge_body_is_read_only_as_far_as_needed(registry, tmp_path):
    _, reference = registry(ping=Answer(body=b"{", endless=b" " * (1 << 20)))
    assert _report(_analyze_registry(tmp_path, reference, "--format", "json"))["image"]["size"] == 3500
    challenge = Answer(status=401, body=b"{", endless=b" " * (1 << 20), headers={
        "WWW-Authenticate": 'Bearer realm="REALM",service="hostile"'})  # fmt: skip
    tokens = HostileServer(token_routes())
    try:
        challenge.headers["WWW-Authenticate"] = challenge.headers["WWW-Authenticate"].replace("REALM", f"http://{tokens.host}/token")
        _, reference = registry(with_token=True, challenge=challenge)
        assert _report(_analyze_registry(tmp_path, reference, "--format", "json"))["image"]["size"] == 3500
    finally:
        tokens.stop()


@pytest.mark.parametrize(
    ("token", "fragment"),
    [
        (Answer(body=b'{"token": "', endless=b"a" * (1 << 20)), "answered with more than 65536 bytes"),
        (json_answer({"token": "t"}, drip=DRIP), f"did not answer within {TIMEOUT} s"),
    ],
    ids=["endless", "drips"],
)
def test_a_token_service_that_misbehaves_is_named(registry, tmp_path, token, fragment):
    _, reference = registry(token=token)
    line = _clean_error(_analyze_registry(tmp_path, reference), "the token service 127.0.0.1:", fragment)
    assert "hostile/image" in line


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [([], "Can't create Image from []"), ({"Id": 7}, "does not describe an image"), ({"RepoTags": []}, "does not describe an image")],
    ids=["a-list", "id-a-number", "no-id"],
)
def test_an_inspect_answer_that_is_not_an_image_is_an_error(daemon, tmp_path, answer, fragment):
    _, env = daemon(inspect=json_answer(answer))
    _clean_error(_analyze_daemon(tmp_path, env), "cannot inspect image 'hostile/image:1'", fragment)


def test_an_inspect_answer_nested_thousands_deep_is_an_error(daemon, tmp_path):
    _, env = daemon(inspect=Answer(body=b"[" * 100_000 + b"]" * 100_000))
    _clean_error(_analyze_daemon(tmp_path, env), "nested too deeply")
