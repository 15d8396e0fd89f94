"""``imagelint diff A B``: what grew between two images, and a size-regression gate for CI."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from imagelint.cli.common import EXIT_CLEAN, EXIT_FINDINGS, RunFiles, UsageError, app, report_plan, write_all_reports

DIFF_FORMAT_HELP = "Report format: text, json, html or markdown (a pull-request comment). Repeat for several; FORMAT:FILE writes that one to FILE."
_IMAGE_HELP = "NAME[:TAG] or image ID (Docker daemon), docker-archive:PATH, oci:PATH[:TAG] or registry:HOST/REPO[:TAG|@DIGEST]."


@app.command()
def diff(
    before: Annotated[str, typer.Argument(metavar="A", help="The image compared against (the old build). " + _IMAGE_HELP)],
    after: Annotated[str, typer.Argument(metavar="B", help="The image compared (the new build), in any form A takes.")],
    output_format: Annotated[Optional[list[str]], typer.Option("--format", "-f", metavar="FORMAT", help=DIFF_FORMAT_HELP)] = None,
    output: Annotated[
        Optional[list[str]], typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file ('-': stdout); paired in order with --format.")
    ] = None,
    max_growth: Annotated[
        Optional[str], typer.Option("--max-growth", metavar="SIZE|PERCENT", help="Fail (exit 1) when B is bigger than A by more: 10MB, 5MiB or 5%.")
    ] = None,
    max_changes: Annotated[
        int, typer.Option("--max-changes", metavar="N", min=0, help="File changes listed, biggest first; the rest are counted.")
    ] = 1000,
    platform: Annotated[
        Optional[str], typer.Option("--platform", help="os/arch[/variant] to pick from multi-platform images (default: this machine's).")
    ] = None,
    pull: Annotated[bool, typer.Option("--pull", help="Pull an image the daemon does not have (never done otherwise).")] = False,
    insecure_registry: Annotated[
        bool, typer.Option("--insecure-registry", help="registry: may use plain HTTP (always allowed for localhost/127.0.0.1).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stderr but errors: no progress.")] = False,
) -> None:
    """Compare two images: size and wasted bytes, layers, the build steps that changed, files, config.

    Each image is read as `imagelint analyze` reads it (daemon, docker-archive:, oci:, registry:).
    Exit 1 when --max-growth is exceeded, 2 on errors.

    Examples:

      imagelint diff myapp:1.1 myapp:1.2

      imagelint diff registry:registry.example.com/org/app:main docker-archive:build.tar --max-growth 5%

      imagelint diff old:1 new:1 --format markdown -o comment.md --format html:diff.html
    """
    from imagelint.cli.progress import read_progress
    from imagelint.docker_engine import EngineError
    from imagelint.image.budgets import BudgetError
    from imagelint.image.diff import GrowthBudget, diff_images
    from imagelint.image.model import ImageError
    from imagelint.image.sources import LoadOptions, parse_reference
    from imagelint.reporters.diff_formats import DIFF_FORMATS, render_diff

    read = tuple(path for image in (before, after) for path in RunFiles.of_analyze(image, None, None, None).inputs)
    reports = report_plan(output_format, output, RunFiles(read), known=DIFF_FORMATS)  # no report replaces an archive read
    try:
        budget = GrowthBudget.parse(max_growth) if max_growth is not None else None
        sources = [parse_reference(before), parse_reference(after)]  # both checked before the slow part
        images = []
        with read_progress(quiet=quiet) as on_progress:
            options = LoadOptions(platform=platform, pull=pull, on_progress=on_progress, insecure_registry=insecure_registry)
            for source in sources:
                images.append(source.load(options))
        result = diff_images(images[0], images[1], max_changes=max_changes, budget=budget)
    except (EngineError, ImageError, BudgetError) as err:
        raise UsageError(str(err)) from None
    write_all_reports(reports, lambda name, stream, color: render_diff(name, result, stream, color=color))
    raise typer.Exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)
