"""IL2002 consecutive-run-instructions."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import pip_command
from imagelint.knowledge.steps import Located, Step, run_commands, sequences, size_rule_stages
from imagelint.rule import Option, Rule, Violation, rule

MERGE_OPTIONS = {"builder-stages": False, "max-commands": 2, "mode": Option("package-steps", choices=("package-steps", "any"))}


# Package managers whose RUNs count as package steps: OS installers and the language installers
# used for global tools (not build tools such as cargo or gradle, nor micromamba). pip is found by
# pip_command.
_INSTALLERS = frozenset(m for m in pm.MANAGERS if m.kind == pm.OS and m.installs) | {
    pm.NPM, pm.YARN, pm.PNPM, pm.GEM, pm.COMPOSER, pm.CONDA
}


_PLUMBING = frozenset({"set", "rm", "echo", "true", ":"})


def _package_manager(located: Located) -> str | None:
    """The family (``apt``, ``rpm``, ``pip``...) of a package-manager command, shown in the finding."""
    if pip_command(located.command, located.name) is not None:
        return pm.PIP.family
    manager = pm.manager(located.name)
    return manager.family if manager in _INSTALLERS else None


def _run_profile(ctx: LintContext, step: Step) -> tuple[int, set[str], bool]:
    """(number of commands, package managers used, whether it is only package-manager work)."""
    if step.instruction.is_exec_form:
        return 1, set(), False  # ``RUN ["prog", ...]``: one command, never a package step here
    commands = list(run_commands(ctx, step))
    managers = {m for located in commands if (m := _package_manager(located))}
    only_packages = bool(managers) and all(
        _package_manager(located) or located.name in _PLUMBING for located in commands
    )
    return len(commands), managers, only_packages


def _updates_alone(ctx: LintContext, step: Step) -> bool:
    """``RUN apt-get update`` on its own: IL1002's finding, not a merge suggestion."""
    subs = [located.sub for located in run_commands(ctx, step) if _package_manager(located)]
    return bool(subs) and all(sub in ("update", "makecache", "refresh") for sub in subs)


@rule(
    code="IL2002",
    name="consecutive-run-instructions",
    family="layer-merging",
    severity="info",
    hadolint=("DL3059",),
    options=MERGE_OPTIONS,
)
def consecutive_run_instructions(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Two RUNs in a row that install packages with the same manager: one layer would do.

    ## Why
    Each RUN is a layer, with its own copy of the package manager's database and of every file
    both steps touch. Two small consecutive installs with the same package manager cost an extra
    layer and gain nothing: they change together anyway. Unlike hadolint's DL3059 this is not
    reported for every pair of short RUNs (merging unrelated steps hurts caching, hadolint #715),
    nor in builder stages (hadolint #1056). Set `mode = "any"` in
    `[tool.imagelint.rules.IL2002]` for DL3059's behaviour, `max-commands` for the size of a
    "small" RUN (default 2) and `builder-stages = true` to include builder stages.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask
    RUN pip install --no-cache-dir gunicorn
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    # and git
    RUN apk add --no-cache git
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask gunicorn
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    RUN adduser -D app
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    COPY app /app
    RUN apk add --no-cache git
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go install golang.org/x/tools/cmd/goimports@v0.24.0
    RUN go install honnef.co/go/tools/cmd/staticcheck@2024.1

    FROM alpine:3.20
    COPY --from=build /go/bin/ /usr/local/bin/
    ```

    ## Fix
    Join the two commands with `&&` (or list all packages in one install) in a single RUN.
    """
    limit = int(rule.options["max-commands"])
    any_runs = rule.options["mode"] == "any"
    for sequence in sequences(ctx, size_rule_stages(ctx, rule)):
        steps = sequence.steps
        for index in range(max(sequence.own, 1), len(steps)):
            previous, step = steps[index - 1], steps[index]
            if previous.keyword != "RUN" or step.keyword != "RUN" or previous.stage is not step.stage:
                continue
            if sorted(previous.instruction.flags) != sorted(step.instruction.flags):
                continue  # different mounts or network settings cannot share a RUN
            count, managers, only_packages = _run_profile(ctx, step)
            before_count, before_managers, before_only = _run_profile(ctx, previous)
            if count > limit or before_count > limit or count == 0 or before_count == 0:
                continue
            if not any_runs:
                shared = managers & before_managers
                if not (shared and only_packages and before_only) or _updates_alone(ctx, previous):
                    continue
                what = f"both {sorted(shared)[0]} installs"
            else:
                what = "both short"
            yield Violation(
                f"this RUN and the RUN at line {previous.instruction.line} ({what}) can be one RUN: "
                f"join them with && to save a layer",
                step.instruction,
            )
