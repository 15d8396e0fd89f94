"""IL2002 consecutive-run-instructions."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import changes_shell_state, connector_between, editable_run, newline, plain_list
from imagelint.fixes import Edit, Fix
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import pip_command
from imagelint.knowledge.steps import Located, Stateless, Step, run_commands, size_rule_stages, walk
from imagelint.rule import Option, Rule, Violation, rule

MERGE_OPTIONS = {
    "builder-stages": False,
    "max-commands": 2,
    "mode": Option("package-steps", choices=("package-steps", "any")),
    "setup-steps": True,
}


# Commands that set up the filesystem or the users, cheap and cached as one: a run of RUNs made
# only of these is one step split into layers.
_SETUP = frozenset(
    {"mkdir", "chown", "chgrp", "chmod", "ln", "useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod"}
)


_PLUMBING = frozenset({"set", "rm", "echo", "true", ":"})


def _package_manager(located: Located) -> str | None:
    """The family (``apt``, ``rpm``, ``pip``...) of a package-manager command, shown in the finding."""
    if pip_command(located.command, located.name) is not None:
        return pm.PIP.family
    manager = pm.manager(located.name)
    return manager.family if manager in pm.PACKAGE_INSTALLERS else None


def _command_count(ctx: LintContext, step: Step) -> int:
    return 1 if step.instruction.is_exec_form else len(run_commands(ctx, step))  # ``RUN ["prog", ...]``: one


def _run_profile(ctx: LintContext, step: Step) -> tuple[int, set[str], bool]:
    """(number of commands, package managers used, whether it is only package-manager work)."""
    if step.instruction.is_exec_form:
        return 1, set(), False  # ``RUN ["prog", ...]``: one command, never a package step here
    commands = run_commands(ctx, step)
    each = [_package_manager(located) for located in commands]  # asked once per command
    managers = {m for m in each if m}
    only_packages = bool(managers) and all(m or located.name in _PLUMBING for m, located in zip(each, commands))
    return len(commands), managers, only_packages


def _only_setup(ctx: LintContext, step: Step) -> bool:
    """A shell-form RUN whose every command creates directories, users, links or modes."""
    if step.instruction.is_exec_form or step.instruction.heredocs:
        return False
    commands = [located.name for located in run_commands(ctx, step)]
    return any(name in _SETUP for name in commands) and all(name in _SETUP or name in ("set", "true", ":") for name in commands)


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
    fixes=("unsafe",),
    instructions=("RUN",),
)
def consecutive_run_instructions(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Two RUNs in a row that install packages with the same manager, or only set up files and users: one layer would do.

    ## Why
    Each RUN is a layer, with its own copy of the package manager's database and of every file
    both steps touch. Two small consecutive installs with the same package manager (an OS
    installer, pip, npm, yarn, pnpm, gem, composer, conda or micromamba) cost an extra layer and
    gain nothing: they change together anyway. So do consecutive RUNs that only run `mkdir`,
    `chown`, `chgrp`, `chmod`, `ln`, `useradd`/`adduser`, `groupadd`/`addgroup`,
    `usermod`/`groupmod`: setup that is cheap to redo, reported in the stages that ship only
    (never in builder stages, whatever `builder-stages` says) and only for RUNs directly in a
    row, so never across a COPY, ADD or ARG, which change the cache key of what follows. Set
    `setup-steps = false` to leave those out. Unlike hadolint's DL3059 this is not reported for
    every pair of short RUNs (merging unrelated steps hurts caching, hadolint #715), nor in
    builder stages (hadolint #1056). Set `mode = "any"` in `[tool.imagelint.rules.IL2002]` for
    DL3059's behaviour, `max-commands` for the size of a "small" RUN (default 2) and
    `builder-stages = true` to include builder stages.

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
    ```dockerfile
    FROM debian:12-slim
    RUN groupadd -r app && useradd -r -g app app
    RUN mkdir -p /srv/app/data /var/log/app
    RUN chown -R app:app /srv/app /var/log/app
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
    FROM debian:12-slim
    RUN useradd -r app && mkdir -p /srv/app && chown app /srv/app
    COPY --chown=app app/ /srv/app/
    RUN chmod 0755 /srv/app/run.sh
    ```
    ```dockerfile
    FROM golang:1.23 AS build
    RUN mkdir -p /out
    RUN ln -s /out /artifacts

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/ /
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

    `imagelint fix --unsafe` merges them: the second RUN's keyword (and its flags, the same as the
    first's) becomes ` && \\` and a new line, so each command keeps its text; comment lines between
    the two RUNs stay (inside the continuation), blank lines go. It leaves the advice instead for
    exec-form or heredoc RUNs, scripts that are not a plain list of commands (compound commands, a
    trailing comment), a second RUN joined by anything but `&&` or pipes, a first RUN that changes
    the shell the second would inherit (`cd`, `export`, `source`, a bare `VAR=value`) or sets
    shell options (`set -u`, `pipefail`) when the second uses variables or pipes, a SHELL that is
    not a POSIX shell, and ONBUILD triggers.

    ## Fix safety
    The merged RUN is one cache entry: changing either command reruns both. The second command now
    runs only when the first succeeded, and under the shell options the first set (`set -e`,
    `set -x`; the fix keeps the advice where `-u` or `pipefail` would change the second).
    """
    limit = int(rule.options["max-commands"])
    any_runs = rule.options["mode"] == "any"
    for sequence, index, step, _ in walk(ctx, Stateless, size_rule_stages(ctx, rule)):
        if index < max(sequence.own, 1):
            continue
        previous = sequence.steps[index - 1]
        if previous.keyword != "RUN" or step.keyword != "RUN" or previous.stage is not step.stage:
            continue
        if sorted(previous.instruction.flags) != sorted(step.instruction.flags):
            continue  # different mounts or network settings cannot share a RUN
        setup = rule.options["setup-steps"] and step.stage.index in ctx.shipped_stages and not ctx.is_trigger(step.instruction)
        if setup and _only_setup(ctx, step) and _only_setup(ctx, previous):
            yield Violation(
                f"this RUN and the RUN at line {previous.instruction.line} (both only create directories, users, links "
                "or modes) can be one RUN: join them with && to save a layer",
                step.instruction,
                fix=_merge(ctx, previous, step),
            )
            continue
        count, before_count = _command_count(ctx, step), _command_count(ctx, previous)
        if count > limit or before_count > limit or count == 0 or before_count == 0:
            continue  # known before asking which package managers the commands are
        _, managers, only_packages = _run_profile(ctx, step)
        _, before_managers, before_only = _run_profile(ctx, previous)
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
            fix=_merge(ctx, previous, step),
        )


