"""``imagelint lint`` as a library call: discover files (and Compose builds), parse, run the rules, build the report."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from imagelint import engine
from imagelint.settings import Settings
from imagelint.discovery import Target, discover
from imagelint.dockerfile import DockerfileInputError, load, parse, parse_bytes
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
) -> Report:
    """Lint every target ``paths`` stand for.

    ``context`` and ``target`` apply to Dockerfiles named directly or found in directories; a
    Dockerfile a Compose service builds gets that service's context and target. ``on_file(target,
    done, total, seconds)`` is called after each file (progress bars, ``--verbose`` timings).
    """
    rules = engine.select_rules(settings)
    found = discover(paths, compose_files)
    report = Report(results=[], rules=rules, errors=list(found.errors))
    report.notes.extend(settings.notes)
    report.notes.extend(found.notes)
    reported: set[tuple] = set()  # a Dockerfile several Compose services build reports a finding once
    for done, target_file in enumerate(found.targets, start=1):
        started = time.perf_counter()
        _lint_target(target_file, report, rules, settings, context=context, target=target, stdin=stdin, reported=reported)
        if on_file is not None:
            on_file(target_file, done, len(found.targets), time.perf_counter() - started)
    return report


def _lint_target(target_file: Target, report: Report, rules, settings: Settings, *, context, target, stdin, reported) -> None:
    result = FileResult(target_file.shown)
    try:
        build_args = dict(target_file.build_args)  # a Compose service's build.args
        if target_file.text is not None:
            dockerfile = parse(target_file.text, target_file.shown, build_args=build_args)
        elif target_file.path is None:
            dockerfile = parse_bytes(_read_stdin(stdin), "-")
        else:
            dockerfile = load(target_file.path, target_file.shown, build_args=build_args)
    except DockerfileInputError as err:
        result.error = str(err)
        report.results.append(result)
        return
    if target_file.context is not None:
        context_dir, explicit, stage = target_file.context, True, target_file.stage
    else:
        context_dir = context if context is not None else (target_file.path.parent if target_file.path else None)
        explicit, stage = context is not None, target
    if context_dir is None and any(rule.needs_context for rule in rules):
        report.notes.append(f"{target_file.shown}: no build context, so the build-context rules were skipped; pass --context DIR")
    findings, crashes = engine.lint(
        dockerfile,
        rules,
        settings,
        context_dir=context_dir,
        context_explicit=explicit,
        dockerfile_path=target_file.path,
        target=stage,
        named_contexts=target_file.named_contexts,
    )
    report.errors.extend(crashes)
    findings = [f for f in findings if _first_time(f, reported)]
    if target_file.service is not None:
        # Several Compose services may build this Dockerfile (other targets): one result per file.
        earlier = next((r for r in report.results if r.file == target_file.shown and r.error is None), None)
        if earlier is not None:
            earlier.findings = sorted([*earlier.findings, *findings], key=Finding.sort_key)
            return
    result.findings = findings
    result.lines = dockerfile.lines
    report.results.append(result)


def _first_time(finding: Finding, reported: set[tuple]) -> bool:
    key = (finding.file, finding.rule, finding.line, finding.column, finding.message)
    if key in reported:
        return False
    reported.add(key)
    return True


def _read_stdin(stdin) -> bytes:
    if stdin is None:
        return b""
    buffer = getattr(stdin, "buffer", stdin)
    data = buffer.read()
    return data.encode("utf-8") if isinstance(data, str) else data
