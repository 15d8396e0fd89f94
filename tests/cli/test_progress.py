"""Progress while an image is read: on a terminal only, never in CI, never with ``--quiet``."""

from __future__ import annotations

import io

import pytest

from imagelint.cli.progress import progress_wanted, read_progress
from imagelint.image.sources import LoadOptions, parse_reference
from tests.support.image_archives import docker_save, oci_layout
from tests.support.terminal import run_on_a_terminal

LAYERS = [[("dir", "bin"), ("file", "bin/busybox", 3_000_000)], [("file", "big.bin", 2_500_000)]]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "image.tar"
    path.write_bytes(docker_save(LAYERS))
    return path


@pytest.fixture
def outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


def test_reading_an_archive_reports_bytes_of_its_size(archive, outside_ci):
    events: list[dict] = []
    parse_reference(f"docker-archive:{archive}").load(LoadOptions(on_progress=events.append))
    total = archive.stat().st_size
    assert {event["id"] for event in events} == {str(archive)}
    currents = [event["progressDetail"]["current"] for event in events]
    assert all(event["progressDetail"]["total"] == total for event in events)
    assert currents == sorted(currents) and currents[-1] == total and len(events) >= 2  # data seeked over still counts


@pytest.mark.parametrize("form", ["dir", "tar"])
def test_reading_an_oci_layout_reports_each_layer_of_its_announced_size(tmp_path, outside_ci, form):
    layout = oci_layout(tmp_path / ("layout" if form == "dir" else "layout.tar"), [{"layers": LAYERS}], form=form)
    events: list[dict] = []
    image = parse_reference(f"oci:{layout}").load(LoadOptions(on_progress=events.append))
    by_layer: dict[str, list[dict]] = {}
    for event in events:
        by_layer.setdefault(event["id"], []).append(event)
    assert len(by_layer) == len(image.layers) == 2
    for layer_events in by_layer.values():
        total = layer_events[-1]["progressDetail"]["total"]
        currents = [event["progressDetail"]["current"] for event in layer_events]
        assert total > 2_500_000 and currents == sorted(currents) and currents[-1] == total


def test_reading_a_compressed_oci_layout_reports_bytes_of_the_file(tmp_path, outside_ci):
    """A compressed layout tar is read in one pass: its bar is the file's, as for a docker save file."""
    layout = oci_layout(tmp_path / "layout.tar.gz", [{"layers": LAYERS}], form="tar.gz")
    events: list[dict] = []
    image = parse_reference(f"oci:{layout}").load(LoadOptions(on_progress=events.append))
    assert len(image.layers) == 2
    assert {event["id"] for event in events} == {str(layout)}
    total = layout.stat().st_size
    currents = [event["progressDetail"]["current"] for event in events]
    assert all(event["progressDetail"]["total"] == total for event in events)
    assert currents == sorted(currents) and currents[-1] == total and len(events) >= 2


def test_bars_are_drawn_on_a_terminal(archive, outside_ci):
    terminal = FakeTerminal()
    with read_progress(stream=terminal) as on_progress:
        assert on_progress is not None
        parse_reference(f"docker-archive:{archive}").load(LoadOptions(on_progress=on_progress))
    drawn = terminal.getvalue()
    assert "image.tar Reading" in drawn and "5.5" in drawn and "MB" in drawn


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_never_in_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    assert not progress_wanted(FakeTerminal())
    with read_progress(stream=FakeTerminal()) as on_progress:
        assert on_progress is None


def test_never_when_quiet_or_not_a_terminal(outside_ci):
    assert not progress_wanted(FakeTerminal(), quiet=True)
    assert not progress_wanted(io.StringIO())
    assert progress_wanted(FakeTerminal())
    terminal = FakeTerminal()
    with read_progress(quiet=True, stream=terminal) as on_progress:
        assert on_progress is None
    assert terminal.getvalue() == ""


@pytest.mark.parametrize("command", ["analyze", "diff"])
def test_progress_on_a_real_terminal_and_only_there(archive, command):
    args = [command, f"docker-archive:{archive}"] + ([f"docker-archive:{archive}"] if command == "diff" else [])
    args += ["--format", "json"]
    code, stdout, stderr = run_on_a_terminal(*args)
    assert code in (0, 1) and stdout.startswith(b"{")  # the report is untouched
    assert "image.tar Reading" in stderr
    assert "Reading" not in run_on_a_terminal(*args, ci=True)[2]
    assert run_on_a_terminal(*args, "--quiet")[2] == ""
