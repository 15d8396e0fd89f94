"""``imagelint fix``: show (or write) what the rules' fixes change."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    ConfigOption,
    IgnoreOption,
    SelectOption,
    UsageError,
    check_selected_rules,
    load_project_settings,
    split_values,
    app,
)

WriteOption = Annotated[bool, typer.Option("--write", "-w", help="Write the fixes into the files instead of showing a diff.")]
UnsafeOption = Annotated[
    bool, typer.Option("--unsafe", help="Also apply unsafe fixes: they may change what the image does (see each rule's docs).")
]


@app.command()
def fix(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(help="Dockerfiles or directories (default: current directory); '-' reads stdin, writes the fixed file to stdout."),
    ] = None,
    write: WriteOption = False,
    unsafe: UnsafeOption = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    context: Annotated[
        Optional[Path],
        typer.Option("--context", "-c", help="Build context for context-aware rules (default: each Dockerfile's folder)."),
    ] = None,
    target: Annotated[
        Optional[str], typer.Option("--target", help="The stage you build (like docker build --target); default: the last.")
    ] = None,
    image: Annotated[
        Optional[str],
        typer.Option(
            "--image",
            help="Also fix what the image this Dockerfile built shows (any source 'analyze' accepts): files a RUN "
            "wrote that a later RUN deletes, package caches, build leftovers. PATH is that one Dockerfile.",
        ),
    ] = None,
    platform: Annotated[
        Optional[str], typer.Option("--platform", help="With --image: os/arch[/variant] to pick from a multi-platform image.")
    ] = None,
    dockerignore: Annotated[
        bool,
        typer.Option(
            "--dockerignore",
            help="Write or extend the build context's .dockerignore: .git, secrets, node_modules, virtualenvs, "
            "build output and large files the Dockerfile never copies (PATH: the Dockerfile).",
        ),
    ] = False,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Fix what the rules can fix: print a unified diff, or apply it with --write.

    Safe fixes cannot change what the built image does; --unsafe adds those that may (a shell-form
    CMD turned into exec form, two RUNs merged). Fixes are applied in rounds until none applies,
    so a second run changes nothing. Exit 0: nothing to fix (or, with --write, fixed); 1: there
    is something to fix (diff shown); 2: an error (a file that changed on disk is not overwritten).

    Examples:

      imagelint fix Dockerfile

      imagelint fix --write .

      imagelint fix --unsafe --select package-hygiene Dockerfile

      imagelint fix - < Dockerfile > Dockerfile.fixed

      imagelint fix --image myapp:1.2 --unsafe --write Dockerfile

      imagelint fix --dockerignore --write Dockerfile

    With --image, the image is analyzed and its layers matched to the Dockerfile's instructions;
    the image rules' fixes are applied once (build again and rerun for fixes that overlapped), then
    the Dockerfile rules' fixes. With --dockerignore, the lines to add are printed with the bytes
    each keeps out of the build context; --write adds them.
    """
    settings, rules = load_project_settings(config)
    settings = settings.with_cli(select=split_values(select), ignore=split_values(ignore))
    check_selected_rules(settings, rules)
    if context is not None and not context.is_dir():
        raise UsageError(f"{context}: build context is not a directory")
    if image is not None and dockerignore:
        raise UsageError("--image and --dockerignore cannot be combined; run imagelint fix once for each")
    if (image is not None or dockerignore) and "-" in (paths or []):
        raise UsageError("--image and --dockerignore need a Dockerfile path, not '-' (stdin)")
    if platform is not None and image is None:
        raise UsageError("--platform needs --image")
    if image is not None:
        _fix_image(image, _one_dockerfile(paths, "--image"), settings, unsafe=unsafe, write=write, context=context,
                   target=target, platform=platform, quiet=quiet)  # fmt: skip
        return
    if dockerignore:
        _fix_dockerignore(_one_dockerfile(paths, "--dockerignore"), context=context, write=write, quiet=quiet)
        return
    if paths == ["-"]:
        _fix_stdin(settings, unsafe=unsafe, context=context, target=target)
        return
    if "-" in (paths or []):
        raise UsageError("'-' (stdin) cannot be mixed with file paths in imagelint fix")
    from imagelint.fixer import fix_paths

    run = fix_paths(paths or [], settings, unsafe=unsafe, write=write, context=context, target=target)
    if not write:
        for outcome in run.changed:
            sys.stdout.write(outcome.diff())
    if not quiet and (run.applied or not run.errors):
        typer.echo(f"imagelint: {summary(run, written=write)}", err=True)
    for error in run.errors:
        typer.echo(f"imagelint: {error}", err=True)
    if run.errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if run.changed and not write else EXIT_CLEAN)


