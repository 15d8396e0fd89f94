"""What the commands share: the typer app, the options lint, analyze and fix have in common,
settings, reports and exit codes."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint import __version__
from imagelint.cli.help_display import install as install_help_display
from imagelint.cli.plain_values import install as install_plain_values
from imagelint.records import Record

install_plain_values()  # option values of plain types converted without importing pydantic
install_help_display()  # --help shows FILE, RULES and bare flags, not <list[str]> and <bool>

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


def split_values(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def use_color(stream) -> bool:
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


FORMAT_HELP = (
    "Report format: text, json, sarif, github, junit, gitlab, html or csv. Repeat for several reports from one run; "
    "FORMAT:FILE writes that one to FILE."
)
OUTPUT_HELP = "Write the report to this file ('-': stdout). Repeated, paired in order with the --format values."

# Options shared by `lint` and `analyze`, declared once so both commands stay in step.
FormatOption = Annotated[Optional[list[str]], typer.Option("--format", "-f", metavar="FORMAT", help=FORMAT_HELP)]
OutputOption = Annotated[Optional[list[str]], typer.Option("--output", "-o", metavar="FILE", help=OUTPUT_HELP)]
FailOnOption = Annotated[
    Optional[FailOn],
    typer.Option(
        "--fail-on", metavar="LEVEL", help="Lowest severity that makes the exit code 1: error, warning, info, style or never [default: warning]."
    ),
]
# Options of the commands that read one image with its Dockerfile (analyze, explore).
ImageContextOption = Annotated[
    Optional[Path], typer.Option("--context", "-c", help="Build context for the Dockerfile rules (default: the Dockerfile's folder).")
]
ImageTargetOption = Annotated[
    Optional[str], typer.Option("--target", help="The Dockerfile stage the image was built from (default: the last).")
]
PlatformOption = Annotated[
    Optional[str], typer.Option("--platform", help="os/arch[/variant] to pick from a multi-platform image (default: this machine's).")
]
SelectOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--select",
        metavar="RULES",
        help="Only these rules: codes, names, families, BuildKit check names, hadolint DL codes or ShellCheck SC codes (comma-separated).",
    ),
]
IgnoreOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--ignore",
        metavar="RULES",
        help="Skip these rules: codes, names, families, BuildKit check names, hadolint DL codes or ShellCheck SC codes (comma-separated).",
    ),
]
ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", metavar="FILE", help="Config file (default: .imagelint.toml or pyproject.toml, searched upward).")
]



def report_plan(formats: list[str] | None, outputs: list[str] | None, files: RunFiles | None = None, *, known: tuple[str, ...] | None = None):
    """Check --format/--output before the run: a typo must not cost a long analysis. ``known``: the
    formats of the command (default: those of lint and analyze)."""
    from imagelint.output import ReportPlanError, plan_reports
    from imagelint.reporters import FORMATS

    try:
        targets = plan_reports(formats, outputs, known or FORMATS)
    except ReportPlanError as err:
        raise UsageError(str(err)) from None
    _refuse_writing_inputs(targets, files or RunFiles())
    return targets


class RunFiles(Record):
    """What a command reads, the directories ``lint`` walks, and the ``--baseline`` it may write:
    no report may replace any of them."""

    __slots__ = ("inputs", "walked", "baseline")

    def __init__(
        self,
        inputs: tuple[Path, ...] = (),
        walked: tuple[Path, ...] = (),
        baseline: Path | None = None,
    ) -> None:
        self.inputs = inputs
        self.walked = walked
        self.baseline = baseline

    @classmethod
    def of_lint(cls, paths, compose_files, config, baseline) -> RunFiles:
        given = [p for p in paths or [] if p != "-"]
        if not paths and not compose_files:
            given = ["."]  # lint with no path walks the current directory
        directories = {p for p in given if os.path.isdir(p)}  # one stat per path: a corpus run names thousands
        inputs = [Path(p) for p in given if p not in directories] + [Path(p) for p in compose_files or []]
        inputs += [config] if config is not None else []
        return cls(tuple(inputs), tuple(Path(p) for p in given if p in directories), baseline)

    @classmethod
    def of_analyze(cls, image: str, dockerfile, dive_ci, config) -> RunFiles:
        inputs = [p for p in (dockerfile, dive_ci, config) if p is not None]
        scheme, colon, rest = image.partition(":")
        if colon and scheme in ("docker-archive", "docker-tar", "oci", "oci-archive") and rest:
            inputs.append(Path(rest.removeprefix("//")))
        return cls(tuple(Path(p) for p in inputs))


def _refuse_writing_inputs(targets, files: RunFiles) -> None:
    """No report (nor the baseline) may replace a file the run reads: checked before the run."""
    from imagelint.output import same_file, written_inputs

    inputs, walked, baseline = list(files.inputs), list(files.walked), files.baseline
    files = [t.path for t in targets if t.path is not None]
    if baseline is not None:
        for path in files:
            if os.path.abspath(path) == os.path.abspath(baseline) or same_file(path, baseline):
                raise UsageError(f"{path}: named for both the baseline and a report")
        files.append(baseline)
    clash = written_inputs(files, inputs, walked)
    if clash is not None:
        raise UsageError(f"{clash}: is an input of this run; not overwritten")


def write_all_reports(reports, render) -> None:
    """Every report of the run: files atomically (all or none replaced), then stdout."""
    from imagelint.output import ReportWriteError, write_reports

    try:
        write_reports(reports, render, sys.stdout, color=use_color(sys.stdout))
    except ReportWriteError as err:
        raise UsageError(str(err)) from None


def finish_run(report, reports, settings, *, quiet: bool = False) -> None:
    """Write every report of a lint or analyze run, say its notes and errors on stderr, and exit
    with the status they make. ``quiet``: no notes, and the text report without its summary."""
    from imagelint.reporters import render

    from imagelint.output import written_inputs

    # The Dockerfiles a Compose file named are known only now. Listing every linted file costs a
    # stat each (0.1 s on 3,000 files), so it is done only when a report would replace a file.
    replaced = [t.path for t in reports if t.path is not None and os.path.lexists(t.path)]
    if replaced:
        inputs = [Path(r.file) for r in report.results if r.target == "dockerfile" and r.file != "-" and os.path.lexists(r.file)]
        clash = written_inputs(replaced, inputs, [])
        if clash is not None:
            raise UsageError(f"{clash}: is an input of this run; not overwritten")
    text_options = {"quiet": True} if quiet else {}
    write_all_reports(
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


def load_project_settings(config: Path | None):
    from imagelint.config import project_settings
    from imagelint.rule import registered_rules

    rules = registered_rules()
    if config is not None and not config.is_file():
        raise UsageError(f"{config}: config file not found")
    return project_settings(config, Path.cwd(), rules), rules


def severity_overrides(values: list[str] | None, rules) -> dict | None:
    """``--severity IL5003=warning`` values (repeated or comma-separated; a rule code or name, a
    BuildKit check, hadolint or ShellCheck code) as a severity table; None when none was given."""
    from imagelint.settings import severities

    given = split_values(values)
    if not given:
        return None
    table = {}
    for item in given:
        key, equals, level = item.partition("=")
        if not equals or not key.strip() or not level.strip():
            raise UsageError(f"--severity: '{item}' is not CODE=LEVEL (e.g. IL5003=warning)")
        table[key.strip()] = level.strip()
    return severities(table, "--severity", rules)


def required_labels(values: list[str] | None) -> dict[str, str] | None:
    """``--require-label KEY=TYPE`` values (repeated or comma-separated; hadolint's ``KEY:TYPE``
    works too) as a label schema; None when none was given."""
    from imagelint.knowledge.labels import parse_requirement

    given = split_values(values)
    if not given:
        return None
    schema = {}
    for item in given:
        try:
            key, kind = parse_requirement(item)
        except ValueError as err:
            raise UsageError(f"--require-label: {err}") from None
        schema[key] = kind
    return schema


def check_selected_rules(settings, rules) -> None:
    from imagelint.settings import check_selectors, equivalent_names, known_selectors

    if not settings.select and not settings.ignore:
        return  # nothing to check (the common case: no work, no imports)
    known = known_selectors(set(rules), {r.name for r in rules.values()}, set(equivalent_names(rules)))
    check_selectors(settings.select, "--select", known)
    check_selectors(settings.ignore, "--ignore", known)
