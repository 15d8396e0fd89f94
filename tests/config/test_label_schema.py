"""The label schema: [label-schema] and strict-labels in imagelint's config, label-schema and
strict-labels in .hadolint.yaml (and HADOLINT_REQUIRE_LABELS), --require-label and --strict-labels."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from imagelint.config import load_settings
from imagelint.hadolint_config import load, read, to_toml
from imagelint.rule import registered_rules
from imagelint.settings import ConfigError, settings_from_table

RULES = registered_rules()
DOCKERFILE = 'FROM alpine:3.22\nLABEL maintainer="nobody" build-host="ci-7"\nUSER 10001\n'


def run(*args: str, cwd: Path, **variables: str):
    env = {key: value for key, value in os.environ.items() if not key.startswith("HADOLINT_")}
    env.update(NO_COLOR="1", **variables)
    return subprocess.run([sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, text=True, env=env)


def reported(result) -> list[str]:
    return sorted(f["rule"] for f in json.loads(result.stdout)["findings"] if f["rule"].startswith("IL802") or f["rule"].startswith("IL803"))


def test_toml_label_schema_and_strict_labels():
    settings = settings_from_table(
        tomllib.loads('strict-labels = true\n[label-schema]\nmaintainer = "email"\n"org.opencontainers.image.source" = "url"\n'),
        "x.toml",
        RULES,
    )
    assert settings.label_schema == {"maintainer": "email", "org.opencontainers.image.source": "url"}
    assert settings.strict_labels is True


@pytest.mark.parametrize(
    "text, message",
    [
        ('[label-schema]\nmaintainer = "mail"\n', "label-schema: maintainer: 'mail' is not a label type (one of text, url"),
        ('label-schema = ["maintainer"]\n', "label-schema: must be a table of label key = type"),
        ('strict-labels = "yes"\n', "strict-labels must be true or false"),
        ('[label-schema]\nmaintainer = "email"\nstrict-labels = true\n', "belongs above the [label-schema] table"),
    ],
)
def test_bad_label_settings_are_errors_naming_the_key(tmp_path, text, message):
    path = tmp_path / ".imagelint.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, RULES)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_lint_with_the_toml_schema(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".imagelint.toml").write_text('strict-labels = true\n[label-schema]\nmaintainer = "email"\n"org.opencontainers.image.source" = "url"\n')
    result = run("lint", "Dockerfile", "-f", "json", cwd=tmp_path)
    assert reported(result) == ["IL8025", "IL8026", "IL8033"], result.stderr


def test_hadolint_yaml_label_schema_is_applied_and_converted(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text("label-schema:\n  maintainer: email\n  org.opencontainers.image.source: url\nstrict-labels: true\n")
    result = run("lint", "Dockerfile", "-f", "json", cwd=tmp_path)
    assert reported(result) == ["IL8025", "IL8026", "IL8033"], result.stderr
    assert "not applied" not in result.stderr
    converted = tomllib.loads(to_toml(load(tmp_path / ".hadolint.yaml", RULES)))
    assert converted == {"strict-labels": True, "label-schema": {"maintainer": "email", "org.opencontainers.image.source": "url"}}


def test_hadolint_yaml_bad_label_type_is_an_error(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text("label-schema:\n  maintainer: mail\n")
    result = run("lint", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert "label-schema: maintainer: 'mail' is not a label type" in result.stderr and "Traceback" not in result.stderr


def test_hadolint_environment_variables(tmp_path):
    conversion = read(None, {"HADOLINT_REQUIRE_LABELS": "maintainer:email, org.opencontainers.image.source:url", "HADOLINT_STRICT_LABELS": "1"}, RULES)
    settings = conversion.settings()
    assert settings.label_schema == {"maintainer": "email", "org.opencontainers.image.source": "url"}
    assert settings.strict_labels is True
    with pytest.raises(ConfigError, match="HADOLINT_REQUIRE_LABELS: 'maintainer:mail'"):
        read(None, {"HADOLINT_REQUIRE_LABELS": "maintainer:mail"}, RULES)


def test_the_file_types_a_label_over_the_variable(tmp_path):
    path = tmp_path / ".hadolint.yaml"
    path.write_text("label-schema:\n  maintainer: email\n")
    conversion = read(path, {"HADOLINT_REQUIRE_LABELS": "maintainer:text,vendor:text"}, RULES)
    assert conversion.label_schema == {"maintainer": "email", "vendor": "text"}


def test_command_line_adds_to_the_config_schema(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".imagelint.toml").write_text('[label-schema]\nmaintainer = "email"\n')
    result = run("lint", "Dockerfile", "-f", "json", "--require-label", "org.opencontainers.image.source=url", cwd=tmp_path)
    assert reported(result) == ["IL8025", "IL8033"]
    hadolint_spelling = run("lint", "Dockerfile", "-f", "json", "--require-label", "org.opencontainers.image.source:url", "--strict-labels", cwd=tmp_path)
    assert reported(hadolint_spelling) == ["IL8025", "IL8026", "IL8033"]


@pytest.mark.parametrize("value", ["maintainer", "maintainer=mail", "=url"])
def test_bad_require_label_is_a_usage_error(tmp_path, value):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    result = run("lint", "Dockerfile", "--require-label", value, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("imagelint: --require-label:") and repr(value) in lines[0]
