"""``oci:PATH``: OCI image layouts as directories and tars, multi-platform and nested indexes, tags,
and their errors; and the JSON report validated against the shipped schema. No Docker needed."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from imagelint.image import layout
from imagelint.image.analysis import analyze
from imagelint.image.layout import Platform
from imagelint.image.model import ImageError
from imagelint.image.sources import load_image, parse_reference
from tests.support.image_archives import docker_save, oci_layout
from tests.support.cli import one_line_error, run

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]
# Per platform a different payload, so which image was read shows in the numbers.
PAYLOAD = {"amd64": 300, "arm64": 700, "arm": 500}


def platform_image(arch: str, variant: str | None = None, **extra) -> dict:
    spec = {"os": "linux", "architecture": arch, **({"variant": variant} if variant else {})}
    layers = [BASE, [("dir", "d"), ("file", "d/a", PAYLOAD[arch])], [("whiteout", "d")]]
    return {"layers": layers, "platform": spec, **extra}


MULTI = [platform_image("amd64"), platform_image("arm64", "v8"), platform_image("arm", "v7")]


def numbers(reference: str, **options) -> dict:
    document = analyze(load_image(parse_reference(reference), **options)).to_dict()
    for key in ("name", "id"):
        document.pop(key)
    return document


@pytest.fixture
def on_machine(monkeypatch):
    """Pretend to run on another machine (``uname -m``)."""

    def set_machine(machine: str) -> None:
        monkeypatch.setattr(layout.host_platform, "machine", lambda: machine)

    return set_machine


@pytest.mark.parametrize("form", ["dir", "tar", "tar.gz"])
@pytest.mark.parametrize("gzip_layers", [False, True], ids=["plain-layers", "gzip-layers"])
def test_single_image_layout_gives_the_archive_numbers(tmp_path, form, gzip_layers):
    layers = [BASE, [("dir", "d"), ("file", "d/a", 300), ("file", "d/b", 20)], [("whiteout", "d/a")]]
    archive = tmp_path / "saved.tar"
    archive.write_bytes(docker_save(layers))
    path = oci_layout(tmp_path / f"layout.{form}", [{"layers": layers}], form=form, gzip_layers=gzip_layers)
    if form == "dir":
        path.mkdir(exist_ok=True)
    expected = numbers(f"docker-archive:{archive}")
    assert expected["wasted_bytes"] == 300
    assert numbers(f"oci:{path}") == expected


@pytest.mark.parametrize("form", ["dir", "tar", "tar.gz"])
def test_platform_choice(tmp_path, form, on_machine):
    path = oci_layout(tmp_path / f"multi.{form}", MULTI, attestation=True, form=form)
    on_machine("x86_64")
    assert numbers(f"oci:{path}")["wasted_bytes"] == PAYLOAD["amd64"]  # the host's platform by default
    on_machine("aarch64")
    assert numbers(f"oci:{path}")["wasted_bytes"] == PAYLOAD["arm64"]
    assert numbers(f"oci:{path}", platform="linux/arm64")["wasted_bytes"] == PAYLOAD["arm64"]
    assert numbers(f"oci:{path}", platform="linux/arm64/v8")["wasted_bytes"] == PAYLOAD["arm64"]
    assert numbers(f"oci:{path}", platform="linux/arm")["wasted_bytes"] == PAYLOAD["arm"]
    image = load_image(parse_reference(f"oci:{path}"), platform="linux/arm/v7")
    assert (image.os, image.architecture, image.config.get("variant")) == ("linux", "arm", "v7")
    with pytest.raises(ImageError) as caught:
        load_image(parse_reference(f"oci:{path}"), platform="linux/s390x")
    assert str(caught.value).endswith(
        "no image for platform linux/s390x; available: linux/amd64, linux/arm/v7, linux/arm64/v8; choose one with --platform"
    )
    on_machine("riscv64")
    with pytest.raises(ImageError, match=r"no image for platform linux/riscv64 \(this machine's\); available: linux/amd64"):
        load_image(parse_reference(f"oci:{path}"))


def test_nested_index_and_unread_platforms(tmp_path, on_machine):
    on_machine("x86_64")
    # arm64's layer blobs are junk: reading them would fail, so passing proves they are never read.
    for form in ("dir", "tar"):
        path = oci_layout(tmp_path / f"nested.{form}", MULTI, nested=True, form=form, broken_layers_for=("linux/arm64",))
        assert numbers(f"oci:{path}")["wasted_bytes"] == PAYLOAD["amd64"]
        image = load_image(parse_reference(f"oci:{path}"))
        assert image.name == "multi"  # the index's tag names the image
        with pytest.raises(ImageError, match="layer sha256:[0-9a-f]{64} is truncated or corrupt"):
            load_image(parse_reference(f"oci:{path}"), platform="linux/arm64")


def test_tags_in_one_layout(tmp_path):
    images = [{"layers": [BASE], "ref": "v1"}, {"layers": [BASE, [("file", "x", 5)]], "ref": "v2"}]
    path = oci_layout(tmp_path / "tags", images)
    assert load_image(parse_reference(f"oci:{path}:v2")).name == "v2"
    assert numbers(f"oci:{path}:v2")["size"] == 1005 and numbers(f"oci:{path}:v1")["size"] == 1000
    with pytest.raises(ImageError, match=r"several images \(v1, v2\); name one with oci:PATH:TAG"):
        load_image(parse_reference(f"oci:{path}"))
    with pytest.raises(ImageError, match=r"no image tagged 'v3' in the index \(tags: v1, v2\)"):
        load_image(parse_reference(f"oci:{path}:v3"))


def test_explicit_platform_must_match_a_single_platform_image(tmp_path):
    path = oci_layout(tmp_path / "one", [platform_image("amd64")])
    assert numbers(f"oci:{path}", platform="linux/amd64")["wasted_bytes"] == PAYLOAD["amd64"]
    with pytest.raises(ImageError, match="the image is linux/amd64, not linux/arm64 as --platform asks"):
        load_image(parse_reference(f"oci:{path}"), platform="linux/arm64")
    with pytest.raises(ImageError, match="expected os/arch"):
        load_image(parse_reference(f"oci:{path}"), platform="amd64")


def test_layout_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImageError, match="not an OCI image layout \\(no index.json\\)"):
        load_image(parse_reference(f"oci:{empty}"))
    path = oci_layout(tmp_path / "layout", [{"layers": [BASE]}])
    index = json.loads((path / "index.json").read_text())
    manifest_file = path / "blobs" / "sha256" / index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads(manifest_file.read_text())
    (path / "blobs" / "sha256" / manifest["layers"][0]["digest"].split(":")[1]).unlink()
    with pytest.raises(ImageError, match="blob sha256:[0-9a-f]{64} is missing"):
        load_image(parse_reference(f"oci:{path}"))
    manifest["layers"][0]["digest"] = "sha256:../../../../etc/passwd"  # a digest becomes a path: checked
    manifest_file.write_text(json.dumps(manifest))
    with pytest.raises(ImageError, match="invalid digest"):
        load_image(parse_reference(f"oci:{path}"))
    (tmp_path / "junk.tar").write_bytes(b"\x00" * 100 + b"junk" * 200)
    with pytest.raises(ImageError, match="truncated or corrupt OCI layout tar"):
        load_image(parse_reference(f"oci:{tmp_path / 'junk.tar'}"))
    schema1 = oci_layout(tmp_path / "schema1", [{"layers": [BASE]}])
    (schema1 / "index.json").write_text(json.dumps({"schemaVersion": 1, "name": "x", "fsLayers": []}))
    with pytest.raises(ImageError, match="schema 1 manifest"):
        load_image(parse_reference(f"oci:{schema1}"))


@pytest.mark.parametrize(
    ("machine", "platform"),
    [("x86_64", "linux/amd64"), ("aarch64", "linux/arm64"), ("armv7l", "linux/arm/v7"), ("i686", "linux/386")],
)
def test_host_platform_from_uname(on_machine, machine, platform):
    on_machine(machine)
    assert str(Platform.host()) == platform


def analyze_schema() -> dict:
    return json.loads(files("imagelint").joinpath("schemas/analyze-report.schema.json").read_text())


def test_cli_reads_layouts_and_output_validates(tmp_path):
    import jsonschema

    path = oci_layout(tmp_path / "multi", MULTI, attestation=True)
    result = run("analyze", f"oci:{path}", "--platform", "linux/arm64", "-f", "json", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(analyze_schema()).validate(document)
    assert document["image"]["architecture"] == "arm64" and document["image"]["wasted_bytes"] == PAYLOAD["arm64"]
    one_line_error(run("analyze", f"oci:{path}", "--platform", "windows/amd64", cwd=tmp_path),
                   "no image for platform windows/amd64; available: linux/amd64, linux/arm/v7, linux/arm64/v8")  # fmt: skip
    one_line_error(run("analyze", f"oci:{path}", "--platform", "bogus", cwd=tmp_path), "expected os/arch[/variant]")


def test_schema_is_strict_and_shares_the_lint_finding_shape():
    import jsonschema

    schema = analyze_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    lint = json.loads(files("imagelint").joinpath("schemas/lint-report.schema.json").read_text())
    assert schema["$defs"]["finding"] == lint["$defs"]["finding"]  # one finding shape for both reports
    validator = jsonschema.Draft202012Validator(schema)
    layer = {"index": None, "digest": None, "size": 0, "files_added": 0, "files_modified": 0, "files_removed": 0,
             "wasted_bytes": 0, "created_by": "LABEL a=b", "empty": True, "dockerfile_line": None}  # fmt: skip
    assert not list(validator.iter_errors({"version": 2, "image": _minimal_image([layer]), "findings": []}))
    for bad in ({**layer, "index": 3}, {**layer, "size": 5}, {**layer, "extra": 1}):
        assert list(validator.iter_errors({"version": 2, "image": _minimal_image([bad]), "findings": []}))


def _minimal_image(layers: list[dict]) -> dict:
    return {"name": "x", "id": "sha256:" + "0" * 64, "os": "linux", "architecture": "amd64", "created": None, "size": 0,
            "layer_count": 0, "layers": layers, "wasted_bytes": 0, "efficiency": 1.0,
            "dive": {"efficiency": 1.0, "wasted_bytes": 0, "user_wasted_percent": None},
            "inefficient_files": [], "largest_files": [], "leftovers": []}  # fmt: skip
