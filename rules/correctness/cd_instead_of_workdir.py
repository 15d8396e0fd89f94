"""IL8017 cd-instead-of-workdir."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction
from imagelint.edits import insert_before, newline, replace_in_script
from imagelint.fixes import Edit, Fix
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import at_script_offset, keyword_cased, lines_between_are_code
from imagelint.shell import Command

_PLAIN_PATH = re.compile(r"/[\w.@%+,:=/-]*")
_SCRATCH_DIRS = re.compile(r"^(?:/tmp|/var/tmp|/dev/shm|/root|~|\$HOME|\$\{HOME\}|-)(?:/|$)")


def _mount_targets(instruction: Instruction) -> set[str]:
    return {mount.target.rstrip("/") for mount in instruction.mounts() if mount.target}


@rule(
    code="IL8017",
    name="cd-instead-of-workdir",
    family="correctness",
    severity="info",
    hadolint=("DL3003",),
    fixes=("unsafe",),
    instructions=("RUN",),
    mentions=("cd",),
)
def cd_instead_of_workdir(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN starts by `cd`-ing into a directory for the whole script (or only `cd`s): WORKDIR says that better.

    ## Why
    Every RUN starts in the WORKDIR again, so `RUN cd /app` alone does nothing for the next
    instruction, and `RUN cd /app && npm ci` repeats a directory that WORKDIR would set once for
    RUN, COPY, CMD and the running container. Scripts that move around (several `cd`s, `cd` into
    a just-unpacked source tree, `cd /tmp`) are left alone: there WORKDIR would not do.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY . /srv/app
    RUN cd /srv/app && npm ci --omit=dev
    ```
    ```dockerfile
    FROM node:22-slim
    RUN cd /srv/app
    RUN npm ci --omit=dev
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /srv/app
    COPY . .
    RUN npm ci --omit=dev
    RUN curl -fsSL https://example.com/src.tgz | tar -xz && cd src-1.2 && ./configure && make install
    RUN cd /tmp && curl -fsSLO https://example.com/tool.deb && dpkg -i tool.deb && rm tool.deb
    ```

    ## Fix
    Replace the `cd` with `WORKDIR <dir>` before the RUN. `imagelint fix --unsafe` does that for an
    absolute directory written plainly: `RUN cd /srv/app && npm ci` becomes `WORKDIR /srv/app` on
    a line of its own and `RUN npm ci` (the RUN keeps its flags and layout), and a RUN that only
    `cd`s becomes the WORKDIR. A `cd` followed by anything but `&&` or `;` (`||`, a pipe, a
    compound command), with quotes, variables or a relative path, inside an ONBUILD trigger or a
    heredoc only gets the suggestion.

    ## Fix safety
    WORKDIR holds for every later instruction of the stage, and for the container, where
    the `cd` held for one RUN: a relative COPY destination, a later RUN or the CMD now runs in
    that directory. WORKDIR also creates a missing directory where `cd` failed the build (or, after
    `;`, carried on in the old one).
    """
    for run in ctx.run_scripts:
        top = [c for c in run.script.commands if c.depth == 0 and not c.subshell]
        if not top or top[0].name != "cd" or top[0].wrappers:
            continue
        stage = ctx.stage_of(run.instruction)
        if stage is not None and ctx.is_windows(stage):
            continue
        cd = top[0]
        targets = [a for a in cd.args if a not in ("-P", "-L", "-e", "-@")]
        if len(targets) != 1 or _SCRATCH_DIRS.match(targets[0]) or "$(" in targets[0] or "`" in targets[0]:
            continue
        if targets[0].rstrip("/") in _mount_targets(run.instruction):
            continue  # a cache or bind mount exists only during this RUN; WORKDIR cannot point there
        if any(c.name == "cd" for c in top[1:]):
            continue  # a script that moves around
        target = targets[0]
        if len(top) == 1:
            message = f"'RUN cd {target}' has no effect: the next instruction starts in the WORKDIR again; use WORKDIR {target}"
        else:
            message = f"the RUN starts with 'cd {target}'; set WORKDIR {target} before it so every later instruction runs there"
        fix = _to_workdir(ctx, run, cd, target) or f"WORKDIR {target}"
        yield at_script_offset(run, cd.start, message, fix=fix)


def _to_workdir(ctx: LintContext, run: RunScript, cd: Command, target: str) -> Fix | None:
    """``WORKDIR target`` on a line before the RUN and the ``cd target &&`` (or ``;``) removed from
    the script; the whole RUN replaced when it only ``cd``s. None when that is not exact."""
    instruction = run.instruction
    dockerfile = ctx.dockerfile
    if run.heredoc_index is not None or instruction.heredocs or ctx.is_trigger(instruction):
        return None
    if cd.assignments or cd.redirects or len(cd.words) != 2 or cd.words[1].raw != target or not _PLAIN_PATH.fullmatch(target):
        return None
    text = run.script.text
    if text[: cd.start].strip():
        return None
    workdir = f"{keyword_cased(instruction, 'WORKDIR')} {target}"
    rest = text[cd.end :].lstrip()
    if rest in ("", ";"):
        line, column = instruction.segments[0][1:]
        end_line, end_column = instruction.position(len(instruction.value.rstrip()) - 1)
        if not lines_between_are_code(dockerfile, line, end_line):
            return None
        return Fix(f"replace the RUN with {workdir}", "unsafe", (Edit(line, column, end_line, end_column + 1, workdir),))
    connector = "&&" if rest.startswith("&&") else ";" if rest.startswith(";") and not rest.startswith(";;") else None
    commands = run.script.commands
    if connector is None or len(commands) < 2:
        return None
    following = commands[1]
    start = len(text) - len(rest[len(connector) :].lstrip())
    if following.depth or following.subshell or following.connector != connector or following.start != start:
        return None
    removal = replace_in_script(run, cd.start, start, "")
    if not lines_between_are_code(dockerfile, removal.line, removal.end_line):
        return None
    first = dockerfile.lines[instruction.line - 1]
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    before = insert_before(instruction, f"{indent}{workdir}{newline(dockerfile)}")
    return Fix(f"set {workdir} before the RUN and drop the cd", "unsafe", (before, removal))
