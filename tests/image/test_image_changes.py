"""Per-layer change lists and the tree as of a layer (imagelint.image.changes), on images built in memory."""

from __future__ import annotations

import json

import pytest

from imagelint.image.analysis import analyze
from imagelint.image.changes import ChangeIndex, image_changes
from imagelint.image.sources import LoadOptions, parse_reference
from tests.support.cli import run
from tests.support.image_archives import docker_save

LAYERS = [
    [("dir", "bin"), ("file", "bin/sh", 100), ("dir", "data"), ("file", "data/a", 10), ("file", "data/b", 20),
     ("dir", "o"), ("file", "o/x", 5), ("symlink", "bin/ash", "sh")],
    [("dir", "data"), ("whiteout", "data/a"), ("file", "data/c", 7), ("file", "bin/sh", 120), ("opaque", "o"), ("file", "o/y", 3)],
    [("whiteout", "data"), ("whiteout", "never-there")],
]  # fmt: skip


def load(tmp_path, layers=LAYERS):
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(layers))
    image = parse_reference(f"docker-archive:{archive}").load(LoadOptions())
    return image, analyze(image)


def index_of(tmp_path, layers=LAYERS) -> ChangeIndex:
    image, analysis = load(tmp_path, layers)
    return ChangeIndex(image, {f.path: f.wasted_bytes for f in analysis.inefficient_files})


def shown(tree, path=0, prefix=""):
    """Every node of a tree as "path change size", depth first by name."""
    lines = []
    for child in sorted(tree.children(path), key=tree.index.paths.name):
        node = tree.node(child)
        lines.append(f"{node.path} {node.change or '-'} {node.size}")
        if node.is_dir:
            lines.extend(shown(tree, child))
    return lines


def test_each_layer_lists_what_it_added_modified_and_removed(tmp_path):
    index = index_of(tmp_path)
    first, second, third = (index.layer_changes(layer).to_dict() for layer in range(3))
    assert [item["path"] for item in first["added"]] == ["/bin/sh", "/data/a", "/data/b", "/o/x", "/bin/ash"]
    assert first["modified"] == first["removed"] == []
    assert second["added"] == [{"path": "/data/c", "size": 7}, {"path": "/o/y", "size": 3}]
    assert second["modified"] == [{"path": "/bin/sh", "size": 120}]
    # A whiteout is sized by what it took away; an opaque marker names its directory.
    assert second["removed"] == [{"path": "/data/a", "size": 10}, {"path": "/o", "size": 5}]
    # The directory whiteout takes the whole subtree as it was; a whiteout of nothing is no change.
    assert third == {"added": [], "modified": [], "removed": [{"path": "/data", "size": 27}],
                     "omitted": {"added": 0, "modified": 0, "removed": 0}}  # fmt: skip


def test_lists_are_bounded_and_count_what_was_left_out(tmp_path):
    layers = [[("dir", "many")] + [("file", f"many/{n:03}", 1) for n in range(250)]]
    lists = index_of(tmp_path, layers).layer_changes(0, limit=100)
    assert len(lists.added) == 100 and lists.added[0].path == "/many/000"
    assert dict(lists.omitted) == {"added": 150, "modified": 0, "removed": 0}


def test_tree_as_of_each_layer_marks_changes_and_what_hides_them(tmp_path):
    index = index_of(tmp_path)
    assert shown(index.tree(0)) == [
        "/bin added 100", "/bin/ash added 0", "/bin/sh added 100",
        "/data added 30", "/data/a added 10", "/data/b added 20", "/o added 5", "/o/x added 5",
    ]  # fmt: skip
    assert shown(index.tree(1)) == [
        "/bin - 120", "/bin/ash - 0", "/bin/sh modified 120",
        "/data - 27", "/data/a removed 10", "/data/b - 20", "/data/c added 7",
        "/o - 3", "/o/x removed 5", "/o/y added 3",
    ]  # fmt: skip
    assert shown(index.tree(2)) == [
        "/bin - 120", "/bin/ash - 0", "/bin/sh - 120",
        "/data removed 27", "/data/b removed 20", "/data/c removed 7", "/o - 3", "/o/y - 3",
    ]  # fmt: skip
    first = index.tree(0)
    by_path = {first.node(i).path: first.node(i) for i in range(1, len(index.paths)) if first.present[i]}
    assert by_path["/bin/sh"].hidden_by == 1  # replaced by the copy in layer 1
    assert by_path["/data/b"].hidden_by == 2  # its directory is deleted by layer 2
    assert by_path["/o/x"].hidden_by == 1  # its directory made opaque
    assert by_path["/bin/ash"].link == "sh" and by_path["/bin/ash"].hidden_by is None
    assert by_path["/data"].wasted_bytes == 37 and by_path["/bin"].wasted_bytes == 100


def test_directory_without_an_entry_of_its_own_and_a_file_replacing_a_directory(tmp_path):
    layers = [[("file", "implicit/deep/f", 4), ("dir", "d"), ("file", "d/in", 9)], [("file", "d", 1)]]
    index = index_of(tmp_path, layers)
    assert shown(index.tree(0)) == ["/d added 9", "/d/in added 9", "/implicit added 4", "/implicit/deep added 4",
                                    "/implicit/deep/f added 4"]  # fmt: skip
    assert shown(index.tree(1)) == ["/d modified 1", "/implicit - 4", "/implicit/deep - 4", "/implicit/deep/f - 4"]
    assert index.tree(0).node(index.paths.find("d/in")).hidden_by == 1


def test_summary_by_directory_adds_up(tmp_path):
    image, analysis = load(tmp_path)
    changes = image_changes(image, {f.path: f.wasted_bytes for f in analysis.inefficient_files})
    rows = {row.path: (row.size, row.wasted_bytes, row.files) for row in changes.tree.directories}
    assert rows == {"/": (123, 142, 3), "/bin": (120, 100, 2), "/data": (0, 37, 0), "/o": (3, 5, 1)}
    assert rows["/"][0] == analysis.size - analysis.wasted_bytes and rows["/"][1] == analysis.wasted_bytes


@pytest.mark.parametrize("limit", ["0", "2"])
def test_json_report_carries_bounded_changes_and_validates(tmp_path, limit):
    from importlib.resources import files

    import jsonschema

    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(LAYERS))
    result = run("analyze", f"docker-archive:{archive}", "--format", "json", "--max-changes", limit, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    document = json.loads(result.stdout)
    schema = json.loads(files("imagelint").joinpath("schemas/analyze-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    first = document["image"]["layers"][0]["changes"]
    assert len(first["added"]) == int(limit)
    assert first["omitted"]["added"] == 5 - int(limit)
    assert len(document["image"]["tree"]["directories"]) == min(int(limit), 4)


def test_negative_max_changes_is_a_usage_error(tmp_path):
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(LAYERS))
    result = run("analyze", f"docker-archive:{archive}", "--max-changes", "-1", cwd=tmp_path)
    assert result.returncode == 2 and b"--max-changes" in result.stderr
