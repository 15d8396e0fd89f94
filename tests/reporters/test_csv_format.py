"""``--format csv``: per layer, per file with ``--files``, per finding for lint; columns as documented."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from imagelint.image.archive import read_saved_image
from imagelint.image.layer_files import layer_files
from imagelint.reporters.csv_format import FILE_COLUMNS, FINDING_COLUMNS, LAYER_COLUMNS
from tests.support.cli import one_line_error, run
from tests.support.image_archives import docker_save

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]
LAYERS = [
    BASE,
    [("dir", "d"), ("file", "d/a", 300), ("dir", "o"), ("file", "o/old", 40), ("file", "=cmd|calc", 5)],
    [("whiteout", "d"), ("opaque", "o"), ("file", "o/new", 7), ("file", "bin/busybox", 1200)],
    [("dir", "d"), ("file", "d/a", 9)],  # back after its directory was deleted: added, not modified
]
HISTORY = [{"created_by": None}, {"created_by": "/bin/sh -c make"}, {"created_by": "/bin/sh -c rm -rf /d"},
           {"created_by": "/bin/sh -c mkdir /d && touch /d/a"}]  # fmt: skip


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "image.tar"
    path.write_bytes(docker_save(LAYERS, history=HISTORY))
    return f"docker-archive:{path}"


def test_one_row_per_layer(archive, tmp_path):
    result = run("analyze", archive, "--format", "csv", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    table = rows(result.stdout.decode())
    assert tuple(table[0]) == LAYER_COLUMNS
    assert [row[:1] + row[2:] for row in table[1:]] == [
        ["0", "1000", "1000", "2", "0", "0", "", ""],
        ["1", "345", "340", "3", "0", "0", "RUN make", ""],
        ["2", "1207", "0", "1", "1", "2", "RUN rm -rf /d", ""],
        ["3", "9", "0", "1", "0", "0", "RUN mkdir /d && touch /d/a", ""],
    ]
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", row[1]) for row in table[1:])
    assert result.stdout.endswith(b"\r\n")


def test_dockerfile_lines_when_joined(archive, tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM busybox\nRUN make\nRUN rm -rf /d\nRUN mkdir /d && touch /d/a\n")
    table = rows(run("analyze", archive, "--dockerfile", str(dockerfile), "-f", "csv", "--fail-on", "never", cwd=tmp_path).stdout.decode())
    assert [row[-1] for row in table[1:]] == ["", "2", "3", "4"]


def test_one_row_per_file_with_change_types(archive, tmp_path):
    result = run("analyze", archive, "--format", "csv", "--files", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    table = rows(result.stdout.decode())
    assert tuple(table[0]) == FILE_COLUMNS
    assert table[1:] == [
        ["0", "/bin", "dir", "0", "0755", "added", "0", "0"],
        ["0", "/bin/busybox", "file", "1000", "0644", "added", "0", "0"],
        ["0", "/bin/sh", "symlink", "0", "0644", "added", "0", "0"],
        ["1", "/d", "dir", "0", "0755", "added", "0", "0"],
        ["1", "/d/a", "file", "300", "0644", "added", "0", "0"],
        ["1", "/o", "dir", "0", "0755", "added", "0", "0"],
        ["1", "/o/old", "file", "40", "0644", "added", "0", "0"],
        ["1", "/=cmd|calc", "file", "5", "0644", "added", "0", "0"],
        ["2", "/d", "whiteout", "0", "0644", "removed", "0", "0"],
        ["2", "/o", "opaque", "0", "0644", "removed", "0", "0"],
        ["2", "/o/new", "file", "7", "0644", "added", "0", "0"],
        ["2", "/bin/busybox", "file", "1200", "0644", "modified", "0", "0"],
        ["3", "/d", "dir", "0", "0755", "added", "0", "0"],
        ["3", "/d/a", "file", "9", "0644", "added", "0", "0"],
    ]


def test_file_rows_carry_the_owner_from_the_layer_tar(tmp_path):
    import tarfile

    from tests.support.image_archives import raw_layer_tar, saved_archive

    info = tarfile.TarInfo("app/run")
    info.mode, info.uid, info.gid, info.size = 0o4755, 1234, 5678, 3
    archive = tmp_path / "owned.tar"
    archive.write_bytes(saved_archive([raw_layer_tar([(info, b"abc")])]))
    result = run("analyze", f"docker-archive:{archive}", "--format", "csv", "--files", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert rows(result.stdout.decode())[1:] == [["0", "/app/run", "file", "3", "4755", "added", "1234", "5678"]]


def test_cells_that_a_spreadsheet_would_run_are_quoted(tmp_path):
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save([BASE], history=[{"created_by": "=HYPERLINK(\"https://example.com\")"}]))
    table = rows(run("analyze", f"docker-archive:{archive}", "-f", "csv", cwd=tmp_path).stdout.decode())
    assert table[1][7].startswith("'=")


def test_the_listing_rows_follow_the_layers():
    image = read_saved_image(io.BytesIO(docker_save(LAYERS, history=HISTORY)), origin="test")
    listed = layer_files(image)
    assert len(listed) == 14
    assert [(row.path, row.change) for row in listed if row.layer == 3] == [("/d", "added"), ("/d/a", "added")]


def test_lint_findings_as_csv(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nRUN apt-get update\n")
    result = run("lint", "Dockerfile", "-f", "csv", cwd=tmp_path)
    table = rows(result.stdout.decode())
    assert tuple(table[0]) == FINDING_COLUMNS
    assert table[1:] and all(row[0] == "Dockerfile" and row[1].isdigit() for row in table[1:])


def test_files_needs_a_csv_report(archive, tmp_path):
    one_line_error(run("analyze", archive, "--files", cwd=tmp_path), "--files", "--format csv")


def test_columns_are_documented():
    text = (Path(__file__).parents[2] / "docs" / "reports.md").read_text()
    section = text.split("## `csv`", 1)[1].split("\n## ", 1)[0]
    for columns in (LAYER_COLUMNS, FILE_COLUMNS, FINDING_COLUMNS):
        assert "`" + ",".join(columns) + "`" in section
