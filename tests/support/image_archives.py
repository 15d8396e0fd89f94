"""Build small ``docker save`` archives in memory, so the image reader and the analysis can be tested
without a Docker engine (the way dive tests against tiny committed tarballs).

A layer is a list of entries: ``("file", path, size)``, ``("dir", path)``, ``("symlink", path, target)``,
``("hardlink", path, target)``, ``("whiteout", path)`` (deletes ``path``) or ``("opaque", dir)``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import posixpath
import tarfile
from pathlib import Path


def layer_tar(entries: list[tuple]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            kind, path = entry[0], entry[1]
            info = tarfile.TarInfo(path)
            info.mtime = 0
            data = None
            if kind == "file":
                info.size = entry[2]
                info.mode = 0o644
                data = io.BytesIO(b"x" * entry[2])
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = entry[2]
            elif kind == "hardlink":
                info.type = tarfile.LNKTYPE
                info.linkname = entry[2]
            elif kind == "whiteout":
                directory, name = posixpath.split(path)
                info.name = posixpath.join(directory, ".wh." + name)
            elif kind == "opaque":
                info.name = posixpath.join(path, ".wh..wh..opq")
            else:
                raise ValueError(kind)
            tar.addfile(info, data)
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def image_config(layers: list[bytes], history: list[dict] | None = None, config: dict | None = None) -> dict:
    if history is None:
        history = [{"created_by": f"/bin/sh -c step {i}"} for i in range(len(layers))]
    return {
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": config or {},
        "rootfs": {"type": "layers", "diff_ids": [_digest(layer) for layer in layers]},
        "history": history,
    }


def docker_save(
    layers: list[list[tuple]],
    *,
    layout: str = "legacy",
    history: list[dict] | None = None,
    config: dict | None = None,
    compress_layers: str | None = None,  # "gzip" or "zstd" (OCI layout only)
    tag: str = "synthetic/image:1",
) -> bytes:
    """A ``docker save`` tar of an image with these layers (legacy: duplicates become symlinks)."""
    tars = [layer_tar(entries) for entries in layers]
    config_doc = json.dumps(image_config(tars, history, config)).encode()
    config_hex = hashlib.sha256(config_doc).hexdigest()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        if layout == "legacy":
            paths: list[str] = []
            first_path: dict[bytes, str] = {}
            for number, data in enumerate(tars):
                directory = hashlib.sha256(data + str(number).encode()).hexdigest()
                path = f"{directory}/layer.tar"
                if data in first_path:  # what Docker < 25 does for a duplicate identical layer
                    info = tarfile.TarInfo(path)
                    info.type = tarfile.SYMTYPE
                    info.linkname = "../" + first_path[data]
                    tar.addfile(info)
                else:
                    first_path[data] = path
                    _add(tar, path, data)
                paths.append(path)
            _add(tar, f"{config_hex}.json", config_doc)
            manifest = [{"Config": f"{config_hex}.json", "RepoTags": [tag], "Layers": paths}]
            _add(tar, "manifest.json", json.dumps(manifest).encode())
        elif layout in ("oci", "oci-index-only"):
            layer_descriptors = []
            written: set[str] = set()
            for data in tars:
                blob = compressed(data, compress_layers)
                digest = _digest(blob)
                if digest not in written:
                    _add(tar, "blobs/sha256/" + digest.split(":")[1], blob)
                    written.add(digest)
                media = "application/vnd.oci.image.layer.v1.tar" + {"gzip": "+gzip", "zstd": "+zstd"}.get(compress_layers or "", "")
                layer_descriptors.append({"mediaType": media, "digest": digest, "size": len(blob)})
            _add(tar, f"blobs/sha256/{config_hex}", config_doc)
            oci_manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + config_hex},
                    "layers": layer_descriptors,
                }
            ).encode()
            manifest_digest = _digest(oci_manifest)
            _add(tar, "blobs/sha256/" + manifest_digest.split(":")[1], oci_manifest)
            index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                         "digest": manifest_digest, "size": len(oci_manifest)}]}  # fmt: skip
            _add(tar, "index.json", json.dumps(index).encode())
            _add(tar, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
            if layout == "oci":  # Docker >= 25 also writes the legacy manifest, pointing at blobs
                layer_paths = ["blobs/sha256/" + d["digest"].split(":")[1] for d in layer_descriptors]
                manifest = [{"Config": f"blobs/sha256/{config_hex}", "RepoTags": [tag], "Layers": layer_paths}]
                _add(tar, "manifest.json", json.dumps(manifest).encode())
        else:
            raise ValueError(layout)
    return buffer.getvalue()


def compressed(data: bytes, compression: str | None) -> bytes:
    """A layer blob: ``data`` as it is, or gzip- or zstd-compressed."""
    if compression == "gzip":
        return gzip.compress(data, mtime=0)
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return data


def write_archive(path: Path, data: bytes, *, gzip_outer: bool = False) -> Path:
    path.write_bytes(gzip.compress(data, mtime=0) if gzip_outer else data)
    return path


def legacy_to_oci(saved: bytes, *, gzip_layers: bool = False) -> bytes:
    """Rewrite a real legacy ``docker save`` as the OCI layout Docker >= 25 writes (blobs/, index.json)."""
    members: dict[str, bytes] = {}
    links: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(saved)) as tar:
        for member in tar:
            if member.issym():
                links[member.name] = posixpath.normpath(posixpath.join(posixpath.dirname(member.name), member.linkname))
            elif member.isfile():
                members[member.name] = tar.extractfile(member).read()  # type: ignore[union-attr]
    (entry,) = json.loads(members["manifest.json"])
    layers = [members[links.get(p, p)] for p in entry["Layers"]]
    config_doc = members[entry["Config"]]
    config_hex = hashlib.sha256(config_doc).hexdigest()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        paths, written = [], set()
        for data in layers:
            blob = gzip.compress(data, mtime=0) if gzip_layers else data
            path = "blobs/sha256/" + hashlib.sha256(blob).hexdigest()
            if path not in written:
                _add(tar, path, blob)
                written.add(path)
            paths.append(path)
        _add(tar, f"blobs/sha256/{config_hex}", config_doc)
        manifest = [{"Config": f"blobs/sha256/{config_hex}", "RepoTags": entry.get("RepoTags"), "Layers": paths}]
        _add(tar, "manifest.json", json.dumps(manifest).encode())
        _add(tar, "index.json", b'{"schemaVersion": 2, "manifests": []}')
    return buffer.getvalue()


def oci_layout(
    target: Path,
    images: list[dict],
    *,
    nested: bool = False,
    attestation: bool = False,
    form: str = "dir",  # "dir", "tar" or "tar.gz"
    gzip_layers: bool = False,
    broken_layers_for: tuple[str, ...] = (),
) -> Path:
    """An OCI image layout holding ``images``: each ``{"layers": [...], "platform": {...} | None,
    "ref": "tag" | None, "config": {...} | None, "history": [...] | None}``.

    One image without a platform: index.json points at its manifest. Otherwise index.json lists one
    manifest per image (``nested``: through a second index), plus a BuildKit-style attestation
    manifest (``attestation``). ``broken_layers_for``: platforms (``os/arch``) whose layer blobs are
    replaced by junk, to prove they are never read.
    """
    blobs: dict[str, bytes] = {}

    def put(data: bytes) -> dict:
        digest = _digest(data)
        blobs[digest] = data
        return {"digest": digest, "size": len(data)}

    descriptors = []
    for image in images:
        tars = [layer_tar(entries) for entries in image["layers"]]
        platform = image.get("platform")
        config = image_config(tars, image.get("history"), image.get("config"))
        if platform:
            config.update({k: v for k, v in platform.items()})
        config_descriptor = {"mediaType": "application/vnd.oci.image.config.v1+json", **put(json.dumps(config).encode())}
        broken = platform is not None and f"{platform['os']}/{platform['architecture']}" in broken_layers_for
        layer_descriptors = []
        for data in tars:
            blob = gzip.compress(data, mtime=0) if gzip_layers else data
            if broken:
                blob = b"junk, never to be read " + blob[:10]
            media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if gzip_layers else "")
            layer_descriptors.append({"mediaType": media, **put(blob)})
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": config_descriptor, "layers": layer_descriptors}  # fmt: skip
        descriptor = {"mediaType": "application/vnd.oci.image.manifest.v1+json", **put(json.dumps(manifest).encode())}
        if platform:
            descriptor["platform"] = platform
        if image.get("ref"):
            descriptor["annotations"] = {"org.opencontainers.image.ref.name": image["ref"]}
        descriptors.append(descriptor)
    if attestation:
        statement = put(b'{"_type": "https://in-toto.io/Statement/v0.1"}')
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **put(b"{}")},
                    "layers": [{"mediaType": "application/vnd.in-toto+json", **statement}]}  # fmt: skip
        descriptors.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", **put(json.dumps(manifest).encode()),
                            "platform": {"os": "unknown", "architecture": "unknown"},
                            "annotations": {"vnd.docker.reference.type": "attestation-manifest"}})  # fmt: skip
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors}
    if nested:
        inner = {"mediaType": "application/vnd.oci.image.index.v1+json", **put(json.dumps(index).encode()),
                 "annotations": {"org.opencontainers.image.ref.name": "multi"}}  # fmt: skip
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [inner]}
    files = {"oci-layout": b'{"imageLayoutVersion": "1.0.0"}', "index.json": json.dumps(index).encode()}
    files.update({"blobs/sha256/" + digest.split(":")[1]: data for digest, data in blobs.items()})
    if form == "dir":
        for name, data in files.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
        return target
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in sorted(files.items()):  # blobs first, index.json after: no order is promised
            _add(tar, name, data)
    target.write_bytes(gzip.compress(buffer.getvalue(), mtime=0) if form == "tar.gz" else buffer.getvalue())
    return target


def raw_layer_tar(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    """A layer tar of hand-made headers (PAX records, size fields on any type), each with its data."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def saved_archive(layer_blobs: list[bytes], *, manifest: object = None, config: object = None) -> bytes:
    """A legacy ``docker save`` tar holding these layer blobs as given (plain, gzip, damaged), with
    ``manifest`` and ``config`` (JSON values, any shape) in place of the real ones when given."""
    config_doc = json.dumps(image_config(layer_blobs) if config is None else config).encode()
    config_hex = hashlib.sha256(config_doc).hexdigest()
    paths = [f"{hashlib.sha256(blob + bytes([number])).hexdigest()}/layer.tar" for number, blob in enumerate(layer_blobs)]
    if manifest is None:
        manifest = [{"Config": f"{config_hex}.json", "RepoTags": ["synthetic/image:1"], "Layers": paths}]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path, blob in zip(paths, layer_blobs):
            _add(tar, path, blob)
        _add(tar, f"{config_hex}.json", config_doc)
        _add(tar, "manifest.json", json.dumps(manifest).encode())
    return buffer.getvalue()


def rewrite_members(archive: bytes, change) -> bytes:
    """The tar ``archive`` with each regular member's data replaced by ``change(name, data)``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(archive)) as source, tarfile.open(fileobj=buffer, mode="w") as tar:
        for info in source:
            data = source.extractfile(info).read() if info.isreg() else None  # type: ignore[union-attr]
            if data is not None:
                data = change(info.name, data)
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def bad_gzip_crc(data: bytes) -> bytes:
    """``data`` gzip-compressed, its CRC-32 trailer wrong (the deflate stream itself intact)."""
    packed = bytearray(gzip.compress(data, mtime=0))
    packed[-8] ^= 0xFF
    return bytes(packed)
