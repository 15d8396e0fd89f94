"""Image analysis without Docker: synthetic ``docker save`` archives with hand-computed numbers.

Every layer stack starts from BASE (one 1000-byte file and a symlink, like the busybox base); the
expected values are worked out in the comments: ``true`` is imagelint's hidden-byte accounting,
``dive`` is what dive 0.13.1's formulas give for the same layers.
"""

from __future__ import annotations

import dataclasses
import io
import math

import pytest

from imagelint.image.analysis import analyze, with_dockerfile_lines, with_redacted_commands
from imagelint.image.archive import read_saved_image
from imagelint.image.model import ImageError
from tests.support.image_archives import docker_save, write_archive

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]


def analysis_of(layers, **kwargs):
    data = docker_save([BASE, *layers], **kwargs)
    return analyze(read_saved_image(io.BytesIO(data), origin="test.tar"))


def check(result, *, shipped, hidden, dive_efficiency, dive_wasted, dive_user):
    assert result.size == shipped
    assert result.wasted_bytes == hidden
    assert result.efficiency == pytest.approx((shipped - hidden) / shipped)
    assert result.dive.efficiency == pytest.approx(dive_efficiency)
    assert result.dive.wasted_bytes == dive_wasted
    if dive_user is None:
        assert result.dive.user_wasted_percent_or_none is None
    else:
        assert result.dive.user_wasted_percent == pytest.approx(dive_user)


def test_overwrite():
    # /app/f: 200 then 500 bytes. true: the 200-byte copy is hidden.
    # dive: /app/f visited twice, [200, 500]: min 200, sum 700 -> wasted 700 (both copies);
    # efficiency (1000 + 200) / (1000 + 700); user 700 / 700.
    result = analysis_of([[("dir", "app"), ("file", "app/f", 200)], [("dir", "app"), ("file", "app/f", 500)]])
    check(result, shipped=1700, hidden=200, dive_efficiency=1200 / 1700, dive_wasted=700, dive_user=1.0)
    layers = [row for row in result.layers if not row.empty]
    assert [(r.files_added, r.files_modified, r.files_removed, r.wasted_bytes) for r in layers[1:]] == [
        (1, 0, 0, 200),
        (0, 1, 0, 0),
    ]
    assert [f.to_dict() for f in result.inefficient_files] == [
        {"path": "/app/f", "count": 2, "wasted_bytes": 200, "layers": [1, 2]}
    ]


def test_file_delete():
    # true: 1000 hidden. dive: whiteout counts 0 -> [1000, 0]: min 0, sum 1000; efficiency 1000/2000.
    result = analysis_of([[("dir", "data"), ("file", "data/big", 1000)], [("dir", "data"), ("whiteout", "data/big")]])
    check(result, shipped=2000, hidden=1000, dive_efficiency=0.5, dive_wasted=1000, dive_user=1.0)
    assert result.layers[2].files_removed == 1
    assert result.layers[1].hidden_by == {2: 1000}


def test_directory_delete_is_waste_dive_misses():
    # true: a/100 + b/200 hidden by the whiteout of their parent. dive: the whiteout's path /d was never
    # a leaf, so its record is [300] alone: no waste, efficiency 1.
    layers = [[("dir", "d"), ("file", "d/a", 100), ("file", "d/b", 200)], [("whiteout", "d")]]
    result = analysis_of(layers)
    check(result, shipped=1300, hidden=300, dive_efficiency=1.0, dive_wasted=0, dive_user=0.0)
    assert result.layers[2].files_removed == 2
    assert {f.path: f.wasted_bytes for f in result.inefficient_files} == {"/d/a": 100, "/d/b": 200}


def test_opaque_directory_hides_lower_contents():
    # true: old (400) hidden by the opaque marker; new (50) visible. dive ignores opaque markers.
    layers = [[("dir", "o"), ("file", "o/old", 400)], [("dir", "o"), ("opaque", "o"), ("file", "o/new", 50)]]
    result = analysis_of(layers)
    check(result, shipped=1450, hidden=400, dive_efficiency=1.0, dive_wasted=0, dive_user=0.0)
    assert (result.layers[2].files_added, result.layers[2].files_removed) == (1, 1)


def test_opaque_marker_after_the_new_files_in_tar_order():
    # Deletions apply to lower layers only, whatever their place in the layer tar.
    layers = [[("dir", "o"), ("file", "o/A", 400)], [("dir", "o"), ("file", "o/A", 10), ("opaque", "o")]]
    result = analysis_of(layers)
    assert result.wasted_bytes == 400
    assert [f.path for f in result.largest_files] == ["/bin/busybox", "/o/A"]


