"""``imagelint explore`` driven by Textual's headless pilot, and its view model without a terminal,
on images built in memory (tests/support/image_archives.py)."""

from __future__ import annotations

import asyncio

import pytest

from imagelint.analyze import run_analyze
from imagelint.explore.model import ExploreModel
from imagelint.settings import Settings
from tests.support.cli import one_line_error, run
from tests.support.image_archives import docker_save, raw_layer_tar, saved_archive

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]
LAYERS = [
    BASE,
    [("dir", "data"), ("file", "data/big.bin", 300_000), ("dir", "data/many")] + [("file", f"data/many/{n:02}", 12) for n in range(30)],
    [("dir", "data"), ("whiteout", "data/big.bin"), ("file", "data/[b]odd", 5), ("file", "bin/busybox", 1000)],
]
HISTORY = [{"created_by": None}, {"created_by": "/bin/sh -c make data"}, {"created_by": "/bin/sh -c rm /data/big.bin"}]


@pytest.fixture
def report(tmp_path):
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(LAYERS, history=HISTORY))
    return run_analyze(f"docker-archive:{archive}", Settings(), max_changes=1000, keep_tree=True)


def shown(tree_widget) -> list[tuple[str, str]]:
    """(path, label) of each line the file tree shows, top to bottom (open directories' children included)."""
    found = []
    paths = tree_widget.model.index.paths

    def walk(node):
        for child in node.children:
            found.append(("/" + paths.path(child.data), child.label.plain))
            if child.is_expanded:
                walk(child)

    walk(tree_widget.root)
    return found


def shown_paths(tree_widget) -> list[str]:
    return [path for path, _ in shown(tree_widget)]


def test_model_filters_and_sorts_without_a_terminal(report):
    model = ExploreModel(report)
    assert [item.index for item in model.layers] == [0, 1, 2] and model.selected == 2
    model.select(1)
    assert [node.name for node in model.children()] == ["bin", "data"]
    data = next(node for node in model.children() if node.name == "data")
    listed = model.children(data.index)
    assert [node.name for node in listed][:2] == ["big.bin", "many"]
    big = listed[0]
    assert (big.change, big.hidden_by, big.size) == ("added", 2, 300_000)
    assert "[hidden by layer 2]" in model.label(big)
    model.set_sort("size")
    many = next(node for node in model.children(data.index) if node.name == "many")
    assert many.size == 360 and [node.name for node in model.children(data.index)] == ["big.bin", "many"]
    assert model.set_pattern("many/0[0-2]$") is None
    assert [node.name for node in model.children()] == ["data"]
    assert [node.name for node in model.children(many.index)] == ["00", "01", "02"]
    assert model.set_pattern("(") is not None and model.pattern.pattern == "many/0[0-2]$"  # a bad one changes nothing


def test_findings_of_the_selected_layer(report):
    model = ExploreModel(report)
    model.select(1)
    details = "\n".join(model.layer_details())
    assert "Layer 2 hides 300.0 kB of it" in details or "Layer 2 hides 300 kB of it" in details
    assert "Command: RUN make data" in details


def test_pilot_selects_a_layer_expands_and_filters(report):
    from imagelint.explore.app import ExploreApp
    from imagelint.explore.widgets import FileTree, LayerDetails

    async def drive():
        app = ExploreApp(ExploreModel(report))
        async with app.run_test(size=(160, 40)) as pilot:
            files = app.query_one(FileTree)
            assert shown_paths(files) == ["/bin", "/data"]  # the final image first, directories closed
            await pilot.press("up")  # the layers pane has the focus: layer 1
            await pilot.pause()
            assert app.model.selected == 1
            assert "RUN make data" in str(app.query_one(LayerDetails).render())
            await pilot.press("tab")  # to the tree
            await pilot.pause()
            assert app.focused is files
            await pilot.press("down", "space")  # open data/
            await pilot.pause()
            lines = dict(shown(files))
            assert list(lines)[:4] == ["/bin", "/data", "/data/big.bin", "/data/many"]
            assert lines["/data/big.bin"].startswith("+") and "[hidden by layer 2]" in lines["/data/big.bin"]
            await pilot.press("slash", *"big", "enter")
            await pilot.pause()
            assert shown_paths(files) == ["/data", "/data/big.bin"]  # data/ stays open
            await pilot.press("slash", "backspace", "backspace", "backspace", "enter")  # an empty regex clears
            await pilot.pause()
            assert "/data/many" in shown_paths(files)
            await pilot.press("shift+tab")  # back to the layers
            await pilot.press("down")  # layer 2
            await pilot.pause()
            assert app.model.selected == 2
            await pilot.press("tab", "ctrl+r")  # only what layer 2 removed
            await pilot.pause()
            lines = dict(shown(files))
            assert list(lines) == ["/data", "/data/big.bin"] and lines["/data/big.bin"].startswith("-"), lines
            await pilot.press("ctrl+r", "s")  # every path again, biggest first
            await pilot.pause()
            assert shown_paths(files)[:3] == ["/bin", "/data", "/data/big.bin"]
            await pilot.press("question_mark")
            await pilot.pause()
            assert "ctrl+l" in str(app.screen.query_one("#help-text").render())
            await pilot.press("escape")
            await pilot.press("q")
        return app.return_code

    assert asyncio.run(drive()) in (0, None)


