"""IL7009 world-writable-permissions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction
from imagelint.findings import Severity
from imagelint.knowledge.runs import find_starts
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start
from imagelint.shell import Command
from imagelint.variables import expand

# Comments that say the modes are for an image run under an arbitrary UID (OpenShift's
# restricted policy picks a random one, member of the root group).
_ARBITRARY_USER = re.compile(
    r"openshift|arbitrary[ -](?:user|uid|id)|random(?:ly assigned)?[ -](?:user|uid)|any[ -](?:user|uid)\b|"
    r"non-?root[ -]uid|unknown[ -](?:user|uid)",
    re.IGNORECASE,
)
# Positional parameters: the files a function or script is handed, unknown here.
_PARAMETERS = re.compile(r"^\$(?:[@*#]|\d|\{[@*\d]\})$")


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


@rule(
    code="IL7009",
    name="world-writable-permissions",
    family="security",
    severity="warning",
    instructions=("RUN", "COPY", "ADD"),
    mentions=("chmod",),
)
def world_writable_permissions(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`chmod 777` (or `a+w`, `COPY --chmod=777`, `find -exec chmod 777`): every user in the container can change those files.

    ## Why
    A world-writable program, config or directory lets any process in the container (including a
    compromised unprivileged one) replace code that root or the application later runs. Shared
    scratch directories should use the sticky bit (`1777`, like `/tmp`); for images that run under
    an arbitrary UID, give the group write access (`chgrp 0` + `chmod g=u`).

    The finding is a warning, and `info` where the mode is for an image run under an arbitrary
    UID (OpenShift's restricted policy assigns a random one, in the root group): a comment above
    the RUN, or inside it before the `chmod`, says so (OpenShift, arbitrary or random user/UID),
    or the same RUN hands files to the root group (`chgrp 0`, `chown app:0`, `chmod g=u`, also
    through `find -exec`).
    That intent is legitimate; the root group's write access serves it without opening the files
    to every user.

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
    ```dockerfile
    FROM debian:bookworm-slim
    COPY app/ /srv/app/
    RUN find /srv/app -type d -exec chmod 777 {} +
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    RUN mkdir -p /var/run/app && chmod 1777 /var/run/app
    ```
    ```dockerfile
    FROM registry.example.com/ubi9/ubi-minimal
    RUN mkdir -p /opt/app && chgrp -R 0 /opt/app && chmod -R g=u /opt/app
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN chmod -R 777 /go
    FROM registry.example.com/distroless/static:nonroot
    COPY --from=build /go/bin/app /app
    ```

    ## Fix
    Use the narrowest mode that works (`755`, `775` with the right group), set the owner with
    `chown`/`COPY --chown`, or `1777` for shared scratch directories.
    """
    for run in ctx.shipped_scripts:
        # A scratch directory the same RUN deletes again never reaches the image (official nginx).
        removed = {a for c in run.commands("rm") for a in c.args if not a.startswith("-")}
        for command, arguments, found_paths in _chmods(run):
            mode = next((a for a in arguments if not a.startswith("-") or re.fullmatch(r"-[rwxXst]+", a)), None)
            if mode is not None and _world_writable(mode):
                paths = found_paths or [a for a in arguments[arguments.index(mode) + 1 :] if not a.startswith("-")]
                if paths and all(p in removed for p in paths):
                    continue
                shown = _describe(paths, run.instruction)
                if _for_arbitrary_user(ctx, run, command):
                    violation = at_command_start(
                        run,
                        command,
                        f"chmod {mode} makes {shown} writable by every user, for an image run under an arbitrary UID; "
                        "the root group's write access (chgrp -R 0 + chmod -R g=u) serves that UID without opening "
                        "the files to every user",
                    )
                    violation.severity_cap = Severity.INFO
                    yield violation
                    continue
                yield at_command_start(
                    run,
                    command,
                    f"chmod {mode} makes {shown} writable by every user; use 755/775 with the right "
                    "owner, or 1777 for a shared scratch directory",
                )
    for instruction in ctx.of("COPY", "ADD"):
        mode = instruction.flag("chmod")
        if instruction.stage in ctx.shipped_stages and mode and _world_writable(mode):
            yield Violation(
                f"{instruction.keyword} --chmod={mode} makes the copied files writable by every user; use 755 or 644",
                instruction,
            )


def _chmods(run: RunScript) -> Iterator[tuple[Command, list[str], list[str]]]:
    """Each chmod the RUN runs, as (command, chmod's arguments, the paths it is given when a ``find``
    runs it): for ``find ... -exec chmod 777 {} +``, the folders find starts from stand for ``{}``."""
    for command in run.commands("chmod"):
        if "find" not in command.wrappers:
            yield command, command.args, []
            continue
        finder = next((f for f in run.commands("find") if f.start == command.start and f.depth < command.depth), None)
        starts = [] if finder is None else find_starts(finder.args)
        yield command, [a for a in command.args if a != "{}"], starts


def _describe(paths: list[str], instruction: Instruction) -> str:
    """The paths for a message: ARG/ENV values expanded, positional parameters (``"$@"`` in a
    function) described rather than printed."""
    shown = []
    for path in paths:
        if _PARAMETERS.match(path):
            shown.append("the files given to it")
        elif "$" in path and instruction.scope is not None:
            expansion = expand(path, instruction.scope)
            shown.append(expansion.text if not expansion.undefined and not expansion.unset and expansion.text else path)
        else:
            shown.append(path)
    shown = list(dict.fromkeys(shown))
    if not shown:
        return "the files"
    return " ".join(shown[:2]) + (" ..." if len(shown) > 2 else "")


def _for_arbitrary_user(ctx: LintContext, run: RunScript, command: Command) -> bool:
    """Whether the chmod serves an image run under an arbitrary UID: a comment above the RUN or
    inside it (up to the chmod) says so, or the RUN gives the files to the root group as that
    setup does (``chgrp 0``, ``chown x:0``, ``chmod g=u``)."""
    instruction = run.instruction
    line, _ = run.position(command.start)
    above = instruction.line - 1
    for comment in sorted(ctx.dockerfile.comments, key=lambda c: -c.line):
        if instruction.line <= comment.line <= line and _ARBITRARY_USER.search(comment.text):
            return True
        if comment.line == above:  # the comment block right above the RUN
            if _ARBITRARY_USER.search(comment.text):
                return True
            above -= 1
    return any(_root_group_setup(other) for other in run.commands())


def _root_group_setup(command: Command) -> bool:
    """``chgrp -R 0 x``, ``chown -R app:0 x``, ``chmod g=u x`` (``find -exec`` and ``xargs`` ones too)."""
    args = [a for a in command.args if not a.startswith("-")]
    if not args:
        return False
    if command.name == "chgrp":
        return args[0] in ("0", "root")
    if command.name == "chown":  # ``chown -R app:0``; ``root:root`` is the plain default
        owner, _, group = args[0].partition(":")
        return group in ("0", "root") and owner not in ("", "0", "root")
    if command.name == "chmod":
        return bool(re.fullmatch(r"g[+=]u|g\+rwX?|g=rwX?|u\+rwX?,g[+=]rwX?|g[+=]u,o-w", args[0]))
    return False
