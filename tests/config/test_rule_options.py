"""Rule options are declared once on the rule; a config that names one wrongly is an error naming the key."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import one_line_error, run

DOCKERFILE = "FROM alpine:3.22\nCOPY app /app\nRUN chmod -R 755 /app\nUSER app\n"


def lint_with(tmp_path, config: str):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".imagelint.toml").write_text(config)
    return run("lint", "Dockerfile", cwd=tmp_path)


@pytest.mark.parametrize(
    ("config", "fragments"),
    [
        ("[rules.IL2001]\nbuilder-stagez = true\n", ("rules.IL2001.builder-stagez", "unknown option", "builder-stages")),
        ('[rules.IL2001]\nbuilder-stages = "yes"\n', ("rules.IL2001.builder-stages", "true or false")),
        ('[rules.IL2002]\nmax-commands = "3"\n', ("rules.IL2002.max-commands", "whole number")),
        ("[rules.IL2002]\nmax-commands = true\n", ("rules.IL2002.max-commands", "whole number")),
        ('[rules.IL2002]\nmode = "every"\n', ("rules.IL2002.mode", "'package-steps', 'any'")),
        ("[rules.IL9001]\nmin-byte = 5\n", ("rules.IL9001.min-byte", "min-bytes")),
        ("[rules.IL5001]\nanything = 1\n", ("rules.IL5001.anything", "options of IL5001: tags")),
        ("[rules.IL0000]\nx = 1\n", ("rules.IL0000", "no such rule")),
    ],
)
def test_bad_rule_option_is_exit_2_naming_the_key(tmp_path, config, fragments):
    one_line_error(lint_with(tmp_path, config), ".imagelint.toml", *fragments)


def test_good_rule_option_is_applied(tmp_path):
    # IL2002 is silent on two RUNs by default (max-commands = 2 counts package steps only); mode = "any"
    # with max-commands = 1 makes any two consecutive RUNs a finding.
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nRUN echo a\nRUN echo b\nUSER app\n")
    quiet = run("lint", "Dockerfile", "--select", "IL2002", "--format", "json", cwd=tmp_path)
    assert quiet.returncode == 0 and json.loads(quiet.stdout)["findings"] == [], quiet.stdout.decode()
    (tmp_path / ".imagelint.toml").write_text('[rules.IL2002]\nmode = "any"\nmax-commands = 1\n')
    loud = run("lint", "Dockerfile", "--select", "IL2002", "--format", "json", cwd=tmp_path)
    assert loud.returncode == 0, loud.stderr.decode()  # IL2002 is info: below the default --fail-on
    assert [f["line"] for f in json.loads(loud.stdout)["findings"]] == [3]
