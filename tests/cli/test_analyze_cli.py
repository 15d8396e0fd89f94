"""``imagelint analyze`` as a user and a CI see it: outputs, budgets and exit codes, one-line errors."""

from __future__ import annotations

import json
import os

import pytest

from imagelint.docker_engine import DaemonUnavailable, _connection_error
from tests.support.image_archives import docker_save
from tests.support.cli import no_traceback, one_line_error, run

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]
# A healthy non-root image whose second layer's 300-byte file is deleted by the third.
CONFIG = {"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}}
LAYERS = [BASE, [("dir", "d"), ("file", "d/a", 300)], [("whiteout", "d")]]
HISTORY = [{"created_by": None}, {"created_by": "/bin/sh -c mkdir /d && make a"}, {"created_by": "/bin/sh -c rm -rf /d"}]


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "image.tar"
    path.write_bytes(docker_save(LAYERS, config=CONFIG, history=HISTORY))
    return path


def test_json_contract(archive, tmp_path):
    result = run("analyze", f"docker-archive:{archive}", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    document = json.loads(result.stdout)
    assert list(document) == ["version", "image", "findings"]
    image = document["image"]
    assert list(image) == [
        "name", "id", "os", "architecture", "created", "size", "layer_count", "layers", "wasted_bytes", "efficiency",
        "dive", "inefficient_files", "largest_files", "leftovers", "directories", "tree",
    ]  # fmt: skip
    assert (image["size"], image["layer_count"], image["wasted_bytes"]) == (1300, 3, 300)
    assert image["efficiency"] == pytest.approx(1000 / 1300)
    assert image["dive"] == {"efficiency": 1.0, "wasted_bytes": 0, "user_wasted_percent": 0.0}
    assert list(image["layers"][1]) == [
        "index", "digest", "size", "files_added", "files_modified", "files_removed", "wasted_bytes", "created_by",
        "empty", "dockerfile_line", "changes",
    ]  # fmt: skip
    assert image["inefficient_files"] == [{"path": "/d/a", "count": 1, "wasted_bytes": 300, "layers": [1]}]
    assert image["largest_files"][0] == {"path": "/bin/busybox", "size": 1000, "layer": 0}
    assert image["directories"] == [  # /d was deleted whole: no visible byte, its 300 bytes wasted
        {"path": "/bin", "size": 1000, "wasted_bytes": 0, "files": 2},
        {"path": "/d", "size": 0, "wasted_bytes": 300, "files": 0},
    ]
    assert document["findings"] == []
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("imagelint").joinpath("schemas/analyze-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)


def test_text_report(archive, tmp_path):
    result = run("analyze", f"docker-archive:{archive}", cwd=tmp_path)
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "Size: 1.3 kB in 3 layers; wasted 300 B (23.08%); efficiency 76.92%" in text
    assert "dive's own numbers: dive's efficiency 100.0000 %, dive's wastedBytes 0 (0 B), dive's userWastedPercent 0.0000 %" in text
    assert "RUN mkdir /d && make a" in text and "RUN rm -rf /d" in text
    assert "Top wasted paths:" in text and "/d/a" in text
    assert "Size by top-level directory:" in text
    table = text.split("Size by top-level directory:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0].split() == ["directory", "size", "wasted", "files"]
    assert [line.split() for line in table[2:]] == [["/bin", "1.0", "kB", "2"], ["/d", "0", "B", "300", "B", "0"]]
    assert text.rstrip().endswith("0 findings")


def test_budget_exceeded_is_exit_1_with_how_much(archive, tmp_path):
    result = run("analyze", f"docker-archive:{archive}", "--max-wasted-bytes", "0.1kB", "--min-efficiency", "80%", cwd=tmp_path)
    assert result.returncode == 1
    text = result.stdout.decode()
    assert "IL9101 error: wasted bytes 300 (300 B) exceed --max-wasted-bytes 100 (100 B) by 200 bytes" in text
    assert "IL9103 error: efficiency 0.7692 is below --min-efficiency 0.8 by 0.0308" in text
    ok = run("analyze", f"docker-archive:{archive}", "--max-wasted-bytes", "1KiB", "--max-size", "2kB", "--max-wasted-percent", "25", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout.decode()


def test_dive_ci_file(archive, tmp_path):
    dive_ci = tmp_path / ".dive-ci"
    dive_ci.write_text("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: disabled\n")
    assert run("analyze", f"docker-archive:{archive}", "--dive-ci", str(dive_ci), cwd=tmp_path).returncode == 0
    dive_ci.write_text("rules:\n  lowestEfficiency: 1.5\n")
    one_line_error(run("analyze", f"docker-archive:{archive}", "--dive-ci", str(dive_ci), cwd=tmp_path), "outside the allowed range (0-1)")


def test_report_file_is_written_whole(archive, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("x" * 100_000)
    result = run("analyze", f"docker-archive:{archive}", "-f", "json", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == b""
    assert json.loads(out.read_text())["image"]["wasted_bytes"] == 300


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["Not:A:Reference"], ["is not an image reference", "docker-archive:PATH"]),
        (["oci:./layout"], ["oci:./layout: no such file or directory"]),
        (["registry:library/alpine"], ["registry: needs the registry host"]),
        (["docker-archive:missing.tar"], ["missing.tar: no such file"]),
        (["docker-archive:."], ["is a directory"]),
        (["docker-archive:image.tar", "--max-wasted-bytes", "lots"], ["--max-wasted-bytes", "'lots' is not a size"]),
        (["docker-archive:image.tar", "--min-efficiency", "2"], ["--min-efficiency", "outside 0-1"]),
        (["docker-archive:image.tar", "--dockerfile", "nope/Dockerfile"], ["nope/Dockerfile: no such file"]),
    ],
    ids=["syntax", "missing-oci", "registry-without-host", "missing-archive", "directory", "bad-size", "bad-efficiency", "missing-dockerfile"],
)
def test_input_errors(archive, tmp_path, args, fragments):
    one_line_error(run("analyze", *args, cwd=archive.parent), *fragments)


def test_truncated_and_corrupt_archives(archive, tmp_path):
    data = archive.read_bytes()
    (tmp_path / "half.tar").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.tar").write_bytes(os.urandom(4096))
    for name in ("half.tar", "junk.tar"):
        one_line_error(run("analyze", f"docker-archive:{name}", cwd=tmp_path), f"{name}: truncated or corrupt image archive")


def test_no_daemon_names_docker_host(tmp_path):
    socket = tmp_path / "no-such-docker.sock"
    result = run("analyze", "busybox:local", cwd=tmp_path, env={"DOCKER_HOST": f"unix://{socket}"})
    one_line_error(result, f"DOCKER_HOST=unix://{socket}", "no such socket", "is Docker running?")


def test_permission_denied_message():
    import requests

    error = requests.exceptions.ConnectionError(PermissionError(13, "Permission denied"))
    message = str(_connection_error(error, "unix:///var/run/docker.sock"))
    assert isinstance(_connection_error(error, "unix:///x"), DaemonUnavailable)
    assert message.startswith("permission denied on the Docker socket /var/run/docker.sock")


@pytest.mark.docker
def test_image_not_found_suggests_pull(docker_client, tmp_path):
    result = run("analyze", "imagelint-test/surely-absent:never", cwd=tmp_path)
    one_line_error(result, "image 'imagelint-test/surely-absent:never' not found", "--pull")


@pytest.mark.docker
def test_dockerfile_join_on_a_real_build(build_image, tmp_path):
    dockerfile = (
        "FROM busybox:local\n"
        "LABEL stage=test\n"
        "RUN mkdir -p /var/lib/apt/lists \\\n"
        "    && dd if=/dev/zero of=/var/lib/apt/lists/x_Packages bs=1000 count=30\n"
        "RUN dd if=/dev/zero of=/big bs=1000 count=1500\n"
        "ENV DB_PASSWORD=correct-horse-battery\n"
        "RUN rm /big\n"
        "USER nobody\n"
    )
    image = build_image(dockerfile, tag="join")
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    result = run("analyze", image.tags[0], "--dockerfile", str(path), "-f", "json", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert b"correct-horse-battery" not in result.stdout
    document = json.loads(result.stdout)
    lines = [(row["index"], row["empty"], row["dockerfile_line"]) for row in document["image"]["layers"]]
    assert lines == [(0, False, None), (None, True, 2), (1, False, 3), (2, False, 5), (None, True, 6), (3, False, 7), (None, True, 8)]
    found = {(f["rule"], f["line"]): f["message"] for f in document["findings"] if f["file"] == str(path)}
    assert found[("IL9001", 5)].startswith("line 5: `RUN dd if=/dev/zero of=/big bs=1000 count=1500` ships 1.5 MB")
    assert "deleted or replaced by line 7: `RUN rm /big`" in found[("IL9001", 5)]
    assert found[("IL9002", 3)].startswith(
        "line 3: `RUN mkdir -p /var/lib/apt/lists && dd if=/dev/zero of=/var/…` left 30.0 kB of apt package lists in "
        "/var/lib/apt/lists; run 'rm -rf /var/lib/apt/lists/*'"
    )
    assert "REDACTED" in found[("IL7102", 6)]
    assert document["image"]["layers"][4]["created_by"] == "/bin/sh -c #(nop)  ENV DB_PASSWORD=REDACTED"


@pytest.mark.docker
def test_pull_only_on_request_and_its_failure_is_one_line(docker_client, tmp_path):
    name = "127.0.0.1:1/imagelint-test/absent:1"  # nothing listens there: the pull fails at once
    one_line_error(run("analyze", name, cwd=tmp_path), "not found", "--pull")
    one_line_error(run("analyze", name, "--pull", cwd=tmp_path), f"cannot pull '{name}'", "connection refused")


@pytest.mark.docker
def test_directories_of_a_real_build(build_image, tmp_path):
    # busybox:local ships only /bin. Layer 1 writes /app/big (3,000,000 B) and a 20,000-byte apk index;
    # layer 2 deletes big and writes /app/keep (7,000 B); layer 3's chmod copies the index up (the
    # layer-1 copy is hidden, the copy-up is visible). So /app: 7,000 visible, 3,000,000 wasted, 1 file;
    # /var: 20,000 visible, 20,000 wasted, 1 file; /bin: the base's bytes, nothing wasted.
    dockerfile = (
        "FROM busybox:local\n"
        "RUN mkdir -p /app /var/cache/apk && dd if=/dev/zero of=/app/big bs=1000 count=3000 \\\n"
        "    && dd if=/dev/zero of=/var/cache/apk/APKINDEX.tar.gz bs=1000 count=20\n"
        "RUN rm /app/big && dd if=/dev/zero of=/app/keep bs=1000 count=7\n"
        "RUN chmod 600 /var/cache/apk/APKINDEX.tar.gz\n"
    )
    image = build_image(dockerfile, tag="directories")
    result = run("analyze", image.tags[0], "-f", "json", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    document = json.loads(result.stdout)["image"]
    rows = {d["path"]: d for d in document["directories"]}
    assert rows["/app"] == {"path": "/app", "size": 7000, "wasted_bytes": 3_000_000, "files": 1}
    assert rows["/var"] == {"path": "/var", "size": 20_000, "wasted_bytes": 20_000, "files": 1}
    assert [d["path"] for d in document["directories"]][:3] == ["/bin", "/var", "/app"]
    assert set(rows) == {"/bin", "/var", "/app"} and rows["/bin"]["wasted_bytes"] == 0
    assert document["layers"][0]["size"] == rows["/bin"]["size"]
    assert sum(d["size"] for d in document["directories"]) == document["size"] - document["wasted_bytes"]
    assert sum(d["wasted_bytes"] for d in document["directories"]) == document["wasted_bytes"] == 3_020_000
