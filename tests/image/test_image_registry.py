"""Pulls, for real, against a local registry (Debian's ``docker-registry`` on 127.0.0.1): an image
built here is pushed by the daemon, removed, then read back with ``analyze --pull`` (through the
daemon) and ``analyze registry:`` (no daemon at all); both must give the numbers the local image
and its ``docker save`` archive gave. Then authentication (bearer tokens from a token service the
registry verifies, basic auth, credential helpers), indexes and the errors, each one line.

Without the ``docker-registry`` binary these tests skip (fail under CI: scripts/ensure-registry.sh
installs it). Nothing but 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import stat
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from imagelint.image.analysis import analyze
from imagelint.image.model import ImageError
from imagelint.image.sources import load_image, parse_reference
from tests.support import registry_server
from tests.support.image_archives import oci_layout
from tests.support.cli import one_line_error, run
from tests.image.test_image_oci import MULTI, PAYLOAD, analyze_schema

USER, PASSWORD = "alice", "s3cret-for-tests"
REPOSITORY = "imagelint-test/x"
DOCKERFILE = """\
FROM busybox:local
RUN echo {unique} > /build-id && mkdir -p /d/sub && dd if=/dev/zero of=/d/a bs=1000 count=100 \\
    && dd if=/dev/zero of=/d/sub/b bs=1000 count=200 && dd if=/dev/urandom of=/r bs=1000 count=50 \\
    && ln /r /r-link && ln -s /r /r-symlink