def _merge(ctx: LintContext, previous: Step, step: Step) -> Fix | None:
    """The second RUN appended to the first with `` && \\``: the text from the end of the first
    RUN's command line to the start of the second's becomes the joint."""
    if not (editable_run(ctx, previous) and editable_run(ctx, step)):
        return None
    first, second = ctx.scripts_of(previous.instruction), ctx.scripts_of(step.instruction)
    if len(first) != 1 or len(second) != 1:
        return None
    head, tail = plain_list(first[0]), plain_list(second[0])
    if head is None or tail is None:
        return None
    joints = [connector_between(second[0], a, b) for a, b in zip(tail, tail[1:])]
    if any(j not in ("&&", "|", "|&") for j in joints):
        return None  # ``a; b`` would run b even when the first RUN failed
    if changes_shell_state(head):
        return None  # a ``cd`` or ``export`` in the first RUN would now apply to the second
    if any(c.name == "set" for c in head) and ("$" in second[0].script.text or joints):
        return None  # ``set -u`` or ``-o pipefail`` would now apply to the second RUN
    dockerfile = ctx.dockerfile
    between = dockerfile.lines[previous.instruction.end_line : step.instruction.line - 1]
    if any(line.strip() and not line.lstrip().startswith("#") for line in between):
        return None  # an ONBUILD (not a step) sits between them
    end = len(previous.instruction.value.rstrip())
    line, column = previous.instruction.position(end - 1)
    end_line, end_column = step.instruction.position(0)
    nl = newline(dockerfile)
    kept = [text for text in dockerfile.lines[line : end_line - 1] if text.lstrip().startswith("#")]
    last = dockerfile.lines[line - 1]
    indent = last[: len(last) - len(last.lstrip(" \t"))] if line > previous.instruction.line else "    "
    joint = f" && {dockerfile.escape}{nl}" + "".join(text + nl for text in kept) + (indent or "    ")
    edit = Edit(line, column + 1, end_line, end_column, joint)
    return Fix(f"merge into the RUN at line {previous.instruction.line}", "unsafe", (edit,))
