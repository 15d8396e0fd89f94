"""``imagelint analyze``: options, budgets, pull progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint.cli.common import (
    ImageContextOption,
    ImageTargetOption,
    PlatformOption,
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
    split_values,
    app,
)


@app.command()
def analyze(
    image: Annotated[
        str,
        typer.Argument(
            help="NAME[:TAG], NAME@DIGEST or image ID (Docker daemon), docker-archive:PATH, oci:PATH[:TAG] "
            "(OCI layout directory or tar), registry:HOST/REPO[:TAG|@DIGEST] (a registry, no daemon) or podman:NAME (the local Podman store)."
        ),
    ],
    output_format: FormatOption = None,
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    dockerfile: Annotated[
        Optional[Path], typer.Option("--dockerfile", help="The Dockerfile that built the image: findings at its lines, and its own lint.")
    ] = None,
    context: ImageContextOption = None,
    target: ImageTargetOption = None,
    platform: PlatformOption = None,
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
    files: Annotated[
        bool, typer.Option("--files", help="With --format csv: one row per entry of every layer (path, size, mode, change) instead of per layer.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stderr but errors: no progress, no notes.")] = False,
    max_changes: Annotated[
        int, typer.Option("--max-changes", min=0, help="json and html: list at most N added, N modified and N removed paths per layer.")
    ] = 1000,
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

      imagelint analyze registry:registry.example.com/org/app:1.2 --platform linux/arm64
    """
    from imagelint.image.sources import ProgressRelay, start_image

    # The daemon writes the whole export before it sends its first byte (seconds for a big image):
    # ask for it first, then check the options and load the rest of imagelint while it works.
    # Whatever starting it raised is raised where the image is read, after the options' errors.
    progress = ProgressRelay()
    started = start_image(image, platform=platform, pull=pull, on_progress=progress)
    try:
        from imagelint.analyze import run_analyze
        from imagelint.cli.progress import read_progress
        from imagelint.docker_engine import EngineError
        from imagelint.dockerfile import DockerfileInputError
        from imagelint.image.budgets import BudgetError
        from imagelint.image.model import ImageError

        settings, rules = load_project_settings(config)
        settings = settings.with_cli(select=split_values(select), ignore=split_values(ignore), fail_on=fail_on.value if fail_on else None)
        check_selected_rules(settings, rules)
        reports = report_plan(output_format, output, RunFiles.of_analyze(image, dockerfile, dive_ci, config))
        if files and not any(report.format == "csv" for report in reports):
            raise UsageError("--files: lists every layer's entries only in a csv report; add --format csv")
        if context is not None and not context.is_dir():
            raise UsageError(f"{context}: build context is not a directory")
        try:
            budgets = _budgets(max_wasted_bytes, max_wasted_percent, min_efficiency, max_size, dive_ci)
            with read_progress(quiet=quiet) as on_pull_progress:
                progress.attach(on_pull_progress)
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
                    files=files,
                    # Only the reports that show each layer's changes pay for finding them.
                    max_changes=max_changes if any(report.format in ("json", "html") for report in reports) else None,
                    file_tree=any(report.format == "html" for report in reports),
                    started=started,
                )
        except (EngineError, ImageError, BudgetError, DockerfileInputError) as err:
            raise UsageError(str(err)) from None
        finish_run(report, reports, settings, quiet=quiet)
    finally:
        if started is not None:
            started.close()  # an error before the read: the daemon may stop exporting


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