RUN rm -rf /d && busybox chmod 600 /r && mkdir /o && dd if=/dev/zero of=/o/old bs=1000 count=30
RUN rm -rf /o && mkdir /o && echo new > /o/new
"""


def _required() -> bool:
    return os.environ.get("IMAGELINT_REQUIRE_DOCKER", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def registry_binary() -> str:
    binary = registry_server.registry_binary()
    if binary is None:
        message = "docker-registry is not installed; run `bash scripts/ensure-registry.sh` (or scripts/test.sh)"
        if _required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return binary


@pytest.fixture(scope="session")
def registry_storage(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("registry-storage")


@pytest.fixture(scope="session")
def plain_registry(registry_binary, registry_storage, tmp_path_factory):
    registry = registry_server.Registry(registry_binary, registry_storage, tmp_path_factory.mktemp("registry-plain")).start()
    yield registry
    registry.stop()


@pytest.fixture(scope="session")
def token_registry(registry_binary, registry_storage, tmp_path_factory):
    """The same storage served read-only behind bearer tokens."""
    work = tmp_path_factory.mktemp("registry-token")
    tokens = registry_server.TokenService(work, USER, PASSWORD)
    registry = registry_server.Registry(registry_binary, registry_storage, work, token=tokens, readonly=True).start()
    yield registry
    registry.stop()
    tokens.stop()


@pytest.fixture(scope="session")
def basic_front(plain_registry):
    front = registry_server.BasicAuthFront(plain_registry, USER, PASSWORD)
    yield front
    front.stop()


def strip_name(document: dict) -> dict:
    image = dict(document["image"])
    image.pop("name")
    return image


@pytest.fixture(scope="session")
def pushed(docker_client, build_image, plain_registry, tmp_path_factory):
    """Build a unique image, record its numbers (daemon and archive), push it, remove it locally."""
    image = build_image(DOCKERFILE.format(unique=uuid.uuid4().hex), tag="pushed")
    name = f"{plain_registry.host}/{REPOSITORY}:1"
    work = tmp_path_factory.mktemp("pushed")
    local = run("analyze", image.tags[0], "-f", "json", "--fail-on", "never", cwd=work)
    assert local.returncode == 0, local.stderr.decode()
    archive = work / "saved.tar"
    with archive.open("wb") as out:
        for chunk in docker_client.api.get_image(image.id):
            out.write(chunk)
    saved = run("analyze", f"docker-archive:{archive}", "-f", "json", "--fail-on", "never", cwd=work)
    image.tag(f"{plain_registry.host}/{REPOSITORY}", "1")
    for event in docker_client.api.push(f"{plain_registry.host}/{REPOSITORY}", tag="1", stream=True, decode=True):
        assert "error" not in event, event
    for tag in (name, image.tags[0]):  # untag both: the image (unique by its build id) is then gone
        docker_client.images.remove(tag)
    expected = strip_name(json.loads(local.stdout))
    assert strip_name(json.loads(saved.stdout)) == expected
    # /d and the opaque /o are hidden; /r's first copy is not: the hard link /r-link still shows it.
    assert expected["wasted_bytes"] == 300_000 + 30_000
    yield {"name": name, "id": image.id, "expected": expected, "work": work}
    try:
        docker_client.images.remove(name, force=True)
    except Exception:  # not pulled (a test failed early): nothing to clean
        pass


def docker_config(tmp_path: Path, config: dict | None) -> dict:
    """Environment for a run whose ~/.docker/config.json is ``config`` (None: no file)."""
    folder = tmp_path / f"docker-config-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    if config is not None:
        (folder / "config.json").write_text(json.dumps(config))
    return {"DOCKER_CONFIG": str(folder)}


def auths(host: str, user: str = USER, password: str = PASSWORD) -> dict:
    return {"auths": {host: {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}}}


def analyze_json(reference: str, cwd: Path, env: dict | None = None, *extra: str) -> dict:
    result = run("analyze", reference, "-f", "json", "--fail-on", "never", *extra, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    document = json.loads(result.stdout)
    import jsonschema

    jsonschema.Draft202012Validator(analyze_schema()).validate(document)
    return document


# --- the acceptance test: same numbers from the local image, --pull and registry: ----------------------


@pytest.mark.docker
def test_registry_source_and_pull_give_the_local_numbers(pushed, docker_client, tmp_path):
    import docker

    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(pushed["name"])
    # No daemon at all for registry: (DOCKER_HOST points nowhere).
    no_daemon = {"DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock", **docker_config(tmp_path, None)}
    document = analyze_json(f"registry:{pushed['name']}", tmp_path, no_daemon)
    assert document["image"]["name"] == pushed["name"]
    assert strip_name(document) == pushed["expected"]  # the image ID (config digest) included
    # The daemon does not have it: without --pull that is an error suggesting --pull; with it, a pull.
    one_line_error(run("analyze", pushed["name"], cwd=tmp_path), "not found", "--pull")
    pulled = analyze_json(pushed["name"], tmp_path, None, "--pull")
    assert strip_name(pulled) == pushed["expected"]
    assert docker_client.images.get(pushed["name"]).id == pushed["id"]


@pytest.mark.docker
def test_registry_progress_events(pushed):
    events: list[dict] = []
    image = load_image(parse_reference(f"registry:{pushed['name']}"), on_progress=events.append)
    assert analyze(image).wasted_bytes == pushed["expected"]["wasted_bytes"]
    last = {}
    for event in events:
        last[event["id"]] = event["progressDetail"]
    assert len(last) == image_layer_blobs(image) and all(p["current"] == p["total"] > 0 for p in last.values())


def image_layer_blobs(image) -> int:
    return len({layer.digest for layer in image.layers})


# --- authentication ---------------------------------------------------------------------------------


@pytest.mark.docker
def test_bearer_token_auth(pushed, token_registry, tmp_path):
    name = f"registry:{token_registry.host}/{REPOSITORY}:1"
    tokens = token_registry.token
    document = analyze_json(name, tmp_path, docker_config(tmp_path, auths(token_registry.host)))
    assert strip_name(document) == pushed["expected"]
    asked = [request for request in tokens.requests if request["user"] == (USER, PASSWORD)]
    assert asked and asked[-1]["query"]["scope"] == [f"repository:{REPOSITORY}:pull"]
    assert asked[-1]["query"]["service"] == [registry_server.SERVICE]
    # Anonymous: the token service gives a token without access; the registry says no.
    line = one_line_error(run("analyze", name, cwd=tmp_path, env=docker_config(tmp_path, None)), "access denied")
    assert f"no credentials for {token_registry.host}" in line and f"docker login {token_registry.host}" in line
    # Wrong password: the token service refuses.
    wrong = docker_config(tmp_path, auths(token_registry.host, password="nope"))
    one_line_error(run("analyze", name, cwd=tmp_path, env=wrong),
                   f"the token service 127.0.0.1:{tokens.port} refused the credentials of user 'alice'")  # fmt: skip


@pytest.mark.docker
def test_basic_auth(pushed, basic_front, tmp_path):
    name = f"registry:{basic_front.host}/{REPOSITORY}:1"
    # Docker Hub style keys work too ("https://HOST/v1/").
    config = {"auths": {f"https://{basic_front.host}/v1/": auths(basic_front.host)["auths"][basic_front.host]}}
    assert strip_name(analyze_json(name, tmp_path, docker_config(tmp_path, config))) == pushed["expected"]
    one_line_error(run("analyze", name, cwd=tmp_path, env=docker_config(tmp_path, {"auths": {}})),
                   "access denied (UNAUTHORIZED: authentication required)", "docker login")  # fmt: skip


@pytest.mark.docker
def test_credential_helpers(pushed, token_registry, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-imagelint-test"
    helper.write_text(
        "#!/bin/sh\n"
        '[ "$1" = get ] || exit 1\n'
        "read server\n"
        f'[ "$server" = "{token_registry.host}" ] || {{ echo "credentials not found in native keychain"; exit 1; }}\n'
        f'echo \'{{"ServerURL": "{token_registry.host}", "Username": "{USER}", "Secret": "{PASSWORD}"}}\'\n'
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    path = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    name = f"registry:{token_registry.host}/{REPOSITORY}:1"
    per_host = docker_config(tmp_path, {"credHelpers": {token_registry.host: "imagelint-test"}})
    assert strip_name(analyze_json(name, tmp_path, {**per_host, **path})) == pushed["expected"]
    store = docker_config(tmp_path, {"credsStore": "imagelint-test"})
    assert strip_name(analyze_json(name, tmp_path, {**store, **path})) == pushed["expected"]
    missing = docker_config(tmp_path, {"credsStore": "not-installed-here"})
    one_line_error(run("analyze", name, cwd=tmp_path, env=missing),
                   "the credential helper docker-credential-not-installed-here (credsStore in", "is not installed")  # fmt: skip


# --- indexes ----------------------------------------------------------------------------------------


def test_multi_platform_index_from_a_registry(plain_registry, tmp_path):
    layout_dir = oci_layout(tmp_path / "multi", MULTI, nested=True, attestation=True, gzip_layers=True)
    blobs, index = registry_server.layout_contents(layout_dir)
    manifests = []

    def walk(document: dict) -> None:  # children before the index that names them: the registry checks
        for descriptor in document.get("manifests") or []:
            body = blobs[descriptor["digest"]]
            walk(json.loads(body))
            manifests.append((descriptor["digest"], body, descriptor["mediaType"]))

    walk(json.loads(index))
    top = json.loads(index)
    top_body = blobs[top["manifests"][0]["digest"]]  # the nested index is what the tag names
    registry_server.upload(plain_registry.host, "imagelint-test/multi", blobs, [*manifests, ("1", top_body, top["manifests"][0]["mediaType"])])
    reference = f"registry:{plain_registry.host}/imagelint-test/multi:1"
    for platform in ("linux/amd64", "linux/arm64", "linux/arm/v7"):
        from_registry = analyze(load_image(parse_reference(reference), platform=platform)).to_dict()
        from_layout = analyze(load_image(parse_reference(f"oci:{layout_dir}"), platform=platform)).to_dict()
        assert {**from_registry, "name": None} == {**from_layout, "name": None}
        assert from_registry["wasted_bytes"] == PAYLOAD[platform.split("/")[1]]
    one_line_error(run("analyze", reference, "--platform", "linux/ppc64le", cwd=tmp_path),
                   "no image for platform linux/ppc64le; available: linux/amd64, linux/arm/v7, linux/arm64/v8")  # fmt: skip
    digest = top["manifests"][0]["digest"]
    pinned = load_image(parse_reference(f"registry:{plain_registry.host}/imagelint-test/multi@{digest}"), platform="linux/arm64")
    assert analyze(pinned).wasted_bytes == PAYLOAD["arm64"]


# --- errors -----------------------------------------------------------------------------------------


def test_registry_not_found_errors(plain_registry, tmp_path):
    one_line_error(run("analyze", f"registry:{plain_registry.host}/imagelint-test/absent:1", cwd=tmp_path),
                   "manifest 1 not found (MANIFEST_UNKNOWN")  # fmt: skip
    upload_small_image(plain_registry.host, tmp_path)
    one_line_error(run("analyze", f"registry:{plain_registry.host}/imagelint-test/small:nope", cwd=tmp_path),
                   "manifest nope not found (MANIFEST_UNKNOWN")  # fmt: skip
    one_line_error(run("analyze", f"registry:{plain_registry.host}/imagelint-test/small@sha256:{'0' * 64}", cwd=tmp_path),
                   "not found (MANIFEST_UNKNOWN")  # fmt: skip


@pytest.mark.docker
def test_corrupted_download_is_an_error(pushed, basic_front, tmp_path):
    basic_front.corrupt_blobs = True
    try:
        line = one_line_error(run("analyze", f"registry:{basic_front.host}/{REPOSITORY}:1", cwd=tmp_path,
                                  env=docker_config(tmp_path, auths(basic_front.host))), "image config")  # fmt: skip
        assert "does not match its digest" in line
    finally:
        basic_front.corrupt_blobs = False


def test_unreachable_and_non_registry_hosts(tmp_path):
    for flags in ((), ("--insecure-registry",)):
        one_line_error(run("analyze", "registry:127.0.0.1:1/imagelint-test/x:1", *flags, cwd=tmp_path),
                       "cannot reach the registry at 127.0.0.1:1 (connection refused)")  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        one_line_error(run("analyze", f"registry:127.0.0.1:{server.server_address[1]}/a/b:1", cwd=tmp_path),
                       "does not serve the registry API (GET /v2/ answered 404)")  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(ImageError, match="needs the registry host"):
        parse_reference("registry:library/alpine:3")


def upload_small_image(host: str, tmp_path: Path) -> None:
    layout_dir = oci_layout(tmp_path / "small", [{"layers": [[("file", "x", 10)]]}])
    blobs, index = registry_server.layout_contents(layout_dir)
    descriptor = json.loads(index)["manifests"][0]
    registry_server.upload(host, "imagelint-test/small", blobs, [("1", blobs[descriptor["digest"]], descriptor["mediaType"])])


@pytest.mark.docker
def test_pull_shows_progress_on_a_terminal(docker_client, build_image, plain_registry, tmp_path):
    import pty
    import subprocess
    import sys

    image = build_image(f"FROM busybox:local\nRUN echo {uuid.uuid4().hex} > /id && dd if=/dev/urandom of=/r bs=1000 count=30000\n", tag="tty")
    repository = f"{plain_registry.host}/imagelint-test/tty"
    image.tag(repository, "1")
    for event in docker_client.api.push(repository, tag="1", stream=True, decode=True):
        assert "error" not in event, event
    for tag in (f"{repository}:1", image.tags[0]):
        docker_client.images.remove(tag)
    primary, secondary = pty.openpty()  # stderr is a terminal: rich draws its bars there
    try:
        proc = subprocess.Popen([sys.executable, "-m", "imagelint", "analyze", f"{repository}:1", "--pull", "-f", "json",
                                 "--fail-on", "never"], stdout=subprocess.PIPE, stderr=secondary, cwd=tmp_path,
                                env={k: v for k, v in os.environ.items() if k != "CI"})  # fmt: skip  # bars are never drawn in CI
        os.close(secondary)
        drawn = bytearray()

        def drain() -> None:
            while True:
                try:
                    data = os.read(primary, 65536)
                except OSError:  # EIO: the child closed the terminal
                    return
                if not data:
                    return
                drawn.extend(data)

        reader = Thread(target=drain)
        reader.start()
        stdout, _ = proc.communicate(timeout=120)
        reader.join(timeout=10)
    finally:
        os.close(primary)
        try:
            docker_client.images.remove(f"{repository}:1", force=True)
        except Exception:
            pass
    assert proc.returncode == 0, drawn.decode(errors="replace")
    assert json.loads(stdout)["image"]["name"] == f"{repository}:1"
    text = drawn.decode(errors="replace")
    assert "Traceback" not in text and ("Downloading" in text or "Extracting" in text) and "━" in text
