"""The ``imagelint`` command line. It parses options, calls the library and maps results to exit
codes: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage, input or
environment errors (one line on stderr each, never a traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="imagelint",
    help="Why your container images are big and slow to build, and how to fix it.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    style = "style"
    never = "never"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imagelint {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Lint Dockerfiles and inspect images."""


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _use_color(stream) -> bool:
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


FORMAT_HELP = (
    "Report format: text, json, sarif, github, junit, gitlab or html. Repeat for several reports from one run; "
    "FORMAT:FILE writes that one to FILE."
)
OUTPUT_HELP = "Write the report to this file ('-': stdout). Repeated, paired in order with the --format values."

# Options shared by `lint` and `analyze`, declared once so both commands stay in step.
FormatOption = Annotated[Optional[list[str]], typer.Option("--format", "-f", help=FORMAT_HELP)]
OutputOption = Annotated[Optional[list[str]], typer.Option("--output", "-o", help=OUTPUT_HELP)]
FailOnOption = Annotated[
    Optional[FailOn], typer.Option("--fail-on", help="Lowest severity that makes the exit code 1 [default: warning].")
]
SelectOption = Annotated[
    Optional[list[str]], typer.Option("--select", help="Only these rules: codes, names or families (comma-separated).")
]
IgnoreOption = Annotated[
    Optional[list[str]], typer.Option("--ignore", help="Skip these rules: codes, names or families (comma-separated).")
]
ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", help="Config file (default: .imagelint.toml or pyproject.toml, searched upward).")
]



def _plan_reports(formats: list[str] | None, outputs: list[str] | None):
    """Check --format/--output before the run: a typo must not cost a long analysis."""
    from imagelint.output import ReportPlanError, plan_reports
    from imagelint.reporters import FORMATS

    try:
        return plan_reports(formats, outputs, FORMATS)
    except ReportPlanError as err:
        raise UsageError(str(err)) from None


def _write_reports(reports, render) -> None:
    """Every report of the run: files atomically (all or none replaced), then stdout."""
    from imagelint.output import ReportWriteError, write_reports

    try:
        write_reports(reports, render, sys.stdout, color=_use_color(sys.stdout))
    except ReportWriteError as err:
        raise UsageError(str(err)) from None


def _finish(report, reports, settings, *, quiet: bool = False) -> None:
    """Write every report of a lint or analyze run, say its notes and errors on stderr, and exit
    with the status they make. ``quiet``: no notes, and the text report without its summary."""
    from imagelint.reporters import render

    text_options = {"quiet": True} if quiet else {}
    _write_reports(
        reports,
        lambda name, stream, color: render(name, report, stream, color=color, **(text_options if name == "text" else {})),
    )
    for note in [] if quiet else report.notes:
        typer.echo(f"imagelint: note: {note}", err=True)
    for error in report.all_errors:
        typer.echo(f"imagelint: {error}", err=True)
    if report.all_errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if report.count_at_or_above(settings.fail_threshold()) else EXIT_CLEAN)


def _load_settings(config: Path | None):
    from imagelint.config import project_settings
    from imagelint.rule import registered_rules

    rules = registered_rules()
    if config is not None and not config.is_file():
        raise UsageError(f"{config}: config file not found")
    return project_settings(config, Path.cwd(), rules), rules


