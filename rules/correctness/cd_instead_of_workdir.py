"""IL8017 cd-instead-of-workdir."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import at_script_offset

_SCRATCH_DIRS = re.compile(r"^(?:/tmp|/var/tmp|/dev/shm|/root|~|\$HOME|\$\{HOME\}|-)(?:/|$)")


def _mount_targets(instruction: Instruction) -> set[str]:
    return {mount.target.rstrip("/") for mount in instruction.mounts() if mount.target}


@rule(code="IL8017", name="cd-instead-of-workdir", family="correctness", severity="info", hadolint=("DL3003",))
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
    Replace the `cd` with `WORKDIR <dir>` before the RUN.
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
        yield at_script_offset(run, cd.start, message, fix=f"WORKDIR {target}")
