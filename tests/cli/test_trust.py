"""Nothing silently skipped or accepted (issue 12): Dockerfile names a walk takes and what --verbose
says it passed over, unknown selectors, --severity and --trusted-registry on the command line,
--shellcheck end to end, explain for hadolint and ShellCheck codes."""

from __future__ import annotations

import json
import os
import sys

import pytest

from imagelint import shellcheck
from tests.support.cli import no_traceback, one_line_error, run
from tests.support.helpers import unmapped_hadolint_code

CLEAN = 'FROM alpine:3.22\nUSER app\nCMD ["sh"]\n'


def write(path, text: str = CLEAN) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def linted_files(result) -> set[str]:
    return {item["file"] for item in json.loads(result.stdout)["findings"]}


def test_a_walk_takes_every_name_dockerfiles_go_by(tmp_path):
    taken = ["Dockerfile-ubi9", "app/Dockerfile-app", "Dockerfile_alpine", "lower/dockerfile", "svc/api.containerfile",
             "svc/Containerfile-dev", "base.Dockerfile"]  # fmt: skip
    passed_over = ["Dockerfile-foo.md", "Dockerfile~", "Dockerfile.orig", "Dockerfile.bak", "Dockerfile-build.sh", "notes/Dockerfile.txt"]
    for name in taken + passed_over:
        write(tmp_path / name, "FROM alpine:latest\n")  # IL5002 in every file that is linted
    result = run("lint", ".", "--format", "json", "--select", "IL5002", cwd=tmp_path)
    no_traceback(result)
    assert linted_files(result) == set(taken)


def test_verbose_lists_what_a_walk_skipped_and_why(tmp_path):
    write(tmp_path / "Dockerfile")
    write(tmp_path / "node_modules" / "pkg" / "Dockerfile")
    write(tmp_path / "docs" / "Dockerfile.md")
    write(tmp_path / "Dockerfile.j2")
    write(tmp_path / "app-Dockerfile")
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "elsewhere" / "Dockerfile")
    os.symlink(tmp_path / "elsewhere", tmp_path / "linked")
    os.mkfifo(tmp_path / "Dockerfile.fifo")
    result = run("lint", ".", "--verbose", "--fail-on", "never", cwd=tmp_path)
    no_traceback(result)
    skipped = [line for line in result.stderr.decode().splitlines() if line.startswith("imagelint: skipped ")]
    assert skipped == [
        "imagelint: skipped Dockerfile.fifo: not a regular file (a FIFO)",
        "imagelint: skipped Dockerfile.j2: a template, not a Dockerfile; name it on the command line to lint it",
        "imagelint: skipped app-Dockerfile: not a Dockerfile name (Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile, ...);"
        " name it on the command line to lint it",
        "imagelint: skipped docs/Dockerfile.md: documentation, not a Dockerfile; name it on the command line to lint it",
        "imagelint: skipped linked/: a symbolic link to a folder, not followed",
        "imagelint: skipped node_modules/: a tool's or dependencies' folder, not searched",
    ]
    quiet = run("lint", ".", "--fail-on", "never", cwd=tmp_path)
    assert b"skipped" not in quiet.stderr.replace(b"; skipped", b"")  # the FIFO's note stays; the list is --verbose's


def test_an_unknown_selector_is_one_line_that_suggests_the_closest_name(tmp_path):
    write(tmp_path / "Dockerfile")
    line = one_line_error(run("lint", "--select", "cache-ordr", cwd=tmp_path), "--select: 'cache-ordr'")
    assert "did you mean 'cache-order'?" in line
    line = one_line_error(run("lint", "--ignore", "IL5002,latest-base-image-tg", cwd=tmp_path), "'latest-base-image-tg'")
    assert "did you mean 'latest-base-image-tag'?" in line
    (tmp_path / ".imagelint.toml").write_text('ignore = ["shell-form-entrypont"]\n')
    line = one_line_error(run("lint", cwd=tmp_path), ".imagelint.toml: ignore: 'shell-form-entrypont'")
    assert "did you mean 'shell-form-entrypoint'?" in line


