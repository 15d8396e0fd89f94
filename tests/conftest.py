"""Shared pytest fixtures.

Docker: tests that need an engine use ``docker_client`` / ``busybox_base`` / ``build_image``. Without an
engine they skip, or fail when ``IMAGELINT_REQUIRE_DOCKER=1`` (scripts/test.sh sets it under CI).
Run ``bash scripts/ensure-docker.sh`` to start an engine and create the ``busybox:local`` base image.

Shared data: ``../shared`` beside the repository (corpus, schemas). Absent: skip; under CI: fail.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import docker
    from docker.models.images import Image

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
BASE_IMAGE = "busybox:local"
TEST_IMAGE_REPO = "imagelint-test"
ENSURE_DOCKER_HINT = "run `bash scripts/ensure-docker.sh` (or `bash scripts/test.sh`)"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str, *, required: bool) -> None:
    """Fail when the resource is required here, else skip."""
    if required:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _docker_unavailable(reason: str) -> None:
    _unavailable(reason, required=_env_flag("IMAGELINT_REQUIRE_DOCKER"))


# --- paths --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def _shared_subdir(*parts: str) -> Path:
    path = SHARED_DIR.joinpath(*parts)
    if not path.is_dir():
        _unavailable(f"{path} is absent (expected ../shared beside the repository)", required=_env_flag("CI"))
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _shared_subdir()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _shared_subdir("corpus")


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    return _shared_subdir("schemas")


# --- browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    """Debian's headless Chromium (tests/support/browser.py), one per test module. Without it or
    websocket-client: skip; under CI: fail."""
    from tests.support.browser import chromium, find_chromium

    binary = find_chromium()
    if binary is None:
        _unavailable(
            "Chromium is not installed (apt-get install chromium; scripts/test.sh does it as root on Debian)",
            required=_env_flag("CI"),
        )
    try:
        import websocket  # noqa: F401  (the test extra's websocket-client)
    except ImportError:
        _unavailable("websocket-client is not installed (pip install -e '.[test]')", required=_env_flag("CI"))
    with chromium(binary, tmp_path_factory.mktemp("chromium")) as running:
        yield running


# --- docker -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    try:
        import docker
    except ImportError as exc:
        _docker_unavailable(f"the docker SDK is not importable ({exc})")
    try:
        client = docker.from_env()
        client.ping()
    except Exception as exc:  # DockerException, requests errors, socket errors: all mean "no engine"
        _docker_unavailable(f"no Docker engine answers ({exc}); {ENSURE_DOCKER_HINT}")
    yield client
    client.close()


@pytest.fixture(scope="session")
def busybox_base(docker_client: docker.DockerClient) -> str:
    """Name of the one-layer local base image (static busybox only); no registry is ever reached."""
    import docker

    try:
        docker_client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        _docker_unavailable(f"the base image {BASE_IMAGE} is missing; {ENSURE_DOCKER_HINT}")
    return BASE_IMAGE


BuildImage = Callable[..., "Image"]


@pytest.fixture(scope="session")
def build_image(
    docker_client: docker.DockerClient, busybox_base: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BuildImage]:
    """``build_image(dockerfile_text, files=None, tag=None) -> Image``.

    Writes ``dockerfile_text`` as ``Dockerfile`` plus ``files`` (relative path -> content) into a fresh
    context and builds it with no network. The image is tagged ``imagelint-test/<tag or "img">-<unique>``
    and removed at the end of the session. Base Dockerfiles on ``busybox_base`` (``busybox:local``).
    """
    import docker

    tags: list[str] = []

    def build(dockerfile_text: str, files: dict[str, bytes | str] | None = None, tag: str | None = None) -> Image:
        context = tmp_path_factory.mktemp("build-context")
        (context / "Dockerfile").write_text(dockerfile_text)
        for name, content in (files or {}).items():
            rel = PurePosixPath(name)
            if rel.is_absolute() or ".." in rel.parts:
                raise ValueError(f"build context file must be a relative path inside the context: {name!r}")
            target = context.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)

        label = re.sub(r"[^a-z0-9._-]+", "-", (tag or "img").lower()).strip("-._") or "img"
        name = f"{TEST_IMAGE_REPO}/{label}-{uuid.uuid4().hex[:12]}:latest"
        try:
            image, _log = docker_client.images.build(
                path=str(context), tag=name, network_mode="none", rm=True, forcerm=True, pull=False
            )
        except docker.errors.BuildError as exc:
            output = "".join(str(chunk.get("stream") or chunk.get("error") or "") for chunk in exc.build_log)
            pytest.fail(f"docker build of {name} failed: {exc.msg}\n{output}", pytrace=False)
        tags.append(name)
        return image

    yield build

    for name in tags:  # remove by tag: identical builds share an image id (build cache)
        try:
            docker_client.images.remove(name, force=True)
        except docker.errors.APIError:
            pass