def test_hard_link_keeps_bytes_visible():
    # a/f and b/g are one file (the link's header has size 0). Deleting a/f leaves the bytes visible
    # through b/g: true waste 0. dive sees /a/f as [100, 0]: wasted 100, efficiency 1000/1100.
    base_links = [("dir", "a"), ("file", "a/f", 100), ("dir", "b"), ("hardlink", "b/g", "a/f")]
    result = analysis_of([base_links, [("dir", "a"), ("whiteout", "a/f")]])
    check(result, shipped=1100, hidden=0, dive_efficiency=1000 / 1100, dive_wasted=100, dive_user=1.0)
    # Deleting both names hides the bytes, counted once.
    result = analysis_of([base_links, [("dir", "a"), ("whiteout", "a/f"), ("dir", "b"), ("whiteout", "b/g")]])
    assert (result.size, result.wasted_bytes) == (1100, 100)


def test_symlinks_count_nothing_and_replace_like_files():
    # true: a symlink has no bytes, so replacing it hides nothing. dive: /bin/ls is [0, 30]: min 0,
    # sum 30, and both copies count as wasted.
    result = analysis_of([[("symlink", "bin/ls", "busybox")], [("file", "bin/ls", 30)]])
    check(result, shipped=1030, hidden=0, dive_efficiency=1000 / 1030, dive_wasted=30, dive_user=1.0)
    assert result.layers[2].files_modified == 1
    assert [f.count for f in result.inefficient_files] == [2]  # two entries at /bin/ls, no bytes hidden


def test_file_replaced_by_directory_and_back():
    result = analysis_of([[("file", "x", 70)], [("dir", "x"), ("file", "x/y", 5)], [("file", "x", 1)]])
    assert (result.size, result.wasted_bytes) == (1076, 75)


def test_duplicate_identical_layer_legacy_symlink_and_oci():
    # The same COPY twice: Docker's legacy save writes the second layer.tar as a symlink to the first.
    # true: the first copy (200) is hidden, whichever layout. dive reads the symlinked layer as empty
    # (no waste, user 0/200); from the OCI layout it reads the blob twice ([200, 200]: wasted 400).
    copy = [("file", "payload", 200)]
    legacy = analysis_of([copy, copy])
    check(legacy, shipped=1400, hidden=200, dive_efficiency=1.0, dive_wasted=0, dive_user=0.0)
    oci = analysis_of([copy, copy], layout="oci")
    check(oci, shipped=1400, hidden=200, dive_efficiency=1200 / 1400, dive_wasted=400, dive_user=1.0)


def test_dive_empty_directory_leaf_then_removed():
    # Like reference case c7: dive counts the removed dir's subtree at the dir's path, which was an
    # empty leaf before: /cache [0, 100] is waste for dive; /marker [0, 0] is listed with 0 bytes.
    layers = [
        [("dir", "cache"), ("file", "marker", 0)],
        [("dir", "cache"), ("file", "cache/x", 100), ("file", "marker", 0)],
        [("whiteout", "cache")],
    ]
    result = analysis_of(layers)
    check(result, shipped=1100, hidden=100, dive_efficiency=1100 / 1200, dive_wasted=100, dive_user=1.0)
    assert [(f.path, f.count, f.cumulative_size) for f in result.dive.inefficient_files] == [
        ("/cache", 2, 100),
        ("/marker", 2, 0),
    ]


def test_one_layer_image_has_no_user_wasted_percent():
    result = analysis_of([])
    check(result, shipped=1000, hidden=0, dive_efficiency=1.0, dive_wasted=0, dive_user=None)
    assert math.isnan(result.dive.user_wasted_percent)
    assert result.to_dict()["dive"]["user_wasted_percent"] is None


def test_dive_infinite_user_wasted_percent_when_later_layers_are_empty():
    result = analysis_of([[("dir", "bin"), ("whiteout", "bin/busybox")]])
    assert result.dive.wasted_bytes == 1000 and math.isinf(result.dive.user_wasted_percent)
    assert result.to_dict()["dive"]["user_wasted_percent"] is None
    assert result.wasted_bytes == 1000


def test_empty_history_entries_become_rows_without_index():
    history = [
        {"created_by": "base"},
        {"created_by": "/bin/sh -c #(nop)  LABEL a=b", "empty_layer": True},
        {"created_by": "/bin/sh -c echo hi > /f"},
        {"created_by": '/bin/sh -c #(nop)  CMD ["sh"]', "empty_layer": True},
    ]
    result = analysis_of([[("file", "f", 3)]], history=history)
    assert [(r.index, r.empty, r.size) for r in result.layers] == [(0, False, 1000), (None, True, 0), (1, False, 3), (None, True, 0)]
    assert result.layer_count == 2


