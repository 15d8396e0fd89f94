"""A one-file ``imagelint lint`` (pre-commit, an editor) loads only what linting needs.

Speed itself is measured by ``python bench/startup.py``, never asserted here; what is checked is
what a regression would bring back: the heavy libraries that other commands and formats use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Imported by other commands or formats only; each costs a one-file lint tens of milliseconds.
NOT_FOR_ONE_FILE = ("pydantic", "docker", "requests", "tabulate", "jinja2", "yaml", "pygls", "multiprocessing", "concurrent.futures",
                   "textual")

_PROBE = """
import json, sys
sys.argv = ["imagelint", *sys.argv[1:]]
from imagelint.cli import main
try:
    main()
except SystemExit as stop:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
    raise
"""


def _modules_loaded(*args: str, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, env=env, timeout=120)
    return set(json.loads(result.stderr.decode().strip().splitlines()[-1])), result


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_FOR_ONE_FILE))


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_linting_a_project_with_a_dockerignore_and_findings_loads_no_heavy_library(tmp_path, output_format):
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n")
    (tmp_path / ".dockerignore").write_text(".git\n*.log\n!keep.log\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    modules, result = _modules_loaded("lint", "--format", output_format, "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1, result.stderr.decode()[-2000:]  # it found something, and reported it
    assert b"IL" in result.stdout
    assert _heavy(modules) == []
    assert "imagelint.cli.analyze_command" not in modules  # only the command that runs is built
    # imagelint's own modules a plain lint has no use for: rule docs, ShellCheck (not asked for),
    # Compose (no Compose file), hadolint's catalogue (no .hadolint.yaml), image rules.
    unneeded = (
        "imagelint.rule_docs", "imagelint.shellcheck", "imagelint.compose", "imagelint.knowledge.hadolint_rules",
        "imagelint.hadolint_config",
    )  # fmt: skip
    assert sorted(set(unneeded) & modules) == []
    assert not [m for m in modules if m.startswith("imagelint.rules.image.")]
    assert "tomllib" not in modules  # the project's pyproject.toml never names imagelint: not parsed


_DATACLASS_PROBE = """
import dataclasses, json, sys
sys.argv = ["imagelint", *sys.argv[1:]]
from imagelint.cli import main
try:
    main()
except SystemExit:
    defined = sorted(
        f"{name}.{attribute}"
        for name, module in list(sys.modules.items())
        if name.startswith("imagelint")
        for attribute, value in vars(module).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
    )
    print(json.dumps(defined), file=sys.stderr)
"""


def test_a_one_file_lint_defines_no_dataclass(tmp_path):
    """Each dataclass a lint imports costs it about a millisecond and a half (imagelint.records)."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nUSER app\n")
    (tmp_path / ".dockerignore").write_text(".git\n")
    result = subprocess.run(
        [sys.executable, "-c", _DATACLASS_PROBE, "lint", "Dockerfile"], cwd=tmp_path, capture_output=True, timeout=120
    )
    assert json.loads(result.stderr.decode().strip().splitlines()[-1]) == []


def test_a_pyproject_table_is_found_however_its_key_is_spelt(tmp_path):
    """The pyproject.toml that is passed over unparsed is one that cannot name imagelint: a key
    spelt with escapes still names the table, and its settings apply."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    (tmp_path / "pyproject.toml").write_text('[tool."image\\u006cint"]\nignore = ["IL5002", "IL5003"]\n')
    plain = subprocess.run([sys.executable, "-m", "imagelint", "lint", "Dockerfile"], cwd=tmp_path, capture_output=True, timeout=120)
    assert plain.returncode in (0, 1), plain.stderr.decode()
    assert b"IL5002" not in plain.stdout and b"IL5003" not in plain.stdout
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    unconfigured = subprocess.run([sys.executable, "-m", "imagelint", "lint", "Dockerfile"], cwd=tmp_path, capture_output=True, timeout=120)
    assert b"IL5002" in unconfigured.stdout or b"IL5003" in unconfigured.stdout


def test_many_files_start_workers(tmp_path):
    """The other side: a run of many files does load the worker machinery."""
    names = []
    for i in range(40):
        (tmp_path / f"{i}.Dockerfile").write_text("FROM alpine:3.22\nRUN apk add curl\n")
        names.append(f"{i}.Dockerfile")
    modules, result = _modules_loaded("lint", "--jobs", "2", *names, cwd=tmp_path)
    assert result.returncode == 0 and b"in 40 files" in result.stdout, result.stderr.decode()[-2000:]
    assert "concurrent.futures.process" in modules


def test_the_lint_summary_is_the_table_tabulate_draws():
    """The text report's rule table is drawn without tabulate (a quicker start), identically."""
    from tabulate import tabulate

    from imagelint.report import FileResult, Report
    from imagelint.reporters import render
    from imagelint.findings import Finding, Severity

    findings = [
        Finding(rule="IL5003", name="base-image-without-digest", family="base-image", severity=Severity.INFO,
                message="m", file="Dockerfile", line=1, end_line=1, column=6),
        Finding(rule="IL6011", name="x", family="package-hygiene", severity=Severity.WARNING,
                message="m", file="Dockerfile", line=2, end_line=2, column=1),
    ] + [Finding(rule="IL1001", name="dependency-install-after-source-copy", family="cache-order", severity=Severity.ERROR,
                 message="m", file="Dockerfile", line=3 + n, end_line=3 + n, column=1) for n in range(12)]  # fmt: skip
    report = Report(results=[FileResult("Dockerfile", findings=findings)], rules=[])
    import io

    out = io.StringIO()
    render("text", report, out)
    by_code = {f.rule: f for f in findings}
    rows = [[code, by_code[code].name, str(by_code[code].severity), n] for code, n in report.summary()["by_rule"].items()]
    expected = tabulate(rows, headers=["rule", "name", "severity", "count"], tablefmt="simple")
    assert expected in out.getvalue()


def test_analyzing_an_archive_imports_no_pydantic(tmp_path):
    """typer would build a pydantic adapter for ``--max-changes`` (a number with a minimum) even when
    it is not given; the archive is read while that import would be taking a third of a second."""
    from tests.support.generated_images import many_files, write_saved_image

    archive = tmp_path / "small.tar"
    with archive.open("wb") as out:
        write_saved_image(out, [many_files(10)], tag="example/small:1")
    for given in ((), ("--max-changes", "5")):
        modules, result = _modules_loaded("analyze", f"docker-archive:{archive}", "--format", "json", "--fail-on", "never", *given,
                                          cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert json.loads(result.stdout)["image"]["name"] == "example/small:1"
        assert not [m for m in modules if m == "pydantic" or m.startswith("pydantic.")]


def test_a_number_below_an_options_minimum_gets_typers_own_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "imagelint", "analyze", "docker-archive:missing.tar", "--max-changes", "-1"],
        cwd=tmp_path, capture_output=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "Invalid value for '--max-changes'" in result.stderr.decode() and "greater than or equal to 0" in result.stderr.decode()
