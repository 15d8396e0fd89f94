"""Migrating from hadolint: .hadolint.yaml read as settings, converted by a command; pragmas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from imagelint.config import load_settings
from imagelint.findings import Severity
from imagelint.hadolint_config import load, to_toml
from imagelint.knowledge.hadolint_rules import HADOLINT_RULES
from imagelint.rule import registered_rules

DOCKERFILE = (
    "FROM registry.example.com/python:latest\n"  # IL5002 (DL3007), IL5004 (DL3026) unless trusted
    "# hadolint ignore=DL3008\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n"
    "CMD python app.py\n"  # IL8002 (DL3025)
)
HADOLINT_YAML = """\
failure-threshold: error
ignored:
  - DL3007
  - SC2086
override:
  error:
    - DL3025
  style:
    - DL4006
trustedRegistries: registry.example.com
format: json
label-schema:
  author: text
"""


def run(*args: str, cwd: Path):
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("IMAGELINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, text=True, env=env)


def rules_reported(result) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text(HADOLINT_YAML)
    return tmp_path


def test_catalogue_is_hadolint_2_15():
    assert len(HADOLINT_RULES) == 71
    assert not {"DL1000", "DL3005", "DL3017", "DL3031", "DL3039"} & set(HADOLINT_RULES)
    declared = {code for rule in registered_rules().values() for code in rule.hadolint}
    assert declared <= set(HADOLINT_RULES), f"rules declare unknown hadolint codes: {declared - set(HADOLINT_RULES)}"


def test_hadolint_yaml_is_read_when_there_is_no_imagelint_config(project):
    result = run("lint", "Dockerfile", "-f", "json", cwd=project)
    reported = rules_reported(result)
    assert "IL5002" not in reported  # ignored: DL3007
    assert "IL5004" not in reported  # trustedRegistries
    assert reported["IL8002"] == "error"  # override error: DL3025
    assert "IL6011" not in reported  # the hadolint pragma still works
    assert result.returncode == 1  # failure-threshold error, and IL8002 is an error now
    note = [line for line in result.stderr.splitlines() if "not applied" in line]
    assert len(note) == 1
    assert "SC2086" not in note[0]  # a ShellCheck code is a selector of imagelint's own
    assert "format" in note[0] and "label-schema" not in note[0]  # applied: the label rules read it


def test_failure_threshold(project):
    (project / ".hadolint.yaml").write_text("failure-threshold: error\n")
    (project / "Dockerfile").write_text("FROM python:latest\nUSER app\n")  # warnings only
    assert run("lint", "Dockerfile", cwd=project).returncode == 0
    (project / ".hadolint.yaml").write_text("failure-threshold: none\n")
    (project / "Dockerfile").write_text("FROM python:latest\nMAINTAINER me\nEXPOSE 99999\n")
    assert run("lint", "Dockerfile", cwd=project).returncode == 0
    (project / ".hadolint.yaml").write_text("failure-threshold: style\n")
    (project / "Dockerfile").write_text("FROM alpine:3.22\nUSER app\n")  # IL5003 is info
    assert run("lint", "Dockerfile", cwd=project).returncode == 1
    (project / ".hadolint.yaml").write_text("no-fail: true\n")
    (project / "Dockerfile").write_text("FROM python:latest\n")
    assert run("lint", "Dockerfile", cwd=project).returncode == 0


def test_disable_ignore_pragma(project):
    (project / ".hadolint.yaml").write_text("disable-ignore-pragma: true\n")
    reported = rules_reported(run("lint", "Dockerfile", "-f", "json", cwd=project))
    assert "IL6011" in reported  # the pragma is no longer honoured


def test_an_imagelint_config_wins(project):
    (project / ".imagelint.toml").write_text('fail-on = "never"\n')
    result = run("lint", "Dockerfile", "-f", "json", cwd=project)
    assert result.returncode == 0
    assert "IL5002" in rules_reported(result)
    assert "not applied" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("failure-threshold: fatal\n", "failure-threshold"),
        ("ignored: DL30\n", "not a hadolint rule code"),
        ("override:\n  critical: [DL3007]\n", "override.critical"),
        ("trustedRegistries: {a: b}\n", "trustedRegistries"),
        ("ignored: [DL3007\n", "invalid YAML"),
        ("- DL3007\n", "must be a mapping"),
    ],
)
def test_wrong_values_are_errors(project, text, message):
    (project / ".hadolint.yaml").write_text(text)
    result = run("lint", "Dockerfile", cwd=project)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_one_dl_code_turns_off_every_rule_declaring_it(tmp_path):
    path = tmp_path / ".hadolint.yaml"
    path.write_text("ignored: [DL3030]\noverride:\n  info: [DL3038]\n  error: [DL3034]\n")
    conversion = load(path, registered_rules())
    assert conversion.ignore == {"IL6009": ["DL3030"]}
    assert conversion.severity["IL6009"][0] is Severity.ERROR  # the most severe override wins


def test_from_hadolint_prints_an_equivalent_config(project):
    result = run("config", "from-hadolint", cwd=project)
    assert result.returncode == 0, result.stderr
    converted = tomllib.loads(result.stdout)
    assert converted == {
        "fail-on": "error",
        "ignore": ["IL5002", "SC2086"],
        "trusted-registries": ["registry.example.com"],
        "severity": {"IL8002": "error", "IL8016": "style"},
        "label-schema": {"author": "text"},
    }
    assert "SC2086" not in "".join(line for line in result.stdout.splitlines() if line.startswith("#"))
    # Linting with the converted file gives what linting with .hadolint.yaml gave.
    (project / "converted.toml").write_text(result.stdout)
    with_hadolint = run("lint", "Dockerfile", "-f", "json", cwd=project)
    with_converted = run("lint", "Dockerfile", "-f", "json", "--config", "converted.toml", cwd=project)
    assert json.loads(with_hadolint.stdout)["findings"] == json.loads(with_converted.stdout)["findings"]
    assert with_hadolint.returncode == with_converted.returncode


def test_from_hadolint_pyproject_table(project):
    result = run("config", "from-hadolint", "--pyproject", cwd=project)
    table = tomllib.loads(result.stdout)["tool"]["imagelint"]
    assert table["ignore"] == ["IL5002", "SC2086"] and table["severity"]["IL8002"] == "error"
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n\n" + result.stdout)
    rules = registered_rules()
    settings = load_settings(project / "pyproject.toml", rules)
    assert settings.fail_on == "error"


def test_from_hadolint_writes_but_never_overwrites(project):
    first = run("config", "from-hadolint", "--output", ".imagelint.toml", cwd=project)
    assert first.returncode == 0 and first.stdout == ""
    written = (project / ".imagelint.toml").read_text()
    (project / ".imagelint.toml").write_text("# mine\n")
    again = run("config", "from-hadolint", "-o", ".imagelint.toml", cwd=project)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (project / ".imagelint.toml").read_text() == "# mine\n"
    forced = run("config", "from-hadolint", "-o", ".imagelint.toml", "--force", cwd=project)
    assert forced.returncode == 0 and (project / ".imagelint.toml").read_text() == written
    refused = run("config", "from-hadolint", "-o", "pyproject.toml", cwd=project)
    assert refused.returncode == 2 and "--pyproject" in refused.stderr


def test_from_hadolint_without_a_file(tmp_path):
    result = run("config", "from-hadolint", cwd=tmp_path)
    assert result.returncode == 2 and ".hadolint.yaml" in result.stderr
    named = run("config", "from-hadolint", "missing.yaml", cwd=tmp_path)
    assert named.returncode == 2 and "missing.yaml" in named.stderr


def test_to_toml_escapes_strings(tmp_path):
    path = tmp_path / ".hadolint.yml"
    path.write_text('trustedRegistries: ["quote\\"d", "back\\\\slash"]\n')
    assert tomllib.loads(to_toml(load(path, registered_rules())))["trusted-registries"] == ['quote"d', "back\\slash"]


def test_hadolint_stage_pragma(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "# hadolint stage ignore=DL3007\n"
        "FROM python:latest AS build\n"
        "RUN echo build\n"
        "FROM alpine:latest\n"
        "USER app\n"
    )
    result = run("lint", "Dockerfile", "-f", "json", "--select", "IL5002", cwd=tmp_path)
    assert [f["line"] for f in json.loads(result.stdout)["findings"]] == [4]


def test_migration_table_in_the_docs_is_current():
    """docs/migrating.md's DL -> IL table is generated from the registry; regenerate it with
    python scripts/gen_migration_table.py when rules change."""
    import runpy

    script = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "gen_migration_table.py"))
    doc = script["DOC"].read_text(encoding="utf-8")
    assert script["updated"](doc) == doc, "docs/migrating.md is out of date: run python scripts/gen_migration_table.py"
    for code in HADOLINT_RULES:
        assert f"| {code} |" in doc


def test_every_variable_read_is_one_that_makes_imagelint_look_for_a_hadolint_config():
    """A lint imports the hadolint reader only when a variable with the prefix is set: a variable
    without it would be read by nobody."""
    from imagelint.config import HADOLINT_VARIABLE_PREFIX
    from imagelint.hadolint_config import ENVIRONMENT_VARIABLES

    assert ENVIRONMENT_VARIABLES and all(name.startswith(HADOLINT_VARIABLE_PREFIX) for name in ENVIRONMENT_VARIABLES)