def test_shellcheck_codes_are_valid_selectors(tmp_path):
    write(tmp_path / "Dockerfile")
    result = run("lint", "--ignore", "SC2086,shellcheck", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def severities(result, *rules: str) -> dict[str, str]:
    """Rule -> severity of the findings (only those ``rules``, when named)."""
    found = {item["rule"]: item["severity"] for item in json.loads(result.stdout)["findings"]}
    return {rule: level for rule, level in found.items() if not rules or rule in rules}


def test_severity_overrides_on_the_command_line_merge_over_the_config(tmp_path):
    write(tmp_path / "Dockerfile", 'FROM alpine:3.22\nUSER app\nCMD ["sh"]\nMAINTAINER me\n')
    (tmp_path / ".imagelint.toml").write_text('[severity]\nIL5003 = "error"\nIL8004 = "error"\n')
    given = run("lint", "--format", "json", "--fail-on", "never", "--severity", "base-image-without-digest=warning", cwd=tmp_path)
    assert severities(given, "IL5003", "IL8004") == {"IL5003": "warning", "IL8004": "error"}  # the command line wins, per rule
    repeated = run(
        "lint", "-f", "json", "--fail-on", "never", "--severity", "IL5003=info", "--severity", "DL4000=style", cwd=tmp_path
    )
    assert severities(repeated, "IL5003", "IL8004") == {"IL5003": "info", "IL8004": "style"}


def test_a_bad_severity_override_is_one_line(tmp_path):
    write(tmp_path / "Dockerfile")
    one_line_error(run("lint", "--severity", "IL5003", cwd=tmp_path), "--severity: 'IL5003' is not CODE=LEVEL")
    one_line_error(run("lint", "--severity", "IL5003=loud", cwd=tmp_path), "--severity.IL5003", "unknown severity 'loud'")
    line = one_line_error(run("lint", "--severity", "IL50003=info", cwd=tmp_path), "--severity: 'IL50003'")
    assert "did you mean 'IL5003'?" in line


def test_trusted_registries_on_the_command_line_replace_the_configs(tmp_path):
    write(tmp_path / "Dockerfile", 'FROM registry.example.com/team/app:1.2\nUSER app\nCMD ["sh"]\n')
    (tmp_path / ".imagelint.toml").write_text('trusted-registries = ["registry.example.com"]\n')
    assert "IL5004" not in severities(run("lint", "-f", "json", "--fail-on", "never", cwd=tmp_path))
    other = run("lint", "-f", "json", "--fail-on", "never", "--trusted-registry", "mirror.example.com", cwd=tmp_path)
    assert "IL5004" in severities(other)
    both = run("lint", "-f", "json", "--fail-on", "never", "--trusted-registry", "mirror.example.com",
               "--trusted-registry", "registry.example.com", cwd=tmp_path)  # fmt: skip
    assert "IL5004" not in severities(both)


@pytest.mark.skipif(shellcheck.find_program() is None and not os.environ.get("CI"), reason="no shellcheck binary")
def test_shellcheck_end_to_end_from_the_flag_and_from_the_config(tmp_path):
    write(tmp_path / "Dockerfile", 'FROM alpine:3.22\nRUN apk add --no-cache curl && \\\n    cd /srv; echo $HOME\nUSER app\nCMD ["sh"]\n')
    off = run("lint", "--fail-on", "never", cwd=tmp_path)
    assert b"SC2164" not in off.stdout
    on = run("lint", "--shellcheck", "--fail-on", "never", cwd=tmp_path)
    assert "Dockerfile:3:5: SC2164 warning: Use 'cd ... || exit'" in on.stdout.decode()
    assert "Dockerfile:3:19: SC2086 info: Double quote" in on.stdout.decode()
    (tmp_path / ".imagelint.toml").write_text('shellcheck = true\nignore = ["SC2086"]\n[severity]\nSC2164 = "error"\n')
    configured = run("lint", "-f", "json", cwd=tmp_path)
    assert configured.returncode == 1
    assert {rule: level for rule, level in severities(configured).items() if rule.startswith("SC")} == {"SC2164": "error"}


def test_select_naming_shellcheck_while_it_is_off_says_so(tmp_path):
    write(tmp_path / "Dockerfile")
    result = run("lint", "--select", "SC2086", cwd=tmp_path)
    assert "note: select names ShellCheck (SC2086) but ShellCheck is off; add --shellcheck" in result.stderr.decode()


def test_a_missing_shellcheck_binary_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    from imagelint.cli import main

    write(tmp_path / "Dockerfile")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(shellcheck, "find_program", lambda: None)
    monkeypatch.setattr(sys, "argv", ["imagelint", "lint", "--shellcheck", "Dockerfile"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"imagelint: {shellcheck.MISSING_PROGRAM}"]
    assert "pip install 'imagelint[shellcheck]'" in captured.err


def test_shellcheck_in_the_config_must_be_a_boolean(tmp_path):
    write(tmp_path / "Dockerfile")
    (tmp_path / ".imagelint.toml").write_text('shellcheck = "yes"\n')
    one_line_error(run("lint", cwd=tmp_path), "shellcheck must be true or false")


def test_explain_a_hadolint_code_shows_its_equivalent_rule():
    result = run("explain", "DL3008")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("IL6011 unpinned-apt-package")


def test_explain_a_hadolint_code_without_equivalent_says_so():
    code = unmapped_hadolint_code()
    one_line_error(run("explain", code), f"hadolint's {code}", "has no imagelint equivalent: ", "'imagelint rules --hadolint'")


def test_explain_a_removed_hadolint_code_says_it_was_removed():
    one_line_error(run("explain", "DL3005"), "hadolint removed DL3005 before 2.15: ")


def test_explain_a_shellcheck_code_says_how_imagelint_reports_it():
    result = run("explain", "SC2086")
    assert result.returncode == 0
    assert "--shellcheck" in result.stdout.decode() and "# imagelint ignore=SC2086" in result.stdout.decode()


def test_explain_a_misspelt_name_suggests_the_closest():
    one_line_error(run("explain", "latest-base-tag"), "no rule 'latest-base-tag'", "did you mean 'latest-base-image-tag'?")
