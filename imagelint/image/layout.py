"""Image indexes and manifests: from the document a source starts with to one image's config and
layers, whichever store holds the blobs (an OCI layout directory or tar, a registry, a ``docker
save`` archive).

Formats understood (media types below): the OCI image index and manifest, and Docker's manifest
list and image manifest (v2 schema 2), which have the same shape. An index may point at further
indexes. Docker's old v2 schema 1 is refused with a message: registries stopped serving it.

Choosing among an index's manifests: attestation manifests (BuildKit provenance, platform
``unknown/unknown``) are never images; ``ref`` (an OCI layout's ``org.opencontainers.image.ref.name``)
narrows to one tag; then the platform decides: ``--platform`` when given, else the host's. When
nothing matches, the error lists what is there.
"""

from __future__ import annotations

import platform as host_platform
import re
from collections.abc import Callable
from dataclasses import dataclass

from imagelint.image import limits, shapes
from imagelint.image.model import HistoryEntry, Image, ImageError, Layer

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_SCHEMA1 = (
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)
INDEX_TYPES = (OCI_INDEX, DOCKER_MANIFEST_LIST)
MANIFEST_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
# What a registry client accepts, best first (the Accept header of a manifest request).
ACCEPTED_TYPES = (OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST)

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"
MAX_DOCUMENT_BYTES = 4 << 20  # manifests and configs are kilobytes; registries cap manifests at 4 MiB
_MAX_DEPTH = 8  # index -> index -> ... -> manifest
_DIGEST = re.compile(r"^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$")

# `uname -m` names and Debian architecture names -> the GOARCH names images use.
_ARCH_ALIASES = {
    "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armv8": "arm64", "armv8l": "arm",
    "armv7l": "arm", "armv7": "arm", "armhf": "arm", "armv6l": "arm", "armel": "arm",
    "i386": "386", "i486": "386", "i586": "386", "i686": "386", "ppc64el": "ppc64le",
}  # fmt: skip
# The variant a bare architecture means (containerd's normalisation): arm64 is v8, arm is v7.
_DEFAULT_VARIANT = {"arm64": "v8", "arm": "v7"}
_MACHINE_VARIANT = {"armv6l": "v6", "armel": "v6", "armv7l": "v7", "armhf": "v7", "armv8l": "v7"}


@dataclass(frozen=True)
class Platform:
    os: str
    architecture: str
    variant: str | None = None

    @classmethod
    def parse(cls, text: str) -> Platform:
        """``os/arch[/variant]``, as ``docker --platform`` takes it (``linux/arm64``, ``linux/arm/v7``)."""
        parts = text.strip().lower().split("/")
        if not 2 <= len(parts) <= 3 or not all(re.fullmatch(r"[a-z0-9._-]+", part) for part in parts):
            raise ImageError(f"--platform '{text}': expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7")
        architecture = _ARCH_ALIASES.get(parts[1], parts[1])
        return cls(parts[0], architecture, parts[2] if len(parts) == 3 else None)

    @classmethod
    def host(cls) -> Platform:
        machine = host_platform.machine().lower()
        return cls("linux", _ARCH_ALIASES.get(machine, machine), _MACHINE_VARIANT.get(machine))

    @classmethod
    def of(cls, spec: dict) -> Platform | None:
        """The platform of an index entry (its ``platform`` object) or of an image config."""
        os_name, architecture = spec.get("os"), spec.get("architecture")
        if not isinstance(os_name, str) or not isinstance(architecture, str):
            return None
        variant = spec.get("variant")
        return cls(os_name.lower(), _ARCH_ALIASES.get(architecture.lower(), architecture.lower()),
                   variant.lower() if isinstance(variant, str) and variant else None)  # fmt: skip

    def matches(self, other: Platform) -> bool:
        """``other`` (what an image is) satisfies ``self`` (what was asked for)."""
        if (self.os, self.architecture) != (other.os, other.architecture):
            return False
        if self.variant is None:
            return True
        default = _DEFAULT_VARIANT.get(self.architecture)
        return (other.variant or default) == self.variant

    def __str__(self) -> str:
        return "/".join(part for part in (self.os, self.architecture, self.variant) if part)