@app.command()
def lint(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(help="Dockerfiles or directories to search (default: current directory); '-' reads stdin."),
    ] = None,
    context: Annotated[
        Optional[Path],
        typer.Option("--context", "-c", help="Build context for context-aware rules (default: each Dockerfile's folder)."),
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    target: Annotated[
        Optional[str], typer.Option("--target", help="The stage you build (like docker build --target); default: the last.")
    ] = None,
    config: ConfigOption = None,
    baseline: Annotated[
        Optional[Path],
        typer.Option("--baseline", help="Report only findings not in this file; a missing file is written with the current ones."),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Rewrite the --baseline file from this run's findings (fixed ones drop out).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only findings and errors: no summary, no notes.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also print the config used, the rule count and per-file timings (stderr).")
    ] = False,
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

      imagelint lint --select cache-order,IL6001 --fail-on error services/

      imagelint lint . --baseline .imagelint-baseline.json
    """
    from imagelint.lint import run_lint

    settings, rules = _load_settings(config)
    settings = settings.with_cli(
        select=_split(select),
        ignore=_split(ignore),
        fail_on=fail_on.value if fail_on else None,
    )
    _check_selectors(settings, rules)
    reports = _plan_reports(output_format, output)
    if context is not None and not context.is_dir():
        raise UsageError(f"{context}: build context is not a directory")
    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    started = time.perf_counter()
    with _FileProgress(bar=not quiet) as on_file:
        report = run_lint(paths or [], settings, context=context, target=target, stdin=sys.stdin, on_file=on_file)
    if baseline is not None:
        _apply_baseline(report, baseline, update=update_baseline)
    if verbose:
        _print_verbose(settings, rules, report, on_file.timings, time.perf_counter() - started)
    _finish(report, reports, settings, quiet=quiet)


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
    files = len(report.results)
    typer.echo(f"imagelint: linted {files} file{'s' if files != 1 else ''} in {elapsed:.2f} s", err=True)


@app.command()
def analyze(
    image: Annotated[
        str,
        typer.Argument(
            help="NAME[:TAG], NAME@DIGEST or image ID (Docker daemon), docker-archive:PATH, oci:PATH[:TAG] "
            "(OCI layout directory or tar) or registry:HOST/REPO[:TAG|@DIGEST] (a registry, no daemon)."
        ),
    ],
    output_format: FormatOption = None,
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    dockerfile: Annotated[
        Optional[Path], typer.Option("--dockerfile", help="The Dockerfile that built the image: findings at its lines, and its own lint.")
    ] = None,
    context: Annotated[
        Optional[Path], typer.Option("--context", "-c", help="Build context for the Dockerfile rules (default: the Dockerfile's folder).")
    ] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="The Dockerfile stage the image was built from (default: the last).")] = None,
    platform: Annotated[
        Optional[str], typer.Option("--platform", help="os/arch[/variant] to pick from a multi-platform image (default: this machine's).")
    ] = None,
    max_wasted_bytes: Annotated[
        Optional[str], typer.Option("--max-wasted-bytes", help="Budget for hidden bytes: 20MB (x1000) or 5MiB (x1024).")
    ] = None,
    max_wasted_percent: Annotated[
        Optional[str], typer.Option("--max-wasted-percent", help="Budget for hidden bytes as a percentage of the image (0-100).")
    ] = None,
    min_efficiency: Annotated[
        Optional[str], typer.Option("--min-efficiency", help="Lowest efficiency allowed: visible / shipped bytes, 0-1 or 90%.")
    ] = None,
    max_size: Annotated[Optional[str], typer.Option("--max-size", help="Budget for the image's file bytes: 200MB, 1GiB.")] = None,
    dive_ci: Annotated[
        Optional[Path], typer.Option("--dive-ci", help="A .dive-ci file: its rules are checked against dive's own numbers.")
    ] = None,
    pull: Annotated[bool, typer.Option("--pull", help="Pull the image when the daemon does not have it (never done otherwise).")] = False,
    insecure_registry: Annotated[
        bool, typer.Option("--insecure-registry", help="registry: may use plain HTTP (always allowed for localhost/127.0.0.1).")
    ] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
) -> None:
    """Inspect an image: per-layer sizes, wasted bytes, dive's metrics, leftovers; check CI budgets.

    The image is streamed from the Docker daemon (or read from a 'docker save' file, an OCI layout,
    or a registry without any daemon) and never pulled implicitly. Exit 1 when a finding reaches
    --fail-on (budgets are errors), 2 on errors.

    Examples:

      imagelint analyze myapp:1.2

      imagelint analyze myapp:1.2 --dockerfile Dockerfile --max-wasted-bytes 20MB

      imagelint analyze docker-archive:myapp.tar --dive-ci .dive-ci --format json -o report.json

      imagelint analyze registry:ghcr.io/org/app:1.2 --platform linux/arm64
    """
    from imagelint.analyze import run_analyze
    from imagelint.docker_engine import EngineError
    from imagelint.dockerfile import DockerfileInputError
    from imagelint.image.budgets import BudgetError
    from imagelint.image.model import ImageError

    settings, rules = _load_settings(config)
    settings = settings.with_cli(select=_split(select), ignore=_split(ignore), fail_on=fail_on.value if fail_on else None)
    _check_selectors(settings, rules)
    reports = _plan_reports(output_format, output)
    if context is not None and not context.is_dir():
        raise UsageError(f"{context}: build context is not a directory")
    try:
        budgets = _budgets(max_wasted_bytes, max_wasted_percent, min_efficiency, max_size, dive_ci)
        with _pull_progress() as on_pull_progress:
            report = run_analyze(
                image,
                settings,
                budgets=budgets,
                dockerfile=dockerfile,
                context=context,
                target=target,
                platform=platform,
                pull=pull,
                on_pull_progress=on_pull_progress,
                insecure_registry=insecure_registry,
            )
    except (EngineError, ImageError, BudgetError, DockerfileInputError) as err:
        raise UsageError(str(err)) from None
    _finish(report, reports, settings)


@contextlib.contextmanager
def _pull_progress():
    """A progress bar per layer on a terminal (stderr) while ``--pull`` downloads or a ``registry:``
    image is read; silent otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    tasks: dict[str, int] = {}
    # On stderr: stdout holds the report, maybe piped into a file or another tool.
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), transient=True, console=console) as progress:

        def on_event(event: dict) -> None:
            layer, detail = event.get("id"), event.get("progressDetail") or {}
            if not layer or not detail.get("total"):
                return
            if layer not in tasks:
                tasks[layer] = progress.add_task(f"{layer} {event.get('status', '')}", total=detail["total"])
            progress.update(tasks[layer], completed=detail.get("current", 0), description=f"{layer} {event.get('status', '')}")

        yield on_event


