"""Hostile input on the lint side (issue #15): each case is generated here, run through the CLI in a
subprocess, and must end with the expected exit code, findings or exactly one line on stderr, no
"internal error", and within the time and memory bounds below (docs/security.md, "What is tested").

The bounds are generous on purpose: CI machines are shared and noisy, and the point is that no
case is super-linear or unbounded any more (before the fixes they took minutes or never ended, or
1 GB to 7 GB and a MemoryError). `python bench/hostile_inputs.py` prints what each case costs
(`--python-path` an older checkout, for the figures before).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from imagelint.buildcontext import BuildContext
from tests.support.hostile_lint_cases import (
    BASE,
    DOCKERIGNORE_COPIES,
    DOCKERIGNORES,
    HEREDOCS,
    NESTED,
    Outcome,
    billion_laughs,
    busy_chain_of_stages,
    chain_of_stages,
    context_with_dockerignore,
    context_with_link_loops,
    doubling_args,
    run_measured,
    stages_from_one_stage,
    ten_mb_shell_line,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="measures a child with os.wait4")

WALL_SECONDS = 60  # each run, wall clock (a single run of any case takes under 5 s here when idle)
CPU_SECONDS = 30  # each run, user + system time of the imagelint process
PEAK_MB = 400  # each run, largest resident set of the imagelint process


def run(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None) -> Outcome:
    return run_measured(*args, cwd=cwd, stdin=stdin, env=env, cap=WALL_SECONDS * 2)  # a hang fails the test, not the suite


def bounded(outcome: Outcome) -> Outcome:
    """The run stayed within the bounds and did not crash."""
    assert "internal error" not in outcome.stderr and "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.wall < WALL_SECONDS, f"{outcome.wall:.1f} s wall"
    assert outcome.cpu < CPU_SECONDS, f"{outcome.cpu:.1f} s CPU"
    assert outcome.peak_mb < PEAK_MB, f"{outcome.peak_mb:.0f} MB peak"
    return outcome


def linted(tmp_path: Path, dockerfile: str, *extra: str, env: dict | None = None) -> tuple[Outcome, dict]:
    """Lint ``dockerfile`` (written to tmp_path/Dockerfile) to a JSON report; nothing on stderr."""
    (tmp_path / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    outcome = bounded(run("lint", "Dockerfile", "-f", "json", "-o", "report.json", "--fail-on", "never", *extra, cwd=tmp_path, env=env))
    assert outcome.code == 0, outcome.stderr
    assert outcome.lines() == [], outcome.stderr
    return outcome, json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))


def findings(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def one_error(outcome: Outcome) -> str:
    bounded(outcome)
    assert outcome.code == 2, outcome.stderr
    lines = outcome.lines()
    assert len(lines) == 1, outcome.stderr
    return lines[0]


# --- 1. chains of stages ---------------------------------------------------------------------------


def test_a_chain_of_5000_stages_is_linted_in_linear_time(tmp_path):
    _, report = linted(tmp_path, chain_of_stages(5000))
    assert report["summary"]["files"] == 1 and report["errors"] == []


def test_a_chain_of_2000_busy_stages_keeps_its_findings(tmp_path):
    """Every stage declares, copies, installs and cleans up: the rules that follow a stage's
    parents (cleanup in a later layer, USER, WORKDIR, ARG scopes) still see the whole chain."""
    _, report = linted(tmp_path, busy_chain_of_stages(2000))
    cleanups = findings(report, "IL2003")  # the rm in the RUN after each apt-get update
    assert len(cleanups) >= 1999


def test_many_stages_built_from_one_stage(tmp_path):
    linted(tmp_path, stages_from_one_stage(2000, 2000))


# --- 2. .dockerignore ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DOCKERIGNORES))
def test_pathological_dockerignore_patterns_are_matched_in_bounded_time(tmp_path, name):
    context_with_dockerignore(tmp_path, DOCKERIGNORES[name])
    linted(tmp_path, DOCKERIGNORE_COPIES)


def test_100000_alternating_exceptions_still_decide_as_docker_does(tmp_path):
    """An even count of lines ends with '!f1.txt': f1.txt is sent, so copying it is no finding;
    one more 'f1.txt' line excludes it, and IL3004 names the last line that does."""
    lines = ["f1.txt" if i % 2 == 0 else "!f1.txt" for i in range(100_000)]
    context_with_dockerignore(tmp_path, "\n".join(lines) + "\n")
    _, report = linted(tmp_path, BASE + "COPY f1.txt /c/\n")
    assert findings(report, "IL3004") == []
    (tmp_path / ".dockerignore").write_text("\n".join([*lines, "f1.txt"]) + "\n")
    _, report = linted(tmp_path, BASE + "COPY f1.txt /c/\n")
    (excluded,) = findings(report, "IL3004")
    assert "(line 100001: 'f1.txt')" in excluded["message"]


# --- 3. symbolic-link loops in the build context -----------------------------------------------------


def test_symlink_loops_do_not_hang_a_glob_copy(tmp_path):
    _, report = linted(tmp_path, context_with_link_loops(tmp_path))
    assert findings(report, "IL3004"), "the ignored sources are still reported"


def test_a_glob_never_follows_a_link_out_of_the_context_and_lists_each_file_once(tmp_path):
    context_with_link_loops(tmp_path)
    (tmp_path / "src" / "root").symlink_to("/")
    (tmp_path / "src" / "etc").symlink_to("/etc")
    context = BuildContext(tmp_path)
    assert context.glob("src/root/etc/*") == [] and context.glob("src/etc/*") == []
    assert context.glob("src/*.txt") == ["src/f.txt"]
    assert context.glob("src/*/f.txt") == []  # src/loop0 is src itself: the loop is cut there
    assert context.glob("**/*.txt") == ["src/f.txt"]


# --- 4. heredocs and huge RUN lines ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in HEREDOCS if "unterminated" not in name])
def test_many_heredocs_are_read_in_linear_time(tmp_path, name):
    linted(tmp_path, HEREDOCS[name])


def test_10000_unterminated_heredocs_are_each_reported(tmp_path):
    _, report = linted(tmp_path, HEREDOCS["10000-unterminated-heredocs"])
    unterminated = [f for f in findings(report, "IL8001") if "unterminated heredoc" in f["message"]]
    assert len(unterminated) == 10_000


def test_a_10_mb_line_of_shell_commands_is_modelled_up_to_the_token_limit(tmp_path):
    _, report = linted(tmp_path, ten_mb_shell_line())
    (limit,) = [f for f in findings(report, "IL8001") if "IMAGELINT_MAX_SHELL_TOKENS" in f["message"]]
    assert limit["line"] == 2
    assert "500000-token limit" in limit["message"]


def test_the_shell_token_limit_can_be_raised_and_lowered(tmp_path):
    dockerfile = BASE + "RUN " + "a; " * 3000 + "b\n"
    _, report = linted(tmp_path, dockerfile, env={"IMAGELINT_MAX_SHELL_TOKENS": "1000"})
    assert any("1000-token limit" in f["message"] for f in findings(report, "IL8001"))
    _, report = linted(tmp_path, dockerfile, env={"IMAGELINT_MAX_SHELL_TOKENS": "10000"})
    assert findings(report, "IL8001") == []


# --- 5. ARG/ENV expansion bombs ----------------------------------------------------------------------


def test_doubling_args_stop_at_the_expanded_value_limit(tmp_path):
    _, report = linted(tmp_path, doubling_args(40))
    limits = [f for f in findings(report, "IL8001") if "IMAGELINT_MAX_VARIABLE_BYTES" in f["message"]]
    assert limits and limits[0]["line"] == 2 + 20  # A20 is the first value over 1 MB (2^20 > 10^6)
    assert "ARG A20 expands to a value longer than the 1 MB limit" in limits[0]["message"]


def test_the_expanded_value_limit_can_be_lowered(tmp_path):
    dockerfile = BASE + "ARG A=0123456789\nARG B=$A$A$A\nRUN echo $B\n"
    _, report = linted(tmp_path, dockerfile, env={"IMAGELINT_MAX_VARIABLE_BYTES": "20"})
    (limit,) = [f for f in findings(report, "IL8001") if "IMAGELINT_MAX_VARIABLE_BYTES" in f["message"]]
    assert limit["line"] == 3 and "20-byte limit" in limit["message"]


def test_a_limit_variable_that_is_not_a_number_is_one_clear_error(tmp_path):
    (tmp_path / "Dockerfile").write_text(BASE)
    line = one_error(run("lint", "Dockerfile", cwd=tmp_path, env={"IMAGELINT_MAX_VARIABLE_BYTES": "lots"}))
    assert line == "imagelint: IMAGELINT_MAX_VARIABLE_BYTES='lots': not a positive number of bytes"


# --- 6. endless standard input -------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero and /dev/urandom")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", ["lint", "fix", "parse"])
def test_an_endless_standard_input_stops_at_the_dockerfile_limit(tmp_path, device, command):
    line = one_error(run(command, "-", cwd=tmp_path, stdin=device))
    assert line == "imagelint: -: larger than the 10 MB limit for a Dockerfile; set IMAGELINT_MAX_DOCKERFILE_BYTES to raise it"


# --- 7 and 8. config files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(billion_laughs("ignored"), "aliases make it stand for more nodes than the 1000000-node limit", id="billion-laughs"),
        pytest.param("ignored: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper than the 100-level limit", id="deep-nesting"),
    ],
)
def test_a_hostile_hadolint_yaml_is_refused_naming_the_file(tmp_path, text, expected):
    (tmp_path / ".hadolint.yaml").write_text(text)
    (tmp_path / "Dockerfile").write_text(BASE)
    line = one_error(run("lint", "Dockerfile", cwd=tmp_path))
    assert ".hadolint.yaml: " in line and expected in line, line


def test_a_hostile_compose_file_is_refused_naming_the_file(tmp_path):
    (tmp_path / "compose.yaml").write_text(billion_laughs("services"))
    outcome = bounded(run("lint", "--compose-file", "compose.yaml", cwd=tmp_path))
    assert outcome.code == 2, outcome.stderr
    assert any("compose.yaml: aliases make it stand for more nodes than" in line for line in outcome.lines()), outcome.stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param(".imagelint.toml", b'[rules]\nx = "\xff\xfe"\n', ".imagelint.toml: not UTF-8 text (byte 0xff on line 2)", id="toml-not-utf8"),
        pytest.param(".imagelint.toml", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", ".imagelint.toml: arrays or tables nested too deeply to read", id="toml-deep"),
        pytest.param("pyproject.toml", b"[tool.imagelint]\nselect = ['\xc3']\n", "pyproject.toml: not UTF-8 text (byte 0xc3 on line 2)", id="pyproject-not-utf8"),
    ],
)
def test_a_hostile_config_toml_is_one_clear_error(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "Dockerfile").write_text(BASE)
    line = one_error(run("lint", "Dockerfile", "--config", name, cwd=tmp_path))
    assert line.endswith(expected), line


def test_a_config_file_over_the_size_limit_is_refused(tmp_path):
    (tmp_path / ".imagelint.toml").write_text("# padding\n" * 200_000)  # 2 MB
    (tmp_path / "Dockerfile").write_text(BASE)
    line = one_error(run("lint", "Dockerfile", "--config", ".imagelint.toml", cwd=tmp_path))
    assert "larger than the 1 MB limit; not read; set IMAGELINT_MAX_CONFIG_FILE_BYTES to raise it" in line
    raised = bounded(run("lint", "Dockerfile", "--config", ".imagelint.toml", "--fail-on", "never", cwd=tmp_path, env={"IMAGELINT_MAX_CONFIG_FILE_BYTES": "3000000"}))
    assert raised.code == 0, raised.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"rules:\n  lowestEfficiency: \xff\n", ".dive-ci: not UTF-8 text (byte 0xff on line 2)", id="not-utf8"),
        pytest.param(billion_laughs("rules").encode(), ".dive-ci: aliases make it stand for more nodes than", id="billion-laughs"),
    ],
)
def test_a_hostile_dive_ci_file_is_one_clear_error(tmp_path, content, expected):
    (tmp_path / ".dive-ci").write_bytes(content)
    line = one_error(run("analyze", "docker-archive:image.tar", "--dive-ci", ".dive-ci", cwd=tmp_path))
    assert expected in line, line


# --- 9. file names that are not UTF-8 ------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
@pytest.mark.parametrize("output_format", ["sarif", "json", "gitlab", "github", "junit", "html", "text"])
def test_a_file_name_that_is_not_utf8_is_escaped_in_every_format(tmp_path, output_format):
    folder = os.fsencode(tmp_path) + b"/svc-\xff"
    os.mkdir(folder)
    with open(folder + b"/Dockerfile", "w") as handle:
        handle.write(BASE + "RUN apt-get install curl\n")
    outcome = bounded(run("lint", ".", "-f", output_format, "-o", "report.out", "--fail-on", "never", cwd=tmp_path))
    assert outcome.code == 0 and outcome.lines() == [], outcome.stderr
    text = (tmp_path / "report.out").read_text(encoding="utf-8")  # valid UTF-8, whatever the name
    if output_format == "sarif":
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(text)["runs"][0]["results"] for loc in r["locations"]}
        assert uris == {"svc-%FF/Dockerfile"}  # the real bytes, percent-encoded
    elif output_format in ("json", "gitlab"):
        json.loads(text)
        assert "svc-\\\\xff/Dockerfile" in text  # the name shows its byte as \xff, escaped as JSON does
    else:
        assert "svc-\\xff/Dockerfile" in text


# --- 10. deep nesting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(NESTED))
def test_deep_nesting_gives_findings_not_a_recursion_error(tmp_path, name):
    linted(tmp_path, NESTED[name])


def test_deeply_nested_variables_are_reported_at_the_nesting_limit(tmp_path):
    _, report = linted(tmp_path, NESTED["arg-variables"])
    (limit,) = [f for f in findings(report, "IL8001") if "IMAGELINT_MAX_NESTING" in f["message"]]
    assert limit["line"] == 2 and "ARG A nests ${...} deeper than the 100-level limit" in limit["message"]
