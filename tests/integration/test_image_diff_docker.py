"""``imagelint diff`` on two real builds of one Dockerfile by the local engine (busybox:local, no network).

The two Dockerfiles differ only in ENV values (and B's USER, WORKDIR and EXPOSE), so every RUN is
recorded with the same command: the first is taken from the build cache (the same layer), the
second makes a different layer, which the diff names as the step that changed.
"""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run

pytestmark = pytest.mark.docker

FIRST = "RUN mkdir /app && dd if=/dev/zero of=/app/base.bin bs=1000 count=100\n"  # before the ENV: cached for B
STEPS = (
    "RUN dd if=/dev/zero of=/app/build.bin bs=1000 count=$SIZE && "
    'if [ "$MODE" = dev ]; then dd if=/dev/zero of=/app/debug.bin bs=1000 count=10; fi\n'
)


@pytest.fixture(scope="module")
def builds(build_image, busybox_base):
    before = build_image(f"FROM {busybox_base}\n{FIRST}ENV MODE=dev SIZE=50\n{STEPS}", tag="diff-a")
    after = build_image(f"FROM {busybox_base}\n{FIRST}ENV MODE=prod SIZE=250\n{STEPS}USER 1000\nWORKDIR /app\nEXPOSE 8080\n", tag="diff-b")
    return before.tags[0], after.tags[0]


def diff_json(*args, cwd):
    result = run("diff", *args, "--format", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, json.loads(result.stdout)


def test_two_builds_from_the_daemon(builds, tmp_path):
    code, document = diff_json(*builds, cwd=tmp_path)
    assert code == 0
    assert document["size"]["delta"] == 250_000 - 60_000
    layers = document["layers"]
    assert [layer["index"] for layer in layers["shared"]] == [0, 1]  # the base and the cached first RUN
    assert [layer["index"] for layer in layers["added"]] == [2] and [layer["index"] for layer in layers["removed"]] == [2]
    [step] = layers["changed_steps"]
    assert step["command"].startswith("RUN dd if=/dev/zero of=/app/build.bin bs=1000 count=$SIZE")
    assert (step["before"]["size"], step["after"]["size"], step["delta"]) == (60_000, 250_000, 190_000)
    changes = [(c["change"], c["path"], c["before"], c["after"]) for c in document["files"]["changes"]]
    assert changes == [("grown", "/app/build.bin", 50_000, 250_000), ("removed", "/app/debug.bin", 10_000, None)]
    assert document["directories"][0] == {"path": "/app", "before": 160_000, "after": 350_000, "delta": 190_000}
    config = {(c["setting"], c["key"]): (c["before"], c["after"]) for c in document["config"]}
    assert config == {
        ("ENV", "MODE"): ("dev", "prod"),
        ("ENV", "SIZE"): ("50", "250"),
        ("USER", None): (None, "1000"),
        ("WORKDIR", None): (None, "/app"),
        ("EXPOSE", "8080/tcp"): (None, "8080/tcp"),
    }


def test_growth_gate_on_real_builds(builds, tmp_path):
    code, document = diff_json(*builds, "--max-growth", "100kB", cwd=tmp_path)
    assert code == 1 and document["findings"][0]["message"].startswith("image grew by 190 kB")
    assert diff_json(*builds, "--max-growth", "200kB", cwd=tmp_path)[0] == 0
    assert diff_json(*builds, "--max-growth", "2%", cwd=tmp_path)[0] == 1


def test_same_figures_whatever_the_source(builds, docker_client, tmp_path):
    saved = tmp_path / "b.tar"
    with saved.open("wb") as out:
        for chunk in docker_client.api.get_image(builds[1]):
            out.write(chunk)
    _, from_daemon = diff_json(*builds, cwd=tmp_path)
    _, from_archive = diff_json(builds[0], f"docker-archive:{saved}", cwd=tmp_path)
    for document in (from_daemon, from_archive):
        for side in ("before", "after"):
            document.pop(side)
    assert from_archive == from_daemon


def test_an_image_against_itself(builds, tmp_path):
    result = run("diff", builds[0], builds[0], cwd=tmp_path)
    assert result.returncode == 0
    assert "The images have the same layers, files and config." in result.stdout.decode()


def test_progress_while_the_daemon_sends_the_images(builds):
    from tests.support.terminal import run_on_a_terminal

    code, stdout, stderr = run_on_a_terminal("diff", *builds, "--format", "json")
    assert code == 0 and json.loads(stdout)["size"]["delta"] == 190_000
    assert f"{builds[0][-30:]} Reading" in stderr and f"{builds[1][-30:]} Reading" in stderr  # long names keep their end
    assert run_on_a_terminal("diff", *builds, "-q")[2] == ""
