"""The command line as a user and a CI see it: exit codes, one-line errors, output formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import no_traceback, run

REPO = Path(__file__).resolve().parents[2]
CLEAN = "FROM alpine:3.22\nRUN adduser -D app\nUSER app\nCMD [\"sh\"]\n"
WARNING = "FROM alpine:latest\nUSER app\nCMD [\"sh\"]\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_clean_dockerfile_exits_0(tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", CLEAN)
    result = run("lint", str(dockerfile), cwd=tmp_path)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert b" warning: " not in result.stdout and b" error: " not in result.stdout


def test_warning_exits_1_with_exact_location(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    result = run("lint", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    assert b"Dockerfile:1:6: IL5002 warning:" in result.stdout


def test_fail_on_error_ignores_warnings(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    assert run("lint", "Dockerfile", "--fail-on", "error", cwd=tmp_path).returncode == 0
    assert run("lint", "Dockerfile", "--fail-on", "never", cwd=tmp_path).returncode == 0


def test_missing_file_is_one_line_exit_2(tmp_path):
    result = run("lint", "nope/Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    no_traceback(result)
    lines = result.stderr.decode().strip().splitlines()
    assert lines == ["imagelint: nope/Dockerfile: no such file or directory"]


def test_bad_file_does_not_stop_the_others(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    result = run("lint", "missing.Dockerfile", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2  # an error wins over findings
    assert b"IL5002" in result.stdout
    assert b"missing.Dockerfile" in result.stderr


def test_directory_search_finds_dockerfile_variants(tmp_path):
    for name in ("Dockerfile", "api/Dockerfile.prod", "web/web.Dockerfile", "x/Containerfile", "node_modules/pkg/Dockerfile", ".git/Dockerfile"):
        write(tmp_path / name, WARNING)
    write(tmp_path / "Dockerfile.dockerignore", "*.md\n")
    result = run("lint", ".", "--format", "json", cwd=tmp_path)
    files = {f["file"] for f in json.loads(result.stdout)["findings"]}
    assert files == {"Dockerfile", "api/Dockerfile.prod", "web/web.Dockerfile", "x/Containerfile"}


def test_directory_without_dockerfile_is_exit_2(tmp_path):
    write(tmp_path / "README.md", "hi")
    result = run("lint", str(tmp_path))
    assert result.returncode == 2
    assert b"no Dockerfile found" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize(
    ("content", "expected_exit", "expected"),
    [
        (b"", 1, b"IL8001"),  # empty file: no instructions
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary", 2, b"binary"),
        (b"FROM alpine:3.22\nRUN echo \xff\xfe caf\xe9\nUSER app\n", 1, b"invalid UTF-8"),
        (b"<html><body>not a dockerfile</body></html>\n", 1, b"IL8001"),
        (b"FROM alpine:3.22\nUSER app\nRUN " + b"echo x && " * 100_000 + b"true\n", 0, b"in 2 files"),
    ],
    ids=["empty", "binary", "invalid-utf8", "not-a-dockerfile", "1mb-run"],
)
def test_bad_input(tmp_path, content, expected_exit, expected):
    write(tmp_path / "Dockerfile", content)
    write(tmp_path / "ok.Dockerfile", CLEAN)
    result = run("lint", "Dockerfile", "ok.Dockerfile", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == expected_exit, result.stdout.decode() + result.stderr.decode()
    assert expected in result.stdout + result.stderr


def test_stdin(tmp_path):
    result = run("lint", "-", cwd=tmp_path, stdin=WARNING.encode())
    assert result.returncode == 1
    assert b"-:1:6: IL5002" in result.stdout


def test_json_output_shape(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    result = run("lint", "Dockerfile", "--format", "json", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert document["version"] == 2
    assert document["tool"]["name"] == "imagelint"
    finding = document["findings"][0]
    assert set(finding) == {"rule", "name", "family", "severity", "message", "file", "line", "end_line", "column", "fix"}
    assert document["summary"]["findings"] == len(document["findings"])
    assert document["summary"]["by_severity"]["warning"] >= 1


def test_output_file_is_written_whole(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    report.write_text("old report that is much longer than the new one " * 100)
    result = run("lint", "Dockerfile", "--format", "json", "--output", str(report), cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(report.read_text())["findings"]
    assert result.stdout == b""
    assert [p.name for p in report.parent.iterdir()] == ["report.json"]


def test_select_and_ignore(tmp_path):
    write(tmp_path / "Dockerfile", "FROM alpine:latest\nCMD sh\n")
    codes = lambda *args: {f["rule"] for f in json.loads(run("lint", "Dockerfile", "-f", "json", *args, cwd=tmp_path).stdout)["findings"]}
    assert codes("--select", "IL5002") == {"IL5002"}
    assert "IL5002" not in codes("--ignore", "base-image")
    assert codes("--select", "correctness") == {"IL8002"}
    bad = run("lint", "Dockerfile", "--select", "IL9999", cwd=tmp_path)
    assert bad.returncode == 2 and b"IL9999" in bad.stderr


def test_pragmas(tmp_path):
    text = (
        "# imagelint ignore=IL5002\n"
        "FROM alpine:latest AS a\n"
        "# hadolint ignore=DL3007\n"
        "FROM alpine:latest AS b\n"
        "FROM alpine:latest\n"
        "USER app\n"
    )
    write(tmp_path / "Dockerfile", text)
    findings = json.loads(run("lint", "Dockerfile", "-f", "json", cwd=tmp_path).stdout)["findings"]
    assert [f["line"] for f in findings if f["rule"] == "IL5002"] == [5]
    write(tmp_path / "Dockerfile", "# imagelint global ignore=IL5002\n" + text)
    findings = json.loads(run("lint", "Dockerfile", "-f", "json", cwd=tmp_path).stdout)["findings"]
    assert not [f for f in findings if f["rule"] == "IL5002"]


def test_config_file(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    write(tmp_path / "pyproject.toml", '[tool.imagelint]\nfail-on = "error"\n[tool.imagelint.severity]\nIL5002 = "info"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    result = run("lint", "../Dockerfile", "-f", "json", cwd=sub)  # found from a subdirectory upward
    assert result.returncode == 0
    assert json.loads(result.stdout)["findings"][0]["severity"] == "info"
    assert run("lint", "../Dockerfile", "--fail-on", "info", cwd=sub).returncode == 1  # CLI beats config


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ('[tool.imagelint]\nfail-on = "sometimes"\n', "fail-on"),
        ('[tool.imagelint]\nselct = ["IL5002"]\n', "selct"),
        ('[tool.imagelint]\nignore = ["IL0000"]\n', "ignore"),
        ('[tool.imagelint.severity]\nIL5002 = "fatal"\n', "IL5002"),
        ("[tool.imagelint\n", "invalid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path, config, key):
    write(tmp_path / "Dockerfile", WARNING)
    write(tmp_path / "pyproject.toml", config)
    result = run("lint", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    no_traceback(result)
    assert key.encode() in result.stderr
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_rules_and_explain():
    rules = json.loads(run("rules", "--format", "json").stdout)
    assert {"code", "name", "family", "severity", "summary", "equivalents"} <= set(rules[0])
    explained = run("explain", "IL5002")
    assert explained.returncode == 0
    assert b"## Bad" in explained.stdout and b"## Good" in explained.stdout
    unknown = run("explain", "IL0000")
    assert unknown.returncode == 2 and b"IL0000" in unknown.stderr


def test_version():
    from imagelint import __version__

    result = run("--version")
    assert result.returncode == 0 and result.stdout.decode().strip() == f"imagelint {__version__}"


def test_lint_does_not_import_docker_or_jinja2(tmp_path):
    write(tmp_path / "Dockerfile", WARNING)
    code = (
        "import sys\n"
        "from imagelint.cli import main\n"
        f"sys.argv = ['imagelint', 'lint', {str(tmp_path / 'Dockerfile')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('docker' in sys.modules, 'jinja2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "False False"


def test_examples_lint():
    result = run("lint", "examples/python-app", "-f", "json", cwd=REPO)
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"]
    clean = run("lint", "examples/clean", cwd=REPO)
    assert clean.returncode == 0, clean.stdout.decode()


def test_json_output_validates_against_the_shipped_schema(tmp_path):
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("imagelint").joinpath("schemas/lint-report.schema.json").read_text())
    write(tmp_path / "Dockerfile", "FROM alpine:latest\nCMD sh\n")
    write(tmp_path / "other.Dockerfile", CLEAN)
    result = run("lint", "Dockerfile", "other.Dockerfile", "missing", "-f", "json", cwd=tmp_path)
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema)
    assert document["errors"] and document["findings"]
    bad = dict(document, version=1)  # the old shape, whose fix was a string
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_stdin_without_context_says_context_rules_were_skipped(tmp_path):
    result = run("lint", "-", "--fail-on", "never", cwd=tmp_path, stdin=b"FROM alpine:3.22\nCOPY . /app\nUSER app\n")
    assert result.returncode == 0
    assert b"note: -: no build context" in result.stderr
    with_context = run("lint", "-", "--context", ".", "--fail-on", "never", "-f", "json", cwd=tmp_path, stdin=b"FROM alpine:3.22\nCOPY . /app\nUSER app\n")
    document = json.loads(with_context.stdout)
    assert document["notes"] == []
    assert "IL3001" in {f["rule"] for f in document["findings"]}
