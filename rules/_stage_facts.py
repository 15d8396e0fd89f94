"""Stage facts the security and correctness rules share: what ships, which shell runs, which OS."""

from __future__ import annotations

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, Stage

_WINDOWS_IMAGES = ("windows", "servercore", "nanoserver", "dotnet/framework")
_WINDOWS_SHELLS = ("powershell", "pwsh", "cmd", "cmd.exe", "powershell.exe", "pwsh.exe")


def chain(stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it is built FROM, nearest first."""
    stages = []
    current: Stage | None = stage
    while current is not None and current not in stages:
        stages.append(current)
        current = current.parent
    return stages


def shipped_stages(ctx: LintContext) -> list[Stage]:
    """Stages whose layers, history and config end up in the image that is shipped."""
    return chain(ctx.final_stage) if ctx.final_stage is not None else []


def shell_in_force(stage: Stage, before: Instruction | None = None) -> list[str] | None:
    """The SHELL (exec form) in force in a stage before an instruction, or None for /bin/sh -c."""
    for link in chain(stage):
        shells = [
            i for i in link.instructions
            if i.keyword == "SHELL" and i.json_args and (link is not stage or before is None or i.index < before.index)
        ]  # fmt: skip
        if shells:
            return shells[-1].json_args
    return None


def is_windows(ctx: LintContext, stage: Stage) -> bool:
    """Windows images: backtick escape, a Windows base image, or a PowerShell/cmd SHELL."""
    if ctx.dockerfile.escape == "`":
        return True
    root = chain(stage)[-1]
    if any(marker in root.base.resolved.lower() for marker in _WINDOWS_IMAGES):
        return True
    shell = shell_in_force(stage)
    return bool(shell) and shell[0].rsplit("\\", 1)[-1].rsplit("/", 1)[-1].lower() in _WINDOWS_SHELLS
