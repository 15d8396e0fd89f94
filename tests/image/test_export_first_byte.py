"""The first byte of ``docker save``: the daemon writes the whole export before it sends anything
(about 7 s per GB), so the first byte may take the network timeout plus
:data:`~imagelint.docker_engine.EXPORT_SECONDS_PER_GB` per GB of the image's size, as ``inspect``
reports it; from the first byte on, the stream must keep coming as any other.

A fake daemon (``DOCKER_HOST=tcp://...`` on 127.0.0.1) announces a 50 MB image, so with a 2 s
timeout the first byte is allowed 2 + 3 = 5 s: an export that starts after 3 s is read, one that
never starts fails after 5 s (not after 2), each run a few seconds of real time. That the stream
must keep coming once started is checked in test_hostile_network.py (an export that drips); here
the deadline, and the SDK's socket timeout, on their own with fractions of a second.
"""

from __future__ import annotations

import hashlib
import json
import time

import pytest
import requests

from imagelint import docker_engine, network
from tests.support.hostile_servers import Answer, HostileServer, daemon_routes, json_answer, run_measured
from tests.support.image_archives import docker_save, image_config, layer_tar

TIMEOUT = 2  # IMAGELINT_NETWORK_TIMEOUT for these runs
ANNOUNCED_BYTES = 50_000_000  # what the fake daemon's inspect says: 3 s more for the first byte
ALLOWANCE = TIMEOUT + docker_engine.EXPORT_SECONDS_PER_GB * ANNOUNCED_BYTES / 1e9
LATE = 3.0  # seconds before the export's first byte: past the timeout, within the allowance
MOST_SECONDS = 25  # the allowance, interpreter start-up, and a loaded CI machine
FILES = [("file", "app/a", 3000)]


@pytest.fixture
def fake_daemon():
    """``start(delay=None, save=None)`` -> the analyze run's environment: a daemon whose export
    waits ``delay`` seconds before its answer, or answers ``save``."""
    saved = docker_save([FILES])
    image_id = "sha256:" + hashlib.sha256(json.dumps(image_config([layer_tar(FILES)])).encode()).hexdigest()
    inspect = json_answer({"Id": image_id, "RepoTags": ["hostile/image:1"], "Os": "linux", "Architecture": "amd64",
                           "Config": {}, "Size": ANNOUNCED_BYTES})  # fmt: skip
    servers = []

    def start(delay: float | None = None, save: Answer | None = None) -> dict[str, str]:
        answers = daemon_routes(saved, image_id, inspect=inspect, **({"save": save} if save else {}))

        def route(method: str, path: str, headers: dict) -> Answer:
            if delay is not None and path.endswith("/get"):
                time.sleep(delay)  # the daemon writing its export
            return answers(method, path, headers)

        server = HostileServer(route)
        servers.append(server)
        return {"DOCKER_HOST": f"tcp://{server.host}", "IMAGELINT_NETWORK_TIMEOUT": str(TIMEOUT), "DOCKER_TLS_VERIFY": "",
                "DOCKER_CERT_PATH": "", "DOCKER_CONTEXT": ""}  # fmt: skip

    yield start
    for server in servers:
        server.stop()


def test_an_export_that_starts_after_the_timeout_but_within_its_allowance_is_read(fake_daemon, tmp_path):
    measured = run_measured("analyze", "hostile/image:1", "--format", "json", cwd=tmp_path, env=fake_daemon(delay=LATE))
    assert not measured.timed_out
    assert measured.returncode in (0, 1), measured.stderr.decode()
    assert json.loads(measured.stdout)["image"]["size"] == 3000
    assert LATE <= measured.seconds < MOST_SECONDS


def test_an_export_that_never_starts_fails_after_its_allowance_with_one_line(fake_daemon, tmp_path):
    env = fake_daemon(save=Answer(silent=True))
    measured = run_measured("analyze", "hostile/image:1", cwd=tmp_path, env=env)
    assert not measured.timed_out, "the run never ended"
    assert measured.returncode == 2, measured.stderr.decode()
    lines = measured.error_lines
    assert len(lines) == 1 and lines[0].startswith("imagelint: "), lines
    assert "Traceback" not in measured.stderr.decode()
    for fragment in (env["DOCKER_HOST"], "did not start the export of image sha256:", f"within {ALLOWANCE:g} s",
                     f"{TIMEOUT} s and {docker_engine.EXPORT_SECONDS_PER_GB} s per GB", network.NETWORK_TIMEOUT_VARIABLE):  # fmt: skip
        assert fragment in lines[0], lines[0]
    assert ALLOWANCE <= measured.seconds < MOST_SECONDS, f"{measured.seconds:.1f} s"


# --- the rule, on its own ----------------------------------------------------------------------


def test_the_first_byte_allowance_grows_with_the_announced_size():
    per_gb = docker_engine.EXPORT_SECONDS_PER_GB
    assert docker_engine.export_first_byte_seconds(30, 5_000_000_000) == 30 + 5 * per_gb
    assert docker_engine.export_first_byte_seconds(30, 0) == 30
    for unusable in (None, -1, "5000000000", True, 2.5e9):  # missing or not a count: only the timeout
        assert docker_engine.export_first_byte_seconds(30, unusable) == 30


def test_a_deadline_waits_longer_for_the_first_byte_then_one_period():
    deadline = network.Deadline(0.3, stream=True, first_byte_seconds=5.0)
    try:
        time.sleep(0.5)  # past the period, within the first-byte allowance
        assert not deadline.expired
        deadline.progress(1)
        assert deadline.started
        time.sleep(0.8)  # the first byte left one period, not the rest of the allowance
        assert deadline.expired
        with pytest.raises(network.TimedOut, match="less than 64 KiB in 0.3 s"):
            deadline.check()
    finally:
        deadline.close()


def test_a_deadline_that_gets_no_first_byte_says_so():
    deadline = network.Deadline(0.1, stream=True, first_byte_seconds=0.3)
    try:
        time.sleep(0.2)
        assert not deadline.expired
        time.sleep(0.4)
        with pytest.raises(network.TimedOut, match="no first byte within 0.3 s"):
            deadline.check()
    finally:
        deadline.close()


class _SocketClient:
    """A client over the local Unix socket as far as save_image sees it: no deadline reaches its
    connections, only the SDK's socket timeout (``api.timeout``), here recorded, then run out."""

    def __init__(self) -> None:
        self.api = self
        self.timeout = TIMEOUT
        self.timeouts: list[float] = []

    def get_image(self, image_id: str, chunk_size: int):
        self.timeouts.append(self.timeout)
        raise requests.exceptions.ReadTimeout("UnixHTTPConnectionPool(host='localhost', port=None): Read timed out.")


def test_the_sdk_socket_timeout_gets_the_allowance_too(monkeypatch):
    monkeypatch.setenv(network.NETWORK_TIMEOUT_VARIABLE, str(TIMEOUT))
    client = _SocketClient()
    with pytest.raises(docker_engine.DaemonUnavailable) as raised:
        list(docker_engine.save_image(client, "sha256:abc", ANNOUNCED_BYTES))
    assert client.timeouts == [ALLOWANCE] and client.timeout == TIMEOUT  # raised for the request only
    message = str(raised.value)
    assert "did not start the export of image sha256:abc" in message and f"within {ALLOWANCE:g} s" in message
    assert "\n" not in message