def _one_dockerfile(paths: list[str] | None, option: str) -> Path:
    """The Dockerfile ``--image``/``--dockerignore`` work on: PATH (a file, or a folder holding a
    Dockerfile), default ./Dockerfile."""
    if paths and len(paths) > 1:
        raise UsageError(f"{option} takes one Dockerfile, not {len(paths)} paths")
    path = Path(paths[0]) if paths else Path("Dockerfile")
    if path.is_dir():
        path = path / "Dockerfile"
    if not path.is_file():
        raise UsageError(f"{path}: no such Dockerfile")
    return path


def _fix_image(image: str, dockerfile: Path, settings, *, unsafe, write, context, target, platform, quiet) -> None:
    from imagelint.docker_engine import EngineError
    from imagelint.dockerfile import DockerfileInputError
    from imagelint.fixer import fix_image
    from imagelint.image.model import ImageError

    try:
        run, unmatched = fix_image(
            image, dockerfile, settings, unsafe=unsafe, write=write, context=context, target=target, platform=platform
        )
    except (EngineError, ImageError, DockerfileInputError) as err:
        raise UsageError(str(err)) from None
    if unmatched:
        typer.echo(f"imagelint: no image fixes: {unmatched}", err=True)
    if not write:
        for outcome in run.changed:
            sys.stdout.write(outcome.diff())
    if not quiet and (run.applied or not run.errors):
        text = summary(run, written=write)
        deferred = sum(len(o.deferred) for o in run.outcomes)
        if deferred:
            text += f"; {deferred} more after rebuilding the image (run imagelint fix --image again)"
        typer.echo(f"imagelint: {text}", err=True)
    for error in run.errors:
        typer.echo(f"imagelint: {error}", err=True)
    if run.errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if run.changed and not write else EXIT_CLEAN)


def _fix_dockerignore(dockerfile: Path, *, context: Path | None, write: bool, quiet: bool) -> None:
    from imagelint.dockerignore_fix import DockerignoreError, plan_dockerignore, write_dockerignore
    from imagelint.units import format_size

    try:
        plan = plan_dockerignore(dockerfile, context)
        if write and plan.additions:
            write_dockerignore(plan)
    except DockerignoreError as err:
        typer.echo(f"imagelint: {err}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if not write:
        for addition in plan.additions:
            sys.stdout.write(f"{addition.pattern}  ({addition.shown_size})\n")
    if not quiet:
        for path, why in plan.kept:
            typer.echo(f"imagelint: not excluding {path}: {why}", err=True)
        if not plan.additions:
            typer.echo(f"imagelint: {plan.path}: nothing to add", err=True)
        else:
            verb = ("added" if write else "would add") + f" {len(plan.additions)} line{'s' if len(plan.additions) != 1 else ''}"
            where = f"to {plan.path}" if plan.exists else f"in a new {plan.path}"
            typer.echo(f"imagelint: {verb} {where}, keeping {format_size(plan.total_bytes)} out of the build context", err=True)
    raise typer.Exit(EXIT_FINDINGS if plan.additions and not write else EXIT_CLEAN)


def summary(run, *, written: bool) -> str:
    applied = run.applied
    files = len(run.changed)
    by_rule = ", ".join(f"{code} {n}" for code, n in sorted(Counter(f.rule for f in applied).items()))
    unsafe_left = sum(o.unsafe_available() for o in run.outcomes)
    if not applied:
        text = "nothing to fix"
    else:
        verb = "fixed" if written else "would fix"
        text = f"{verb} {len(applied)} finding{'s' if len(applied) != 1 else ''} in {files} file{'s' if files != 1 else ''} ({by_rule})"
    if unsafe_left:
        text += f"; {unsafe_left} more with --unsafe"
    return text


def _fix_stdin(settings, *, unsafe: bool, context: Path | None, target: str | None) -> None:
    from imagelint import engine
    from imagelint.fixer import FixWriteError, decode_for_fixing, fix_text

    from imagelint.dockerfile import DockerfileInputError, read_stdin

    try:
        text = decode_for_fixing(read_stdin(sys.stdin), "-")
    except (FixWriteError, DockerfileInputError) as err:
        raise UsageError(str(err)) from None
    outcome = fix_text(
        text,
        "-",
        engine.select_rules(settings),
        settings,
        unsafe=unsafe,
        context_dir=context,
        context_explicit=context is not None,
        target=target,
    )
    sys.stdout.buffer.write(outcome.fixed.encode("utf-8"))
    sys.stdout.flush()
    for error in outcome.crashes:
        typer.echo(f"imagelint: {error}", err=True)
    raise typer.Exit(EXIT_ERROR if outcome.crashes else EXIT_CLEAN)
