"""``imagelint lint --jobs N``: many files linted by worker processes give the very report of one process.

Same findings in the same order, same notes, errors and exit code, in every format. The whole
corpus is compared by ``python bench/lint_corpus.py`` (its ``--jobs`` check); here a sample of it
and the rules' own Bad examples.
"""

from __future__ import annotations


import json
import os
import sys
from pathlib import Path

import pytest

from imagelint import lint_workers
from imagelint.lint import run_lint
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.cli import one_line_error, run

REPO = Path(__file__).resolve().parents[2]


def _bad_examples(root: Path) -> list[str]:
    """Every rule's Bad examples as files of their own (with their build-context files): one file
    per example that makes its rule fire, so every Dockerfile rule has something to find."""
    names = []
    for rule in registered_rules().values():
        if rule.target != "dockerfile":
            continue
        for number, example in enumerate(rule.doc.bad):
            folder = root / f"{rule.code}-{number}"
            folder.mkdir(parents=True)
            for relative, content in (example.context or {}).items():
                path = folder / relative.rstrip("/")
                if relative.endswith("/"):
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
            (folder / "Dockerfile").write_text(example.dockerfile)
            names.append(f"{folder.name}/Dockerfile")
    (root / "broken").mkdir()
    (root / "broken" / "Dockerfile").write_bytes(b"\xff\xfe\x00not a Dockerfile")  # an error in the middle of the run
    names.insert(len(names) // 2, "broken/Dockerfile")
    return names


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("examples")
    names = _bad_examples(root)
    assert len(names) > lint_workers.MIN_FILES * 2, "enough files for the workers to share"
    return root, names


@pytest.mark.parametrize("output_format", ["json", "text", "sarif"])
def test_two_jobs_print_what_one_process_prints(examples, output_format):
    root, names = examples
    one = run("lint", "--jobs", "1", "--format", output_format, *names, cwd=root)
    two = run("lint", "--jobs", "2", "--format", output_format, *names, cwd=root)
    assert one.returncode == two.returncode == 2  # the broken file is an input error
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    if output_format == "json":
        assert len(json.loads(one.stdout)["findings"]) > 100


def test_configuration_reaches_the_workers(examples):
    """Severities, ignored rules and rule options come from the config file in every worker."""
    root, names = examples
    config = root / "jobs.toml"
    config.write_text('ignore = ["IL5003"]\nseverity = { IL6011 = "error" }\n[rules.IL2002]\nmode = "any"\n')
    one = run("lint", "--config", str(config), "--jobs", "1", "-f", "json", *names, cwd=root)
    two = run("lint", "--config", str(config), "--jobs", "2", "-f", "json", *names, cwd=root)
    assert two.stdout == one.stdout and two.stderr == one.stderr
    findings = json.loads(one.stdout)["findings"]
    assert not [f for f in findings if f["rule"] == "IL5003"]
    assert {f["severity"] for f in findings if f["rule"] == "IL6011"} == {"error"}


def test_a_rule_crash_in_a_worker_is_reported_like_one_in_process(examples, monkeypatch):
    """Forked workers run the same registry: a crashing rule costs only its own results."""
    root, names = examples
    import imagelint.rule as rule_module

    victim = rule_module.registered_rules()["IL6011"]

    def crashes(ctx, rule):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(rule_module._INDEXED, "IL6011", _with_check(victim, crashes))
    monkeypatch.setattr(lint_workers, "start_method", lambda: "fork")
    paths = [str(root / name) for name in names]
    one, two = run_lint(paths, Settings(), jobs=1), run_lint(paths, Settings(), jobs=2)
    assert two.all_errors == one.all_errors
    assert any("internal error in rule IL6011 (RuntimeError: boom)" in error for error in one.errors)
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]


def test_a_worker_that_dies_is_an_error_naming_its_files(examples, monkeypatch):
    root, names = examples
    import imagelint.rule as rule_module

    victim = rule_module.registered_rules()["IL6011"]

    def dies(ctx, rule):
        if "IL6011" in str(ctx.dockerfile.path):
            os._exit(3)
        yield from ()

    monkeypatch.setitem(rule_module._INDEXED, "IL6011", _with_check(victim, dies))
    monkeypatch.setattr(lint_workers, "start_method", lambda: "fork")
    report = run_lint([str(root / name) for name in names], Settings(), jobs=2)
    lost = [r for r in report.results if r.error and "worker process linting it died" in r.error]
    assert any("IL6011" in r.file for r in lost)
    assert len(report.results) == len(names)  # every file is accounted for


def test_spawned_workers_get_the_same_settings(examples, monkeypatch):
    """Where fork does not exist, workers start afresh: everything they need is passed to them."""
    root, names = examples
    monkeypatch.setattr(lint_workers, "start_method", lambda: "spawn")
    paths = [str(root / name) for name in names[: lint_workers.MIN_FILES + 8]]
    settings = Settings(ignore=("IL5003",), rule_options={"IL2002": {"mode": "any"}})
    one, two = run_lint(paths, settings, jobs=1), run_lint(paths, settings, jobs=2)
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]
    assert two.all_errors == one.all_errors and two.notes == one.notes


def test_few_files_stay_in_this_process(monkeypatch, tmp_path):
    def no_workers(*args, **kwargs):
        raise AssertionError("workers started for a short run")

    monkeypatch.setattr(lint_workers, "outcomes", no_workers)
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nRUN apk add curl\n")
    report = run_lint([str(tmp_path / "Dockerfile")] * 3, Settings(), jobs=8)
    assert report.findings


def test_jobs_must_be_at_least_one(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\n")
    one_line_error(run("lint", "--jobs", "0", "Dockerfile", cwd=tmp_path), "--jobs 0", "at least 1")


@pytest.mark.corpus
def test_corpus_sample_is_the_same_with_one_and_two_jobs(corpus_dir):
    sys.path.insert(0, str(REPO / "scripts"))
    from corpus import corpus_dockerfiles

    files = corpus_dockerfiles(corpus_dir / "files")
    sample = [str(p) for p in files[::10]]
    assert len(sample) > lint_workers.MIN_FILES
    one, two = run_lint(sample, Settings(), jobs=1), run_lint(sample, Settings(), jobs=2)
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]
    assert [r.file for r in two.results] == [r.file for r in one.results]
    assert two.all_errors == one.all_errors and two.notes == one.notes


def _with_check(rule, check):
    """``rule`` running ``check`` instead of its own (the index rules load theirs on first use)."""
    swapped = rule.with_changes()
    swapped.__dict__["check"] = check
    return swapped


def test_an_interrupt_stops_a_run_with_workers_at_once(tmp_path):
    """The parent stops its workers and says so once (SIGTERM, handled as Ctrl-C is: a test runner
    started in the background, as CI may be, has SIGINT ignored)."""
    import signal
    import subprocess
    import time

    text = "FROM python:3.12\nCOPY . /app\n" + "RUN apt-get update && apt-get install -y curl git make\n" * 40
    for i in range(3000):
        (tmp_path / f"{i}.Dockerfile").write_text(text)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("IMAGELINT_DEBUG", None)
    names = [f"{i}.Dockerfile" for i in range(3000)]
    proc = subprocess.Popen([sys.executable, "-m", "imagelint", "lint", "--jobs", "2", *names], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _children(proc.pid):
        time.sleep(0.05)
    assert _children(proc.pid), "no worker started"
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    started = time.monotonic()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr.decode()[-2000:]
    assert stderr.decode().strip().splitlines()[-1] == "imagelint: interrupted"
    assert b"Traceback" not in stderr
    assert time.monotonic() - started < 30  # not the rest of the 3000 files


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