@dataclass(frozen=True)
class ResolvedManifest:
    manifest: dict  # the image manifest: {"config": descriptor, "layers": [descriptor, ...]}
    digest: str | None  # its digest, when it was reached through an index
    ref_name: str | None  # the tag an OCI layout's index gave it


# fetch(descriptor) -> (document bytes): how a store reads a blob the index or manifest points at.
Fetch = Callable[[dict], bytes]


def resolve_manifest(
    document: bytes,
    media_type: str | None,
    fetch: Fetch,
    *,
    platform: str | None,
    origin: str,
    ref: str | None = None,
    name: str = "index.json",
) -> ResolvedManifest:
    """Follow indexes from ``document`` down to one image manifest. ``name`` names ``document`` in
    errors about its shape (a nested one is named by its digest)."""
    wanted = Platform.parse(platform) if platform else None
    digest = ref_name = None
    for _ in range(_MAX_DEPTH):
        label = name if digest is None else f"manifest {digest}"
        parsed = parse_document(document, origin, label)
        kind = document_kind(parsed, media_type, origin)
        shapes.check(parsed, shapes.MANIFEST if kind == "manifest" else shapes.INDEX, f"{origin}: {label}")
        if kind == "manifest":
            return ResolvedManifest(parsed, digest, ref_name)
        chosen = choose_manifest(parsed.get("manifests"), wanted, origin, ref)
        ref = None  # a tag names an entry of the top index only
        ref_name = ref_name or _ref_name(chosen)
        digest = descriptor_digest(chosen, origin)
        media_type = chosen.get("mediaType") if isinstance(chosen.get("mediaType"), str) else None
        document = fetch(chosen)
    raise ImageError(f"{origin}: indexes nested more than {_MAX_DEPTH} deep")


def parse_document(data: bytes, origin: str, what: str, limit: int = MAX_DOCUMENT_BYTES) -> dict:
    if len(data) > limit:
        raise ImageError(f"{origin}: the {what} is {len(data)} bytes, too large for image metadata")
    parsed = shapes.parse_json(data, f"{origin}: the {what}")
    if not isinstance(parsed, dict):
        raise ImageError(f"{origin}: the {what} is not a JSON object")
    return parsed


def parse_config(data: bytes, origin: str, label: str) -> dict:
    """An image config document, its shape checked (``label`` names it in errors)."""
    config = parse_document(data, origin, "image config", limits.MAX_CONFIG_BYTES.value())
    check_config(config, origin, label)
    return config


def check_config(config: dict, origin: str, label: str) -> None:
    shapes.check(config, shapes.CONFIG, f"{origin}: {label}")


def document_kind(document: dict, media_type: str | None, origin: str) -> str:
    """``"index"`` or ``"manifest"``, from the media type a registry sent or the document's own."""
    declared = document.get("mediaType") if isinstance(document.get("mediaType"), str) else None
    for candidate in (media_type, declared):
        if candidate in INDEX_TYPES:
            return "index"
        if candidate in MANIFEST_TYPES:
            return "manifest"
        if candidate in DOCKER_SCHEMA1 or document.get("schemaVersion") == 1:
            raise ImageError(
                f"{origin}: the image has a Docker v2 schema 1 manifest, a deprecated format imagelint does "
                "not read; push it again with a current Docker"
            )
    # OCI documents may omit mediaType: the shape tells.
    if isinstance(document.get("manifests"), list):
        return "index"
    if isinstance(document.get("config"), dict) and isinstance(document.get("layers"), list):
        return "manifest"
    raise ImageError(f"{origin}: the document is neither an image index nor an image manifest")