def test_odd_names_are_shown_as_written(report):
    model = ExploreModel(report)
    data = next(node for node in model.children() if node.name == "data")
    odd = next(node for node in model.children(data.index) if node.name == "[b]odd")
    assert model.label(odd).endswith("[b]odd")


def test_explore_without_a_terminal_is_one_line(tmp_path):
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(LAYERS, history=HISTORY))
    one_line_error(run("explore", f"docker-archive:{archive}", cwd=tmp_path), "needs a terminal")


def owned_image(tmp_path):
    """Two layers: /app/run set-uid and owned 1234:5678, then chown'ed to 0:0 by the second layer."""
    import tarfile

    def member(name, kind, mode, uid, gid, size=0):
        info = tarfile.TarInfo(name)
        info.type, info.mode, info.uid, info.gid, info.size = kind, mode, uid, gid, size
        return info, (b"x" * size if size else None)

    first = raw_layer_tar([member("app", tarfile.DIRTYPE, 0o755, 1000, 1001), member("app/run", tarfile.REGTYPE, 0o4755, 1234, 5678, 10)])
    second = raw_layer_tar([member("app/run", tarfile.REGTYPE, 0o755, 0, 0, 10)])
    archive = tmp_path / "owned.tar"
    archive.write_bytes(saved_archive([first, second]))
    return run_analyze(f"docker-archive:{archive}", Settings(), max_changes=1000, keep_tree=True)


def test_tree_lines_show_mode_and_owner_as_of_the_selected_layer(tmp_path):
    model = ExploreModel(owned_image(tmp_path))
    model.select(0)
    app = next(node for node in model.children() if node.name == "app")
    run_node = model.children(app.index)[0]
    assert model.label(app).split()[1:3] == ["drwxr-xr-x", "1000:1001"]
    assert model.label(run_node).split()[1:3] == ["-rwsr-xr-x", "1234:5678"]
    model.select(1)  # the layer that replaced it: its own mode and owner
    run_node = model.children(app.index)[0]
    assert model.label(run_node).split()[1:3] == ["-rwxr-xr-x", "0:0"]


def test_pilot_tree_shows_owner_and_set_uid_mode(tmp_path):
    from imagelint.explore.app import ExploreApp
    from imagelint.explore.widgets import FileTree

    report = owned_image(tmp_path)

    async def drive():
        app = ExploreApp(ExploreModel(report))
        async with app.run_test(size=(160, 40)) as pilot:
            files = app.query_one(FileTree)
            await pilot.press("up")  # layer 0, where /app/run is 1234:5678 and set-uid
            await pilot.press("tab", "space")  # open app/
            await pilot.pause()
            lines = dict(shown(files))
            assert "-rwsr-xr-x   1234:5678" in lines["/app/run"], lines
            assert "drwxr-xr-x   1000:1001" in lines["/app"], lines
            await pilot.press("question_mark")
            await pilot.pause()
            assert "uid:gid" in str(app.screen.query_one("#help-text").render())
            await pilot.press("escape", "q")
        return app.return_code

    assert asyncio.run(drive()) in (0, None)
