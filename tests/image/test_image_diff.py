"""``diff_images``: the exact figures of a comparison, on images built in memory."""

from __future__ import annotations

import dataclasses
import io

import pytest

from imagelint.image.archive import read_saved_image
from imagelint.image.budgets import BudgetError
from imagelint.image.diff import GrowthBudget, diff_images
from tests.support.image_archives import docker_save

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]
STEPS = ["/bin/sh -c #(nop) ADD file:base in /", "/bin/sh -c apk add curl", "/bin/sh -c make"]


def image(layers, *, config=None, commands=None, tag="app:1"):
    commands = commands or STEPS[: len(layers)]
    saved = docker_save(layers, history=[{"created_by": c} for c in commands], config=config, tag=tag)
    return read_saved_image(io.BytesIO(saved), origin=tag)


def deps(extra: int = 0):
    return [("dir", "usr"), ("dir", "usr/lib"), ("file", "usr/lib/libcurl.so", 4000 + extra), ("file", "usr/lib/libz.so", 500)]


def app_layer(*files):
    return [("dir", "app"), *(("file", f"app/{name}", size) for name, size in files)]


@pytest.fixture
def pair():
    before = image([BASE, deps(), app_layer(("main.js", 1000), ("old.js", 300))], config={"Env": ["MODE=dev", "PATH=/bin"], "User": "app", "Cmd": ["node", "main.js"]})
    after = image(
        [BASE, deps(2000), app_layer(("main.js", 1500), ("new.js", 700))],
        config={"Env": ["MODE=prod", "PATH=/bin"], "Cmd": ["node", "main.js", "--prod"], "ExposedPorts": {"8080/tcp": {}},
                "Labels": {"org.opencontainers.image.version": "2"}},
        tag="app:2",
    )  # fmt: skip
    return before, after


def test_totals_layers_and_steps(pair):
    result = diff_images(*pair)
    assert (result.size.before, result.size.after, result.size.delta) == (6800, 9700, 2900)
    assert result.size.percent == pytest.approx(2900 / 6800 * 100)
    assert (result.before.files, result.after.files) == (6, 6)
    # the base layer is the same bytes: shared by digest; both others changed
    assert [layer.index for layer in result.shared_layers] == [0]
    assert [layer.index for layer in result.added_layers] == [1, 2]
    assert [layer.index for layer in result.removed_layers] == [1, 2]
    steps = {step.command: (step.before.size, step.after.size, step.delta) for step in result.changed_steps}
    assert steps == {"RUN apk add curl": (4500, 6500, 2000), "RUN make": (1300, 2200, 900)}


def test_files_directories_and_config(pair):
    result = diff_images(*pair)
    listed = [(c.kind, c.path, c.before, c.after, c.delta) for c in result.file_changes]
    assert listed == [  # biggest |delta| first
        ("grown", "/usr/lib/libcurl.so", 4000, 6000, 2000),
        ("added", "/app/new.js", None, 700, 700),
        ("grown", "/app/main.js", 1000, 1500, 500),
        ("removed", "/app/old.js", 300, None, -300),
    ]
    totals = {kind: (t.count, t.bytes) for kind, t in result.file_totals}
    assert totals == {"added": (1, 700), "removed": (1, -300), "grown": (2, 2500), "shrunk": (0, 0)}
    assert [(d.path, d.before, d.after, d.delta) for d in result.directories] == [
        ("/usr", 4500, 6500, 2000), ("/usr/lib", 4500, 6500, 2000), ("/app", 1300, 2200, 900),
    ]  # fmt: skip
    config = [(c.setting, c.key, c.kind, c.before, c.after) for c in result.config]
    assert config == [
        ("ENV", "MODE", "changed", "dev", "prod"),
        ("CMD", None, "changed", '["node", "main.js"]', '["node", "main.js", "--prod"]'),
        ("USER", None, "removed", "app", None),
        ("LABEL", "org.opencontainers.image.version", "added", None, "2"),
        ("EXPOSE", "8080/tcp", "added", None, "8080/tcp"),
    ]


def test_identical_images_show_nothing():
    layers = [BASE, deps()]
    result = diff_images(image(layers), image(layers, tag="app:copy"))
    assert result.identical
    assert len(result.shared_layers) == 2 and not result.added_layers and not result.removed_layers
    assert not result.changed_steps and not result.file_changes and not result.config and not result.directories


