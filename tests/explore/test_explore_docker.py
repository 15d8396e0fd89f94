"""``imagelint explore`` on a real image built by the test engine, read from the daemon as analyze reads it,
with the Dockerfile joined: the layers pane shows the lines and findings, the tree what each layer did."""

from __future__ import annotations

import asyncio

import pytest

from imagelint.analyze import run_analyze
from imagelint.explore.model import ExploreModel
from imagelint.settings import Settings

pytestmark = pytest.mark.docker

DOCKERFILE = (
    "FROM busybox:local\n"
    "RUN mkdir -p /data/many && dd if=/dev/zero of=/data/big.bin bs=1000 count=1200 \\\n"
    "    && for n in 1 2 3 4 5; do echo $n > /data/many/f$n; done\n"
    "RUN rm /data/big.bin && chmod 600 /data/many/f1\n"
)


def test_explore_a_daemon_image(build_image, tmp_path):
    from imagelint.explore.app import ExploreApp
    from imagelint.explore.widgets import FileTree, LayerDetails

    image = build_image(DOCKERFILE, tag="explore")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    report = run_analyze(image.tags[0], Settings(), dockerfile=dockerfile, max_changes=1000, keep_tree=True)
    model = ExploreModel(report)
    assert [item.row.dockerfile_line for item in model.layers] == [None, 2, 4]
    assert any(f.rule == "IL9001" for f in model.layers[1].findings)  # the 1.2 MB the next RUN deletes

    async def drive():
        app = ExploreApp(model)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.press("up")  # layer 1, the RUN at line 2
            await pilot.pause()
            details = str(app.query_one(LayerDetails).render())
            assert "line 2" in details and "IL9001" in details
            files = app.query_one(FileTree)
            await pilot.press("tab", "ctrl+a")  # only what layer 1 added
            await pilot.pause()
            top = [node.data for node in files.root.children]
            assert [model.index.paths.path(index) for index in top] == ["data"]
            data = files.root.children[0]
            data.expand()
            await pilot.pause()
            names = {model.index.paths.name(node.data): node.label.plain for node in data.children}
            assert names["big.bin"].startswith("+") and "[hidden by layer 2]" in names["big.bin"]
            await pilot.press("shift+tab", "down", "tab", "ctrl+a", "ctrl+l")  # layer 2: everything it changed
            await pilot.pause()
            assert model.selected == 2
            data = files.root.children[0]
            data.expand()
            await pilot.pause()
            names = {model.index.paths.name(node.data): node.label.plain for node in data.children}
            assert names["big.bin"].startswith("-")  # removed by this layer
            assert "many" in names
            many = next(node for node in data.children if model.index.paths.name(node.data) == "many")
            many.expand()
            await pilot.pause()
            changed = {model.index.paths.name(node.data): node.label.plain for node in many.children}
            assert list(changed) == ["f1"] and changed["f1"].startswith("~ -rw-------")  # the chmod's copy-up
            await pilot.press("q")

    asyncio.run(drive())