def choose_manifest(manifests: object, wanted: Platform | None, origin: str, ref: str | None = None) -> dict:
    """The index entry to follow: see the module docstring."""
    entries = [m for m in manifests if isinstance(m, dict)] if isinstance(manifests, list) else []
    images = [m for m in entries if not _is_attestation(m)]
    if not images:
        raise ImageError(f"{origin}: the index lists no image manifest")
    if ref is not None:
        named = [m for m in images if ref in _names(m)]
        if not named:
            available = sorted({name for m in images for name in _names(m)})
            listed = ", ".join(available) if available else "none"
            raise ImageError(f"{origin}: no image tagged '{ref}' in the index (tags: {listed})")
        images = named
    if len(images) == 1:
        return images[0]
    target = wanted or Platform.host()
    platforms = [(m, Platform.of(m.get("platform") or {})) for m in images]
    matching = [(m, p) for m, p in platforms if p is not None and target.matches(p)]
    if len(matching) > 1:  # linux/arm matches arm/v6 and arm/v7: prefer the variant asked for, else the default
        preferred = target.variant or _DEFAULT_VARIANT.get(target.architecture)
        matching = [(m, p) for m, p in matching if (p.variant or _DEFAULT_VARIANT.get(p.architecture)) == preferred] or matching
    if matching:
        chosen = [m for m, _ in matching]
        if len({_ref_name(m) for m in chosen}) > 1:
            raise ImageError(
                f"{origin}: the index holds several images for {target} ({_list_names(chosen)}); name one with oci:PATH:TAG"
            )
        return chosen[0]
    if all(p is None for _, p in platforms):
        raise ImageError(f"{origin}: the index holds several images ({_list_names(images)}); name one with oci:PATH:TAG")
    available = ", ".join(sorted({str(p) for _, p in platforms if p is not None}))
    whose = "" if wanted else " (this machine's)"
    raise ImageError(f"{origin}: no image for platform {target}{whose}; available: {available}; choose one with --platform")


def check_platform(config: dict, platform: str | None, origin: str) -> None:
    """An explicit ``--platform`` must describe a single-platform image too: never analyse another one silently."""
    if not platform:
        return
    wanted = Platform.parse(platform)
    actual = Platform.of(config)
    if actual is not None and not wanted.matches(actual):
        raise ImageError(f"{origin}: the image is {actual}, not {wanted} as --platform asks")


def descriptor_digest(descriptor: dict, origin: str) -> str:
    """A descriptor's digest, checked: it becomes a file name or a URL path."""
    digest = descriptor.get("digest")
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise ImageError(f"{origin}: invalid digest {digest!r} in a descriptor")
    return digest


def build_image(*, name: str, image_id: str, config: dict, layers: list[Layer]) -> Image:
    """The :class:`Image` for a config and its layers (oldest first), digests from ``rootfs.diff_ids``."""
    diff_ids = (config.get("rootfs") or {}).get("diff_ids") or []
    for layer, digest in zip(layers, diff_ids):
        layer.digest = digest
    return Image(name=name, id=image_id, config=config, layers=layers, history=history_of(config))


def history_of(config: dict) -> list[HistoryEntry]:
    entries = []
    for item in config.get("history") or []:
        if not isinstance(item, dict):
            continue
        entries.append(
            HistoryEntry(
                created_by=item.get("created_by"),
                empty_layer=bool(item.get("empty_layer")),
                created=item.get("created"),
                comment=item.get("comment"),
            )
        )
    return entries


def _is_attestation(descriptor: dict) -> bool:
    annotations = descriptor.get("annotations") or {}
    platform = descriptor.get("platform") or {}
    return annotations.get("vnd.docker.reference.type") == "attestation-manifest" or (
        platform.get("os") == "unknown" and platform.get("architecture") == "unknown"
    )


def _ref_name(descriptor: dict) -> str | None:
    annotations = descriptor.get("annotations") or {}
    value = annotations.get(REF_NAME) or annotations.get(CONTAINERD_NAME)
    return value if isinstance(value, str) else None


def _names(descriptor: dict) -> set[str]:
    """What a tag given as ``oci:PATH:TAG`` may match: the OCI ref name, containerd's full name, its tag."""
    annotations = descriptor.get("annotations") or {}
    names = set()
    for key in (REF_NAME, CONTAINERD_NAME):
        value = annotations.get(key)
        if isinstance(value, str) and value:
            names.add(value)
            if key == CONTAINERD_NAME and ":" in value.rsplit("/", 1)[-1]:
                names.add(value.rsplit(":", 1)[1])
    return names


def _list_names(descriptors: list[dict]) -> str:
    names = [_ref_name(m) or descriptor_digest(m, "") for m in descriptors]
    return ", ".join(names)