def test_whiteouts_and_hidden_bytes_count_as_the_analysis_counts_them():
    before = image([BASE, app_layer(("big.bin", 5000))], commands=STEPS[:2])
    # B deletes the file in a later layer: it is gone from the final tree, and its bytes are wasted
    after = image([BASE, app_layer(("big.bin", 5000)), [("whiteout", "app/big.bin")]], commands=STEPS)
    result = diff_images(before, after)
    assert (result.wasted_bytes.before, result.wasted_bytes.after) == (0, 5000)
    assert result.size.delta == 0  # the same bytes are shipped
    assert [(c.kind, c.path) for c in result.file_changes] == [("removed", "/app/big.bin")]
    assert [layer.index for layer in result.shared_layers] == [0, 1] and [layer.index for layer in result.added_layers] == [2]
    assert result.changed_steps == ()  # the matching steps kept their layers; the new one is an added layer


def test_steps_are_matched_by_command_not_position():
    before = image([BASE, deps(), app_layer(("main.js", 10))], commands=STEPS)
    inserted = ["/bin/sh -c echo > /etc/motd"]
    after = image([BASE, [("dir", "etc"), ("file", "etc/motd", 1)], deps(), app_layer(("main.js", 20))],
                  commands=[STEPS[0], *inserted, *STEPS[1:]])  # fmt: skip
    result = diff_images(before, after)
    assert [(s.command, s.before.index, s.after.index, s.delta) for s in result.changed_steps] == [("RUN make", 2, 3, 10)]
    assert [layer.command for layer in result.added_layers] == ["RUN echo > /etc/motd", "RUN make"]


def test_max_changes_bounds_the_list_and_counts_the_rest():
    before = image([BASE])
    after = image([BASE, app_layer(*((f"f{i:02}", 10 + i) for i in range(30)))], commands=STEPS[:2])
    result = diff_images(before, after, max_changes=5)
    assert [c.path for c in result.file_changes] == [f"/app/f{i:02}" for i in (29, 28, 27, 26, 25)]
    assert result.files_left_out == 25 and result.changed_files == 30
    assert result.totals["added"].bytes == sum(10 + i for i in range(30))
    assert diff_images(before, after, max_changes=0).file_changes == ()


def test_growth_budget_in_bytes_and_percent(pair):
    assert diff_images(*pair, budget=GrowthBudget.parse("3kB")).findings == ()
    over = diff_images(*pair, budget=GrowthBudget.parse("2kB")).findings
    assert [(f.rule, f.severity) for f in over] == [("max-growth", "error")]
    assert over[0].message == "image grew by 2.9 kB (+42.6 %: 6.8 kB -> 9.7 kB), 900 B more than --max-growth 2kB allows"
    assert diff_images(*pair, budget=GrowthBudget.parse("50%")).findings == ()
    assert "over --max-growth 40% by 2.6 percentage points" in diff_images(*pair, budget=GrowthBudget.parse("40%")).findings[0].message
    # shrinking never exceeds a budget, even a zero one
    assert diff_images(pair[1], pair[0], budget=GrowthBudget.parse("0")).findings == ()


@pytest.mark.parametrize(
    "text, expected",
    [("10MB", (10_000_000, None)), ("5MiB", (5_242_880, None)), ("1500", (1500, None)), ("5%", (None, 5.0)), (" 2.5 % ", (None, 2.5))],
)
def test_growth_budget_units_are_read_like_the_other_budgets(text, expected):
    budget = GrowthBudget.parse(text)
    assert (budget.max_bytes, budget.max_percent) == expected


@pytest.mark.parametrize("text, fragment", [("ten", "'ten' is not a size"), ("5XB", "unknown size unit"), ("-3%", "0 or more"), ("x%", "not a percentage")])
def test_bad_growth_budget_names_the_value(text, fragment):
    with pytest.raises(BudgetError, match="--max-growth") as caught:
        GrowthBudget.parse(text)
    assert fragment in str(caught.value)


def test_secret_values_are_redacted_everywhere():
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    before = image([BASE], config={"Env": ["API_TOKEN=old-value-123"]}, commands=STEPS[:1])
    after = image([BASE, app_layer(("a", 1))], config={"Env": [f"API_TOKEN={token}"]},
                  commands=[STEPS[0], f"/bin/sh -c curl -H 'Authorization: token {token}' https://example.com/x"])  # fmt: skip
    result = diff_images(before, after)
    text = repr(result.to_dict())
    assert token not in text and "old-value-123" not in text
    assert [(c.key, c.before, c.after) for c in result.config] == [("API_TOKEN", "REDACTED", "REDACTED")]
    assert "REDACTED" in result.added_layers[0].command


def test_the_result_is_frozen(pair):
    result = diff_images(*pair)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.max_changes = 3  # type: ignore[misc]
    assert isinstance(result.file_changes, tuple) and isinstance(result.config, tuple)
