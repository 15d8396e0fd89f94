"""``imagelint lint``: options, progress on long runs, the baseline, --verbose."""

# No ``from __future__ import annotations`` here: typer reads the command's annotations, and as
# strings it evaluates each one again on every run (about 3% of a one-file lint's start-up).
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint.cli.common import (
    RunFiles,
    ConfigOption,
    FailOnOption,
    FormatOption,
    IgnoreOption,
    OutputOption,
    SelectOption,
    UsageError,
    check_selected_rules,
    finish_run,
    load_project_settings,
    report_plan,
    required_labels,
    severity_overrides,
    split_values,
    app,
)


@app.command()
def lint(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="PATHS", help="Dockerfiles or directories to search (default: current directory); '-' reads stdin."),
    ] = None,
    context: Annotated[
        Optional[Path],
        typer.Option("--context", "-c", metavar="DIR", help="Build context for context-aware rules (default: each Dockerfile's folder)."),
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    severity: Annotated[
        Optional[list[str]],
        typer.Option(
            "--severity",
            metavar="RULE=LEVEL",
            help="Report a rule (code or name, BuildKit, hadolint or ShellCheck code) at this severity; repeatable, over the config's.",
        ),
    ] = None,
    shellcheck: Annotated[
        bool, typer.Option("--shellcheck", help="Also check every RUN script with ShellCheck (SC codes), as 'shellcheck = true' does.")
    ] = False,
    trusted_registry: Annotated[
        Optional[list[str]],
        typer.Option(
            "--trusted-registry",
            metavar="REGISTRY",
            help="The only registries base images may come from (IL5004); repeatable, replaces the config's list.",
        ),
    ] = None,
    require_label: Annotated[
        Optional[list[str]],
        typer.Option(
            "--require-label",
            metavar="KEY=TYPE",
            help="A label the image must carry, of type text, url, spdx, rfc3339, semver, hash or email; repeatable, added to the config's label-schema.",
        ),
    ] = None,
    strict_labels: Annotated[
        bool, typer.Option("--strict-labels", help="Report labels that are not in the label schema, as 'strict-labels = true' does.")
    ] = False,
    target: Annotated[
        Optional[str], typer.Option("--target", metavar="STAGE", help="The stage you build (like docker build --target); default: the last.")
    ] = None,
    config: ConfigOption = None,
    compose_file: Annotated[
        Optional[list[str]],
        typer.Option(
            "--compose-file",
            "-F",
            metavar="FILE",
            help="A Compose file; repeat it to merge files into one project, later over earlier (like docker compose -f).",
        ),
    ] = None,
    baseline: Annotated[
        Optional[Path],
        typer.Option("--baseline", metavar="FILE", help="Report only findings not in this file; a missing file is written with the current ones."),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Rewrite the --baseline file from this run's findings (fixed ones drop out).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only findings and errors: no summary, no notes.")] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Also print the config used, the rule count, per-file timings and what directory walks skipped (stderr)."
        ),
    ] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="First apply the fixes (as 'imagelint fix --write'), then report what is left.")
    ] = False,
    unsafe: Annotated[bool, typer.Option("--unsafe", help="With --fix: also apply unsafe fixes.")] = False,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs", "-j", metavar="N", help="Processes that lint a run of many files [default: one per core]; 1 lints in this process."
        ),
    ] = None,
) -> None:
    """Lint Dockerfiles, and the Dockerfiles that Compose files build.

    A directory is searched for Dockerfiles and Compose files; a Compose file (compose.yaml,
    docker-compose.yml) stands for each service's Dockerfile, linted with that service's build
    context and target. Exit 0: nothing at or above --fail-on; 1: findings at or above it;
    2: usage, input or configuration error.

    Examples:

      imagelint lint Dockerfile

      imagelint lint . --format json --output imagelint.json

      imagelint lint compose.yaml

      imagelint lint -F compose.yaml -F compose.prod.yaml

      imagelint lint --select cache-order,IL6001 --fail-on error services/

      imagelint lint . --baseline .imagelint-baseline.json
    """
    from imagelint.lint import run_lint

    settings, rules = load_project_settings(config)
    settings = settings.with_cli(
        select=split_values(select),
        ignore=split_values(ignore),
        fail_on=fail_on.value if fail_on else None,
        trusted_registries=split_values(trusted_registry),
        shellcheck=True if shellcheck else None,
    )
    labels = required_labels(require_label)
    settings = settings.with_cli(
        label_schema={**settings.label_schema, **labels} if labels else None,
        strict_labels=True if strict_labels else None,
    )
    overrides = severity_overrides(severity, rules)
    if overrides:
        settings = settings.with_cli(severity={**settings.severity, **overrides})
    check_selected_rules(settings, rules)
    settings = _check_shellcheck(settings)
    reports = report_plan(output_format, output, RunFiles.of_lint(paths, compose_file, config, baseline))
    if context is not None and not context.is_dir():
        raise UsageError(f"{context}: build context is not a directory")
    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    if unsafe and not fix:
        raise UsageError("--unsafe goes with --fix")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: must be at least 1")
    if fix and compose_file:
        raise UsageError("--fix does not take --compose-file; fix the Dockerfiles (or name the Compose file as a path)")
    if fix:
        _fix_first(paths or [], settings, unsafe=unsafe, context=context, target=target, quiet=quiet)
    started = time.perf_counter()
    with _FileProgress(bar=not quiet) as on_file:
        report = run_lint(
            paths or [],
            settings,
            context=context,
            target=target,
            stdin=sys.stdin,
            on_file=on_file,
            compose_files=compose_file,
            jobs=jobs,
        )
    if baseline is not None:
        _apply_baseline(report, baseline, update=update_baseline)
    if verbose:
        _print_verbose(settings, rules, report, on_file.timings, time.perf_counter() - started)
    finish_run(report, reports, settings, quiet=quiet)


