"""The syntax of image references: the Docker reference grammar, image IDs and registry references
(``HOST/REPO[:TAG][@DIGEST]``). Which source a reference on the command line names is decided in
:mod:`imagelint.image.sources`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagelint.image.model import ImageError

# The Docker reference grammar (distribution/reference), written out once here.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
REFERENCE = re.compile(rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::{TAG})?(?:@{_DIGEST})?$")
_REGISTRY_REFERENCE = re.compile(
    rf"^(?P<host>{_DOMAIN})/(?P<repository>{_COMPONENT}(?:/{_COMPONENT})*)(?::(?P<tag>{TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)
IMAGE_ID = re.compile(r"^(?:sha256:)?[0-9a-f]{12,64}$")

DOCKER_HUB = "docker.io"
_DOCKER_HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io")
DOCKER_HUB_API = "registry-1.docker.io"  # where docker.io's registry API is served


@dataclass(frozen=True)
class RegistryReference:
    host: str  # as written: "127.0.0.1:5000", "ghcr.io", "docker.io"
    repository: str  # "team/app"; Docker Hub's official images get "library/"
    tag: str | None
    digest: str | None

    @property
    def reference(self) -> str:
        """What to ask the registry for: the digest when given (it pins the content), else the tag."""
        return self.digest or self.tag or "latest"

    @property
    def api_host(self) -> str:
        return DOCKER_HUB_API if self.host in _DOCKER_HUB_NAMES else self.host

    @property
    def hostname(self) -> str:
        """The host without its port: "127.0.0.1", "::1"."""
        if self.host.startswith("["):
            return self.host[1:].split("]", 1)[0]
        return self.host.rsplit(":", 1)[0] if ":" in self.host else self.host

    def __str__(self) -> str:
        text = f"{self.host}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_registry_reference(rest: str, text: str | None = None) -> RegistryReference:
    """``HOST/REPO[:TAG][@DIGEST]``; the host is required (no implicit Docker Hub)."""
    shown = text or f"registry:{rest}"
    match = _REGISTRY_REFERENCE.match(rest)
    host = rest.split("/", 1)[0]
    if match is None or not _looks_like_host(host):
        if "/" not in rest or not _looks_like_host(host):
            raise ImageError(
                f"'{shown}': registry: needs the registry host and repository, registry:HOST/REPO[:TAG|@DIGEST] "
                "(e.g. registry:registry.example.com/org/app:1.0, registry:docker.io/library/alpine:3.20, registry:localhost:5000/app)"
            )
        raise ImageError(f"'{shown}' is not a registry reference; use registry:HOST/REPO[:TAG|@DIGEST]")
    repository = match["repository"]
    if match["host"] in _DOCKER_HUB_NAMES and "/" not in repository:
        repository = f"library/{repository}"  # Docker Hub's official images
    return RegistryReference(match["host"], repository, match["tag"], match["digest"])


def _looks_like_host(component: str) -> bool:
    """Docker's rule: a first component with a dot or a port, or "localhost", is a registry host."""
    return "." in component or ":" in component or component == "localhost" or component.startswith("[")