def _budgets(max_wasted_bytes, max_wasted_percent, min_efficiency, max_size, dive_ci):
    from imagelint.image.budgets import Budgets, BudgetError, load_dive_ci, parse_fraction, parse_percent, parse_size

    def size(option: str, value: str | None) -> int | None:
        if value is None:
            return None
        try:
            return parse_size(value)
        except BudgetError as err:
            raise BudgetError(f"{option}: {err}") from None

    return Budgets(
        max_wasted_bytes=size("--max-wasted-bytes", max_wasted_bytes),
        max_wasted_percent=None if max_wasted_percent is None else parse_percent(max_wasted_percent, "--max-wasted-percent"),
        min_efficiency=None if min_efficiency is None else parse_fraction(min_efficiency, "--min-efficiency"),
        max_size=size("--max-size", max_size),
        dive_ci=None if dive_ci is None else load_dive_ci(dive_ci),
    )


def _check_selectors(settings, rules) -> None:
    from imagelint.settings import check_selectors, known_selectors

    known = known_selectors(set(rules), {r.name for r in rules.values()})
    check_selectors(settings.select, "--select", known)
    check_selectors(settings.ignore, "--ignore", known)


@app.command()
def parse(
    paths: Annotated[list[str], typer.Argument(help="Dockerfiles to parse; '-' reads stdin.")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.json,
) -> None:
    """Print the parsed instruction stream (for debugging rules and for tools).

    Examples:

      imagelint parse Dockerfile

      imagelint parse --format text Dockerfile
    """
    from imagelint.dockerfile import DockerfileInputError, load, parse_bytes

    documents = []
    errors = []
    for given in paths:
        try:
            dockerfile = parse_bytes(sys.stdin.buffer.read(), "-") if given == "-" else load(given, given)
        except DockerfileInputError as err:
            errors.append(str(err))
            continue
        documents.append({"file": given, "instructions": [_instruction_json(i) for i in dockerfile.instructions]})
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(documents, indent=2, ensure_ascii=False))
    else:
        for document in documents:
            for item in document["instructions"]:
                typer.echo(f"{document['file']}:{item['line']}-{item['end_line']}: {item['instruction']} {item['value']}")
    for error in errors:
        typer.echo(f"imagelint: {error}", err=True)
    raise typer.Exit(EXIT_ERROR if errors else EXIT_CLEAN)


def _instruction_json(instruction) -> dict:
    return {
        "instruction": instruction.keyword,
        "line": instruction.line,
        "end_line": instruction.end_line,
        "flags": list(instruction.flags),
        "value": instruction.value,
        "heredocs": [{"name": h.name, "content": h.content} for h in instruction.heredocs],
        "stage": instruction.stage,
    }


