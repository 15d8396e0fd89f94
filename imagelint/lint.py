"""``imagelint lint`` as a library call: discover files (and Compose builds), parse, run the rules, build the report."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from imagelint import engine, lint_workers
from imagelint.lint_workers import worker_count
from imagelint.settings import Settings
from imagelint.discovery import Target, discover
from imagelint.dockerfile import DockerfileInputError, load, parse, parse_bytes, read_stdin
from imagelint.findings import Finding
from imagelint.report import FileResult, Report


def run_lint(
    paths: list[str],
    settings: Settings,
    *,
    context: Path | None = None,
    target: str | None = None,
    stdin: TextIO | BinaryIO | None = None,
    on_file: Callable[[Target, int, int, float], None] | None = None,
    compose_files: list[str] | None = None,
    jobs: int | None = 1,
) -> Report:
    """Lint every target ``paths`` stand for.

    ``context`` and ``target`` apply to Dockerfiles named directly or found in directories; a
    Dockerfile a Compose service builds gets that service's context and target. ``on_file(target,
    done, total, seconds)`` is called after each file (progress bars, ``--verbose`` timings).
    ``jobs``: processes for runs of many files (None: one per core, :mod:`imagelint.lint_workers`);
    the report is the same whatever it is.
    """
    rules = engine.select_rules(settings)
    found = discover(paths, compose_files)
    report = Report(results=[], rules=rules, errors=list(found.errors))
    report.notes.extend(settings.notes)
    report.notes.extend(found.notes)
    report.skipped.extend(found.skipped)
    targets = found.targets
    workers = 1 if any(t.path is None and t.text is None for t in targets) else worker_count(jobs, len(targets))  # stdin: here
    if workers > 1:
        outcomes = lint_workers.outcomes(targets, settings, workers, context=context, target=target)
    else:
        outcomes = (lint_target(t, rules, settings, context=context, target=target, stdin=stdin) for t in targets)
    reported: set[tuple] = set()  # a Dockerfile several Compose services build reports a finding once
    for done, (target_file, outcome) in enumerate(zip(targets, outcomes), start=1):
        _add_outcome(report, target_file, outcome, reported)
        if on_file is not None:
            on_file(target_file, done, len(targets), outcome.seconds)
    return report


class TargetOutcome:
    """What linting one target gave, before it joins the report (in this process or a worker's).
    A plain class, not a dataclass: that costs start-up."""

    __slots__ = ("result", "notes", "crashes", "seconds")

    def __init__(self, result: FileResult, notes: list[str] | None = None, crashes: list[str] | None = None, seconds: float = 0.0) -> None:
        self.result = result
        self.notes: list[str] = [] if notes is None else notes
        self.crashes: list[str] = [] if crashes is None else crashes
        self.seconds = seconds

    @classmethod
    def failed(cls, target_file: Target, error: str) -> TargetOutcome:
        return cls(FileResult(target_file.shown, error=error))

    def __reduce__(self):
        # Workers send thousands of these back, and the file's lines are most of their bytes: as one
        # string they pickle and unpickle many times faster than as a list of strings, one by one.
        result = self.result
        fields = (result.file, result.findings, result.error, _joined_lines(result.lines), result.target)
        return _outcome_from_worker, (fields, self.notes, self.crashes, self.seconds)


def _joined_lines(lines: list[str]) -> str | list[str]:
    """``lines`` as one string that splits back into them, or the list itself when none can."""
    text = "\n".join(lines)
    return text if lines and text.count("\n") == len(lines) - 1 else lines  # a line holding "\n" stays a list


def _outcome_from_worker(fields: tuple, notes: list[str], crashes: list[str], seconds: float) -> TargetOutcome:
    file, findings, error, lines, target = fields
    lines = lines.split("\n") if isinstance(lines, str) else lines
    return TargetOutcome(FileResult(file, findings, error, lines, target), notes, crashes, seconds)


def lint_target(target_file: Target, rules, settings: Settings, *, context, target, stdin) -> TargetOutcome:
    """One target linted on its own: its result, the notes about it and the rules that crashed."""
    started = time.perf_counter()
    outcome = TargetOutcome(FileResult(target_file.shown))
    try:
        build_args = dict(target_file.build_args)  # a Compose service's build.args
        if target_file.text is not None:
            dockerfile = parse(target_file.text, target_file.shown, build_args=build_args)
        elif target_file.path is None:
            dockerfile = parse_bytes(read_stdin(stdin), "-")
        else:
            dockerfile = load(target_file.path, target_file.shown, build_args=build_args)
    except DockerfileInputError as err:
        outcome.result.error = str(err)
        outcome.seconds = time.perf_counter() - started
        return outcome
    if target_file.context is not None:
        context_dir, explicit, stage = target_file.context, True, target_file.stage
    else:
        context_dir = context if context is not None else (target_file.path.parent if target_file.path else None)
        explicit, stage = context is not None, target
    if context_dir is None and any(rule.needs_context for rule in rules):
        outcome.notes.append(f"{target_file.shown}: no build context, so the build-context rules were skipped; pass --context DIR")
    outcome.result.findings, outcome.crashes = engine.lint(
        dockerfile,
        rules,
        settings,
        context_dir=context_dir,
        context_explicit=explicit,
        dockerfile_path=target_file.path,
        target=stage,
        named_contexts=target_file.named_contexts,
        build_args=build_args,
    )
    outcome.result.lines = dockerfile.lines
    outcome.seconds = time.perf_counter() - started
    return outcome


def _add_outcome(report: Report, target_file: Target, outcome: TargetOutcome, reported: set[tuple]) -> None:
    """Outcomes join the report in the order of the targets, wherever they were linted."""
    result = outcome.result
    report.notes.extend(outcome.notes)
    report.errors.extend(outcome.crashes)
    if result.error is not None:
        report.results.append(result)
        return
    result.findings = [f for f in result.findings if _first_time(f, reported)]
    if target_file.service is not None:
        # Several Compose services may build this Dockerfile (other targets): one result per file.
        earlier = next((r for r in report.results if r.file == target_file.shown and r.error is None), None)
        if earlier is not None:
            earlier.findings = sorted([*earlier.findings, *result.findings], key=Finding.sort_key)
            return
    report.results.append(result)


def _first_time(finding: Finding, reported: set[tuple]) -> bool:
    key = (finding.file, finding.rule, finding.line, finding.column, finding.message)
    if key in reported:
        return False
    reported.add(key)
    return True

