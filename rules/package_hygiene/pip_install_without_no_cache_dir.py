"""IL6007 pip-install-without-no-cache-dir."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import word_index
from imagelint.knowledge.base_images import official_image
from imagelint.knowledge.package_managers import PIP
from imagelint.knowledge.runs import Run, runs, subcommand, written_config
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import PIP_VALUE_OPTIONS, option_fix
from imagelint.shell import Command


def _pip_cache_dir(run: Run, pip: Command, command: Command) -> str:
    given = pip.option_value("--cache-dir", value_options=PIP_VALUE_OPTIONS)
    if given:
        return given
    configured = run.env("PIP_CACHE_DIR", command)
    if configured:
        return configured
    xdg = run.env("XDG_CACHE_HOME", command)
    return f"{xdg}/pip" if xdg else "~/.cache/pip"


def _pip_cache_disabled(ctx: LintContext, run: Run, command: Command) -> bool:
    """``PIP_NO_CACHE_DIR`` set to any value pip accepts, or ``no-cache-dir`` in pip's config.

    pip reads the variable through the ``--no-cache-dir`` option's callback, which disables the
    cache for every valid boolean, false ones included (``PIP_NO_CACHE_DIR=0`` or ``=false`` turn
    the cache *off*, kept for backwards compatibility), and errors out on anything else.
    """
    value = run.env("PIP_NO_CACHE_DIR", command)
    if value is not None and value.strip():
        return True
    return written_config(ctx, run.instruction, "no-cache-dir")


def _unless_base_disables(ctx: LintContext, run: Run) -> str:
    """A hedge for a base image whose ENV is not known: it may set PIP_NO_CACHE_DIR itself.

    The official images' Dockerfiles are public and none of them sets it (the python images pass
    ``--no-cache-dir`` to their own pip install instead), so they get no hedge; an ENV in a parent
    stage of this file is in the RUN's scope and has already been read.
    """
    stage = ctx.stage_of(run.instruction)
    base = ctx.root_stage(stage).base if stage is not None else None
    if base is None or base.is_scratch or official_image(base):
        return ""
    shown = base.raw if base.unresolved or not base.resolved else base.resolved
    return f", unless the base image {shown} sets PIP_NO_CACHE_DIR"


@rule(
    code="IL6007",
    name="pip-install-without-no-cache-dir",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3042",),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=(PIP.name,),  # pip3, pip3.12, python -m pip, -mpip: every way to run pip names it
)
def pip_install_without_no_cache_dir(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`pip install` without `--no-cache-dir`: downloaded wheels stay in `~/.cache/pip`.

    ## Why
    pip keeps every wheel it downloads or builds in its cache. In an image that is pure waste,
    often hundreds of MB for scientific packages. Any of these keeps it out: `--no-cache-dir`,
    `ENV PIP_NO_CACHE_DIR=1` (pip treats *any* valid boolean there as "no cache", even `0`), a
    BuildKit cache mount on `/root/.cache/pip` (which also speeds up rebuilds), or removing the
    cache in the same RUN. Only stages whose layers ship are checked. An ENV (or `pip config`) in
    a stage the RUN's stage is built FROM counts; a base image that is not a Docker Hub official
    one may set `PIP_NO_CACHE_DIR` itself, and the message says so (no official image sets it).

    ## Bad
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13-slim
    COPY requirements.txt .
    RUN python -m pip install -r requirements.txt
    ```

    ## Good
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13-slim
    ENV PIP_NO_CACHE_DIR=1
    RUN pip install flask==3.0.3
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM python:3.13-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install flask==3.0.3 && rm -rf /root/.cache/pip
    ```
    ```dockerfile
    FROM python:3.13-slim AS base
    ENV PIP_NO_CACHE_DIR=1
    FROM base
    RUN pip install flask==3.0.3
    ```
    ```dockerfile
    FROM python:3.13 AS build
    RUN pip wheel --wheel-dir /wheels flask==3.0.3 && pip install flask==3.0.3
    FROM python:3.13-slim
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir --no-index /wheels/*
    ```

    ## Fix
    Add `--no-cache-dir`, or with BuildKit use
    `RUN --mount=type=cache,target=/root/.cache/pip pip install ...`.
    `imagelint fix` adds `--no-cache-dir` right after `install` (`python -m pip install` too): pip
    installs the same packages and writes no cache. Where that word cannot be placed exactly
    (escapes inside a `sh -c "..."` string) it only shows the advice.
    """
    for run in runs(ctx, shipped_only=True):
        if not run.pip_commands:
            continue
        purged = any(subcommand(pip, PIP_VALUE_OPTIONS) == "cache" for _, _, pip in run.pip_commands)
        for script, command, pip in run.pip_commands:
            if subcommand(pip, PIP_VALUE_OPTIONS) != "install":
                continue
            if pip.has_option("--no-cache-dir", value_options=PIP_VALUE_OPTIONS) or purged:
                continue
            if _pip_cache_disabled(ctx, run, command) or run.keeps_out(_pip_cache_dir(run, pip, command)):
                continue
            yield script.violation(
                f"pip install keeps downloaded packages in ~/.cache/pip in this layer{_unless_base_disables(ctx, run)}; "
                "add --no-cache-dir (or RUN --mount=type=cache,target=/root/.cache/pip)",
                command,
                fix=option_fix(
                    script, pip, word_index(pip, "install"), PIP.no_cache_options[0], "pip install --no-cache-dir ..."
                ),
            )
