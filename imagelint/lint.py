"""``imagelint lint`` as a library call: discover files, parse, run the rules, build the report."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, TextIO

from imagelint import engine
from imagelint.config import Settings
from imagelint.discovery import discover
from imagelint.dockerfile import DockerfileInputError, load, parse_bytes
from imagelint.report import FileResult, LintReport


def run_lint(
    paths: list[str],
    settings: Settings,
    *,
    context: Path | None = None,
    target: str | None = None,
    stdin: TextIO | BinaryIO | None = None,
) -> LintReport:
    rules = engine.select_rules(settings)
    targets, errors = discover(paths)
    report = LintReport(results=[], rules=rules, errors=list(errors))
    for target_file in targets:
        result = FileResult(target_file.shown)
        report.results.append(result)
        try:
            if target_file.path is None:
                data = _read_stdin(stdin)
                dockerfile = parse_bytes(data, "-")
            else:
                dockerfile = load(target_file.path, target_file.shown)
        except DockerfileInputError as err:
            result.error = str(err)
            continue
        context_dir = context if context is not None else (target_file.path.parent if target_file.path else None)
        if context_dir is None and any(rule.needs_context for rule in rules):
            report.notes.append(
                f"{target_file.shown}: no build context, so the build-context rules were skipped; pass --context DIR"
            )
        findings, crashes = engine.lint(
            dockerfile,
            rules,
            settings,
            context_dir=context_dir,
            context_explicit=context is not None,
            dockerfile_path=target_file.path,
            target=target,
        )
        result.findings = findings
        report.errors.extend(crashes)
    return report


def _read_stdin(stdin) -> bytes:
    if stdin is None:
        return b""
    buffer = getattr(stdin, "buffer", stdin)
    data = buffer.read()
    return data.encode("utf-8") if isinstance(data, str) else data