def _check_shellcheck(settings):
    """ShellCheck asked for must be there (one line and exit 2 before any file is read); SC codes
    selected while it is off are worth a note."""
    if not settings.shellcheck and not settings.select:
        return settings  # the common case: nothing to check, and no need to import imagelint.shellcheck
    from imagelint import shellcheck

    if settings.shellcheck:
        if shellcheck.find_program() is None:
            raise UsageError(shellcheck.MISSING_PROGRAM)
        return settings
    named = [s for s in settings.select if shellcheck.is_shellcheck_code(s) or s == shellcheck.NAME]
    if named:
        note = f"select names ShellCheck ({', '.join(named)}) but ShellCheck is off; add --shellcheck or shellcheck = true"
        settings = settings.with_cli(notes=(*settings.notes, note))
    return settings


PROGRESS_MIN_FILES = 50  # a progress bar appears (on a terminal) only for runs longer than this


class _FileProgress:
    """A progress bar on stderr for long runs when it is a terminal, and per-file timings for --verbose."""

    def __init__(self, *, bar: bool) -> None:
        self.bar = bar and sys.stderr.isatty()
        self.timings: list[tuple[object, float]] = []
        self._progress = None
        self._task = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, target, done: int, total: int, seconds: float) -> None:
        self.timings.append((target, seconds))
        if not self.bar or total <= PROGRESS_MIN_FILES:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("linting"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
            )
            self._progress.start()
            self._task = self._progress.add_task("lint", total=total)
        self._progress.update(self._task, completed=done)


def _fix_first(paths: list[str], settings, *, unsafe: bool, context, target, quiet: bool) -> None:
    """``lint --fix``: write the fixes, say what was fixed, and stop on an error before linting."""
    from imagelint.cli.fix_command import summary
    from imagelint.fixer import fix_paths

    if "-" in paths:
        raise UsageError("--fix cannot rewrite stdin; use 'imagelint fix -'")
    run = fix_paths(paths, settings, unsafe=unsafe, write=True, context=context, target=target)
    if run.errors:
        raise UsageError("; ".join(run.errors))
    if not quiet and run.applied:
        typer.echo(f"imagelint: {summary(run, written=True)}", err=True)


def _apply_baseline(report, path: Path, *, update: bool) -> None:
    from imagelint.baseline import BaselineError, apply

    try:
        apply(report, path, update=update)
    except BaselineError as err:
        raise UsageError(str(err)) from None


def _print_verbose(settings, rules, report, timings, elapsed: float) -> None:
    source = "none (defaults)" if settings.source is None else os.path.relpath(settings.source)
    if settings.source is not None and settings.source.suffix in (".yaml", ".yml"):
        source += " (hadolint config, converted)"
    available = sum(1 for r in rules.values() if r.target == "dockerfile")
    typer.echo(f"imagelint: config: {source}", err=True)
    typer.echo(f"imagelint: rules: {len(report.rules)} of {available} Dockerfile rules selected", err=True)
    for target, seconds in timings:
        how = ""
        if target.service is not None:
            context = os.path.relpath(target.context) if target.context is not None else "-"
            how = f" ({target.service}; context {context}{f', target {target.stage}' if target.stage else ''})"
        typer.echo(f"imagelint: {seconds * 1000:7.1f} ms  {target.shown}{how}", err=True)
    for skipped in sorted(report.skipped):
        typer.echo(f"imagelint: skipped {skipped}", err=True)
    files = len(report.results)
    typer.echo(f"imagelint: linted {files} file{'s' if files != 1 else ''} in {elapsed:.2f} s", err=True)
