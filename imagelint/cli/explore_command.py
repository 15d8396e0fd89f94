"""``imagelint explore IMAGE``: the terminal UI over an image (imagelint/explore/)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint.cli.common import (
    ImageContextOption,
    ImageTargetOption,
    PlatformOption,
    ConfigOption,
    IgnoreOption,
    SelectOption,
    UsageError,
    app,
    check_selected_rules,
    load_project_settings,
    split_values,
)


@app.command()
def explore(
    image: Annotated[
        str,
        typer.Argument(help="Any image analyze reads: NAME[:TAG] or image ID (Docker daemon), docker-archive:PATH, oci:PATH[:TAG], registry:HOST/REPO[:TAG|@DIGEST], podman:NAME."),
    ],
    dockerfile: Annotated[
        Optional[Path], typer.Option("--dockerfile", help="The Dockerfile that built the image: each layer's line, and its findings.")
    ] = None,
    context: ImageContextOption = None,
    target: ImageTargetOption = None,
    platform: PlatformOption = None,
    pull: Annotated[bool, typer.Option("--pull", help="Pull the image when the daemon does not have it (never done otherwise).")] = False,
    insecure_registry: Annotated[
        bool, typer.Option("--insecure-registry", help="registry: may use plain HTTP (always allowed for localhost/127.0.0.1).")
    ] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
) -> None:
    """Look inside an image: its layers and, as of the one selected, its file tree with what that
    layer added, modified and removed, and what later layers hide. Press ? in it for the keys.

    Reads the image as 'imagelint analyze' does, with the same findings. Needs a terminal.

    Examples:

      imagelint explore myapp:1.2

      imagelint explore docker-archive:build.tar --dockerfile Dockerfile
    """
    from imagelint.analyze import run_analyze
    from imagelint.cli.progress import read_progress
    from imagelint.docker_engine import EngineError
    from imagelint.dockerfile import DockerfileInputError
    from imagelint.image.changes import DEFAULT_MAX_CHANGES
    from imagelint.image.model import ImageError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("explore: needs a terminal on standard input and output; for a report use 'imagelint analyze IMAGE --format json'")
    settings, rules = load_project_settings(config)
    settings = settings.with_cli(select=split_values(select), ignore=split_values(ignore))
    check_selected_rules(settings, rules)
    if context is not None and not context.is_dir():
        raise UsageError(f"{context}: build context is not a directory")
    try:
        with read_progress() as on_pull_progress:
            report = run_analyze(
                image,
                settings,
                dockerfile=dockerfile,
                context=context,
                target=target,
                platform=platform,
                pull=pull,
                on_pull_progress=on_pull_progress,
                insecure_registry=insecure_registry,
                max_changes=DEFAULT_MAX_CHANGES,
                keep_tree=True,
            )
    except (EngineError, ImageError, DockerfileInputError) as err:
        raise UsageError(str(err)) from None

    from imagelint.explore.app import ExploreApp  # Textual is loaded by this command alone
    from imagelint.explore.model import ExploreModel

    ExploreApp(ExploreModel(report)).run()