def test_missing_history_still_lists_every_layer():
    result = analysis_of([[("file", "f", 3)]], history=[])
    assert [(r.index, r.created_by) for r in result.layers] == [(0, None), (1, None)]


def test_an_analysis_cannot_be_changed_once_made():
    result = analysis_of([[("dir", "data"), ("file", "data/big", 1000)], [("dir", "data"), ("whiteout", "data/big")]])
    row = result.layers[1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.dockerfile_line = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.created_by = "RUN other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        row.hidden_by[2] = 0  # type: ignore[index]
    for part in ("layers", "inefficient_files", "largest_files", "leftovers", "compilers", "directories"):
        assert isinstance(getattr(result, part), tuple), part
    assert isinstance(result.dive.inefficient_files, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.directories[0].size = 0  # type: ignore[misc]


def test_dockerfile_lines_and_redaction_make_new_analyses():
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:ab in / "}, {"created_by": "/bin/sh -c curl -H 'token: abcd1234' x"}]
    result = analysis_of([[("file", "f", 3)]], history=history)
    assert [row.command for row in result.layers] == ["ADD file:ab in /", "RUN curl -H 'token: abcd1234' x"]
    joined = with_dockerfile_lines(result, {1: 7})
    assert [row.dockerfile_line for row in joined.layers] == [None, 7]
    assert [row.dockerfile_line for row in result.layers] == [None, None]
    redacted = with_redacted_commands(joined, lambda text: text.replace("abcd1234", "REDACTED"))
    assert redacted.layers[1].created_by == "/bin/sh -c curl -H 'token: REDACTED' x"
    assert redacted.layers[1].command == "RUN curl -H 'token: REDACTED' x"  # follows created_by
    assert redacted.layers[1].dockerfile_line == 7
    assert "abcd1234" in joined.layers[1].created_by and redacted.to_dict()["size"] == result.to_dict()["size"]


def test_leftovers_by_folder_and_layer():
    layers = [
        [("dir", "var/lib/apt/lists"), ("file", "var/lib/apt/lists/lock", 0), ("file", "var/lib/apt/lists/a_Packages", 5000),
         ("file", "var/lib/apt/lists/b_Packages", 3000), ("dir", "tmp"), ("file", "tmp/build.log", 40)],
        [("dir", "var/lib/apt/lists"), ("whiteout", "var/lib/apt/lists/b_Packages"),
         ("file", "app/__pycache__/m.cpython-311.pyc", 9), ("file", "src/.git/HEAD", 21)],
    ]  # fmt: skip
    result = analysis_of(layers)
    assert [item.to_dict() for item in result.leftovers] == [
        {"path": "/var/lib/apt/lists", "category": "apt-lists", "layer": 1, "bytes": 8000, "files": 2, "hidden_bytes": 3000},
        {"path": "/tmp", "category": "temp", "layer": 1, "bytes": 40, "files": 1, "hidden_bytes": 0},
        {"path": "/src/.git", "category": "git", "layer": 2, "bytes": 21, "files": 1, "hidden_bytes": 0},
        {"path": "/app/__pycache__", "category": "pycache", "layer": 2, "bytes": 9, "files": 1, "hidden_bytes": 0},
    ]


def test_compilers_in_final_image():
    layers = [[("file", "usr/bin/gcc-12", 10), ("symlink", "usr/bin/cc", "gcc-12"), ("file", "usr/bin/gccgo-wrapper", 1)]]
    assert [c.path for c in analysis_of(layers).compilers] == ["/usr/bin/cc", "/usr/bin/gcc-12"]


def test_size_by_top_level_directory():
    # Shipped: bin/busybox 1000 (BASE); layer 1: app/f 200, var/cache/apk/{a 50, b 70}, root.txt 5, tmp/build/o 300;
    # layer 2: app/f 500 (hides the 200), app/g a hard link to it (0 bytes, shares the 500), whiteouts of
    # var/cache/apk/a (hides 50) and of tmp (hides 300), root.txt 7 (hides 5).
    # Visible: /bin 1000 (busybox + sh: 2 files), /app 500 (f, g: 2 files, the link's bytes once), /var 70
    # (1 file), / 7 (root.txt), /tmp gone: 0 visible, 300 hidden.
    # Sums: 1000 + 500 + 70 + 7 = 1577 = 2132 shipped - 555 hidden; 200 + 50 + 5 + 300 = 555.
    layers = [
        [("dir", "app"), ("file", "app/f", 200), ("dir", "var/cache/apk"), ("file", "var/cache/apk/a", 50),
         ("file", "var/cache/apk/b", 70), ("file", "root.txt", 5), ("dir", "tmp/build"), ("file", "tmp/build/o", 300)],
        [("dir", "app"), ("file", "app/f", 500), ("hardlink", "app/g", "app/f"), ("whiteout", "var/cache/apk/a"),
         ("whiteout", "tmp"), ("file", "root.txt", 7)],
    ]  # fmt: skip
    result = analysis_of(layers)
    assert (result.size, result.wasted_bytes) == (2132, 555)
    assert [d.to_dict() for d in result.directories] == [
        {"path": "/bin", "size": 1000, "wasted_bytes": 0, "files": 2},
        {"path": "/app", "size": 500, "wasted_bytes": 200, "files": 2},
        {"path": "/var", "size": 70, "wasted_bytes": 50, "files": 1},
        {"path": "/", "size": 7, "wasted_bytes": 5, "files": 1},
        {"path": "/tmp", "size": 0, "wasted_bytes": 300, "files": 0},
    ]
    assert result.to_dict()["directories"][0] == {"path": "/bin", "size": 1000, "wasted_bytes": 0, "files": 2}


def test_directories_of_an_opaque_directory_and_a_file_replaced_by_a_directory():
    # layer 1: opt/x 40, file "srv" 9; layer 2: opt made opaque with opt/y 4 (hides 40), "srv" becomes a
    # directory holding srv/z 1 (the 9-byte file "srv" was directly in the root: hidden there).
    layers = [
        [("dir", "opt"), ("file", "opt/x", 40), ("file", "srv", 9)],
        [("dir", "opt"), ("opaque", "opt"), ("file", "opt/y", 4), ("dir", "srv"), ("file", "srv/z", 1)],
    ]  # fmt: skip
    rows = {d.path: (d.size, d.wasted_bytes, d.files) for d in analysis_of(layers).directories}
    assert rows == {"/bin": (1000, 0, 2), "/opt": (4, 40, 1), "/srv": (1, 0, 1), "/": (0, 9, 0)}


# --- archive formats ------------------------------------------------------------------------------------

CASE = [[("dir", "d"), ("file", "d/a", 100)], [("whiteout", "d")], [("file", "p", 7)], [("file", "p", 7)]]


@pytest.mark.parametrize(
    "variant",
    ["legacy", "legacy-gzip", "oci", "oci-gzip-layers", "oci-index-only", "oci-gzip-everything"],
)
def test_every_archive_layout_gives_the_same_true_numbers(tmp_path, variant):
    layout = "legacy" if variant.startswith("legacy") else ("oci-index-only" if variant == "oci-index-only" else "oci")
    data = docker_save([BASE, *CASE], layout=layout, compress_layers="gzip" if "gzip" in variant and layout != "legacy" else None)
    path = write_archive(tmp_path / "image.tar", data, gzip_outer=variant.endswith(("legacy-gzip", "everything")))
    with path.open("rb") as handle:
        result = analyze(read_saved_image(handle, origin=str(path)))
    assert (result.size, result.wasted_bytes, result.layer_count) == (1114, 107, 5)
    assert [row.wasted_bytes for row in result.layers] == [0, 100, 0, 7, 0]


def test_zstd_layers():
    # zstandard is a dependency: a zstd layer reads on a plain install.
    data = docker_save([BASE, [("file", "z", 9)]], layout="oci-index-only", compress_layers="zstd")
    result = analyze(read_saved_image(io.BytesIO(data), origin="z.tar"))
    assert result.size == 1009


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda data: data[: len(data) // 2], "truncated or corrupt"),
        (lambda data: data[:700], "truncated or corrupt"),
        (lambda data: b"\x1f\x8b" + b"not gzip at all" * 50, "truncated or corrupt"),
        (lambda data: b"plain text, not a tar archive\n" * 40, "truncated or corrupt"),
    ],
    ids=["half", "header-only", "bad-gzip", "not-a-tar"],
)
def test_broken_archives_are_one_line_errors(mangle, message):
    data = mangle(docker_save([BASE, [("file", "f", 30000)]]))
    with pytest.raises(ImageError, match=message) as caught:
        read_saved_image(io.BytesIO(data), origin="broken.tar")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("broken.tar: ")


def test_tar_that_is_not_an_image():
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(ImageError, match="not a docker save archive"):
        read_saved_image(io.BytesIO(buffer.getvalue()), origin="x.tar")