@app.command("rules")
def list_rules(
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
) -> None:
    """List every rule with its code, family and default severity.

    The JSON form also gives each rule's hadolint, BuildKit and checkov equivalents.

    Examples:

      imagelint rules

      imagelint rules --format json
    """
    from imagelint.rule import registered_rules

    rules = list(registered_rules().values())
    if output_format is OutputFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in rules], indent=2))
        return
    from tabulate import tabulate

    rows = [[r.code, r.name, r.family, str(r.severity), r.summary] for r in rules]
    typer.echo(tabulate(rows, headers=["code", "name", "family", "severity", "summary"], tablefmt="simple"))


@app.command()
def explain(code: Annotated[str, typer.Argument(help="Rule code (IL1001) or name.")]) -> None:
    """Show a rule's full documentation: why it matters, a bad and a good example, how to fix.

    Examples:

      imagelint explain IL1002

      imagelint explain latest-base-image-tag
    """
    from imagelint.rule import registered_rules

    rules = registered_rules()
    rule = rules.get(code.upper()) or next((r for r in rules.values() if r.name == code), None)
    if rule is None:
        raise UsageError(f"no rule '{code}' (see 'imagelint rules')")
    equivalents = ", ".join(f"{tool} {' '.join(ids)}" for tool, ids in rule.equivalents().items() if ids)
    typer.echo(f"{rule.code} {rule.name} ({rule.family}, {rule.severity})")
    if equivalents:
        typer.echo(f"Equivalent: {equivalents}")
    typer.echo("")
    typer.echo(rule.doc.markdown)


config_app = typer.Typer(
    help="Work with configuration files.", no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(config_app, name="config")


@config_app.command("from-hadolint")
def config_from_hadolint(
    path: Annotated[
        Optional[Path], typer.Argument(help="The hadolint config (default: .hadolint.yaml or .hadolint.yml here).")
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the config to this file instead of printing it.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    pyproject: Annotated[
        bool, typer.Option("--pyproject", help="Print a [tool.imagelint] table to paste into pyproject.toml.")
    ] = False,
) -> None:
    """Convert a hadolint config (.hadolint.yaml) into imagelint's.

    DL codes become the imagelint rules that declare them as equivalents; what cannot be
    converted (ShellCheck codes, label checks, output options) is listed in comments. Without a
    config of its own, imagelint reads .hadolint.yaml directly; converting makes it explicit.

    Examples:

      imagelint config from-hadolint

      imagelint config from-hadolint .hadolint.yaml --output .imagelint.toml

      imagelint config from-hadolint --pyproject >> pyproject.toml
    """
    from imagelint import hadolint_config
    from imagelint.rule import registered_rules

    source = path or hadolint_config.find(Path.cwd())
    if source is None:
        raise UsageError(f"no {' or '.join(hadolint_config.CONFIG_NAMES)} in this directory; name the file")
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    if output is not None and output.name == "pyproject.toml":
        raise UsageError("--output pyproject.toml would replace the whole file; use --pyproject and paste the table")
    text = hadolint_config.to_toml(hadolint_config.load(source, registered_rules()), pyproject=pyproject)
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise UsageError(f"{output}: already exists (use --force to overwrite it)")
    from imagelint.output import atomic_writer

    try:
        with atomic_writer(output) as stream:
            stream.write(text)
    except OSError as err:
        raise UsageError(f"{output}: cannot write ({err.strerror})") from None
    typer.echo(f"imagelint: wrote {output}", err=True)


def main() -> None:
    """Console entry point: domain errors become one line and exit code 2, never a traceback."""
    from imagelint.settings import ConfigError

    try:
        # Outside standalone mode click returns the code of typer.Exit instead of exiting.
        code = app(standalone_mode=False, prog_name="imagelint")  # also under "python -m imagelint"
        sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
    except (UsageError, ConfigError) as err:
        print(f"imagelint: {err}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        print("imagelint: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        sys.exit(EXIT_ERROR)
    except Exception as err:  # click's usage errors, and anything unforeseen
        # typer vendors click in recent versions, so recognise usage errors by their API.
        if callable(getattr(err, "show", None)) and hasattr(err, "exit_code"):
            err.show()
            sys.exit(EXIT_ERROR)
        if os.environ.get("IMAGELINT_DEBUG"):
            raise
        print(f"imagelint: internal error: {type(err).__name__}: {err} (set IMAGELINT_DEBUG=1 for details)", file=sys.stderr)
        sys.exit(EXIT_ERROR)
