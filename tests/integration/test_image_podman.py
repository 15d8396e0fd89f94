"""The ``podman:`` source with Debian's podman: an image built by the test Docker engine is saved, loaded
into a private Podman store (the vfs driver, in a temporary folder: the machine's store is never touched)
and read back through ``podman image save``; the numbers must be the daemon's.

Without podman these tests skip (under CI they fail: scripts/ensure-podman.sh installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.support.cli import one_line_error, run

pytestmark = pytest.mark.docker

DOCKERFILE = (
    "FROM busybox:local\n"
    "RUN mkdir /data && dd if=/dev/zero of=/data/big.bin bs=1000 count=400\n"
    "RUN rm /data/big.bin && echo kept > /data/kept\n"
)


@pytest.fixture
def podman_store(tmp_path):
    """Environment variables that point podman at a store of its own, in ``tmp_path``."""
    if shutil.which("podman") is None:
        reason = "podman is not installed; run `bash scripts/ensure-podman.sh` (or scripts/test.sh)"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    conf = tmp_path / "storage.conf"
    # vfs: overlay inside this machine's overlay root is refused by the kernel; vfs copies, which is fine for a test.
    conf.write_text(f'[storage]\ndriver = "vfs"\ngraphroot = "{tmp_path / "root"}"\nrunroot = "{tmp_path / "run"}"\n')
    env = {"CONTAINERS_STORAGE_CONF": str(conf)}  # the store goes with tmp_path; nothing else is touched
    probe = subprocess.run(["podman", "images"], env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    if probe.returncode != 0 and "cannot clone: Operation not permitted" in probe.stderr:
        # Inside an unprivileged container (../shared/tools/fresh-machine) the kernel refuses podman the
        # namespaces it needs; no setup can change that there. On a machine, CI included, podman runs.
        pytest.skip("podman cannot create namespaces here (an unprivileged container): " + probe.stderr.strip().splitlines()[-1])
    assert probe.returncode == 0, probe.stderr
    return env


def test_podman_image_reads_as_the_daemon_image(build_image, docker_client, podman_store, tmp_path):
    image = build_image(DOCKERFILE, tag="podman")
    saved = tmp_path / "saved.tar"
    with saved.open("wb") as out:
        for chunk in docker_client.images.get(image.id).save(named=True):
            out.write(chunk)
    loaded = subprocess.run(["podman", "load", "-i", str(saved)], env={**os.environ, **podman_store}, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    name = image.tags[0]  # podman keeps the name as docker saved it (docker.io/... is added to a bare one)
    listed = subprocess.run(["podman", "images", "--format", "{{.Repository}}:{{.Tag}}"], env={**os.environ, **podman_store},
                            capture_output=True, text=True, timeout=60).stdout.split()  # fmt: skip
    podman_name = next(item for item in listed if item.endswith(name))

    from_podman = run("analyze", f"podman:{podman_name}", "-f", "json", "--fail-on", "never", cwd=tmp_path, env=podman_store)
    assert from_podman.returncode == 0, from_podman.stderr.decode()
    from_daemon = run("analyze", name, "-f", "json", "--fail-on", "never", cwd=tmp_path)
    assert from_daemon.returncode == 0, from_daemon.stderr.decode()
    ours, theirs = json.loads(from_podman.stdout)["image"], json.loads(from_daemon.stdout)["image"]
    assert ours["name"] == podman_name
    assert ours["wasted_bytes"] == theirs["wasted_bytes"] == 400_000
    for key in ("size", "layer_count", "efficiency", "dive", "inefficient_files", "directories"):
        assert ours[key] == theirs[key], key
    assert [row["digest"] for row in ours["layers"]] == [row["digest"] for row in theirs["layers"]]


def test_image_absent_from_the_podman_store_is_one_line(podman_store, tmp_path):
    result = run("analyze", "podman:localhost/imagelint-test/absent:1", cwd=tmp_path, env=podman_store)
    one_line_error(result, "podman: image 'localhost/imagelint-test/absent:1' not found in the local Podman store")


def test_without_podman_the_error_says_so(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    result = run("analyze", "podman:localhost/app:1", cwd=tmp_path, env={"PATH": str(bare)})
    one_line_error(result, "podman: the podman command is not installed")


def test_a_bare_tag_after_podman_stays_a_daemon_image_name():
    from imagelint.image.sources import DaemonSource, PodmanSource, parse_reference

    assert isinstance(parse_reference("podman:4.3"), DaemonSource)  # the image "podman" tagged 4.3
    assert parse_reference("podman://app") == PodmanSource("app", "podman://app")
    assert parse_reference("podman:localhost/app:1").value == "localhost/app:1"
