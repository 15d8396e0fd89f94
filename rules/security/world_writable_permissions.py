"""IL7009 world-writable-permissions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start


def _world_writable(mode: str) -> bool:
    """Whether a chmod mode gives write access to everyone (sticky-bit modes like 1777 excepted)."""
    if re.fullmatch(r"[0-7]{3,4}", mode):
        others = int(mode[-1])
        sticky = len(mode) == 4 and int(mode[0]) & 1
        return bool(others & 2) and not sticky
    writable = sticky = False
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)", clause)
        if not match:
            return False
        who = match.group(1)
        for op, perms in re.findall(r"([-+=])([rwxXstugo]*)", match.group(2)):
            if op in "+=" and "w" in perms and ("o" in who or "a" in who):
                writable = True
            if op in "+=" and "t" in perms:
                sticky = True
    return writable and not sticky


@rule(code="IL7009", name="world-writable-permissions", family="security", severity="warning")
def world_writable_permissions(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`chmod 777` (or `a+w`, `COPY --chmod=777`): every user in the container can change those files.

    ## Why
    A world-writable program, config or directory lets any process in the container (including a
    compromised unprivileged one) replace code that root or the application later runs. Shared
    scratch directories should use the sticky bit (`1777`, like `/tmp`); for images that run under
    an arbitrary UID, give the group write access (`chgrp 0` + `chmod g=u`).

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    COPY entrypoint.sh /usr/local/bin/
    RUN chmod 777 /usr/local/bin/entrypoint.sh
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --chmod=777 app/ /srv/app/
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    RUN mkdir -p /var/run/app && chmod 1777 /var/run/app
    ```
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal
    RUN mkdir -p /opt/app && chgrp -R 0 /opt/app && chmod -R g=u /opt/app
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN chmod -R 777 /go
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /go/bin/app /app
    ```

    ## Fix
    Use the narrowest mode that works (`755`, `775` with the right group), set the owner with
    `chown`/`COPY --chown`, or `1777` for shared scratch directories.
    """
    for run in ctx.shipped_scripts:
        # A scratch directory the same RUN deletes again never reaches the image (official nginx).
        removed = {a for c in run.commands("rm") for a in c.args if not a.startswith("-")}
        for command in run.commands("chmod"):
            mode = next((a for a in command.args if not a.startswith("-") or re.fullmatch(r"-[rwxXst]+", a)), None)
            if mode is not None and _world_writable(mode):
                paths = [a for a in command.args[command.args.index(mode) + 1 :] if not a.startswith("-")]
                if paths and all(p in removed for p in paths):
                    continue
                shown = " ".join(paths[:2]) + (" ..." if len(paths) > 2 else "")
                yield at_command_start(
                    run,
                    command,
                    f"chmod {mode} makes {shown or 'the files'} writable by every user; use 755/775 with the right "
                    "owner, or 1777 for a shared scratch directory",
                )
    for instruction in ctx.of("COPY", "ADD"):
        mode = instruction.flag("chmod")
        if instruction.stage in ctx.shipped_stages and mode and _world_writable(mode):
            yield Violation(
                f"{instruction.keyword} --chmod={mode} makes the copied files writable by every user; use 755 or 644",
                instruction,
            )
