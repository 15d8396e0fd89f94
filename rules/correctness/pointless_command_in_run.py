"""IL8023 pointless-command-in-run."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command

# hadolint's list (ssh, vim, shutdown, service, ps, free, top, kill, mount; its message also names
# ifconfig), with shutdown's siblings.
POWER = frozenset({"shutdown", "reboot", "halt", "poweroff"})
LISTINGS = frozenset({"ps", "top", "free", "ifconfig"})
NAMES = POWER | LISTINGS | {"service", "kill", "vim", "ssh", "mount"}
_STARTS = frozenset({"start", "restart", "reload", "force-reload", "try-restart"})
# vim options that run it as a script (Ex mode, commands, a script file) or only print.
_VIM_SCRIPTED = ("-c", "-e", "-E", "-s", "-S", "-es", "-Es", "--cmd", "--version", "--help", "-h", "--headless")


@rule(
    code="IL8023",
    name="pointless-command-in-run",
    family="correctness",
    severity="info",
    hadolint=("DL3001",),
    instructions=("RUN",),
    mentions=tuple(sorted(NAMES)),
)
def pointless_command_in_run(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN uses a command that does nothing useful at build time (`shutdown`, `ps`, `vim`, ...).

    ## Why
    Each RUN runs in a throwaway container with no init, no terminal and no privileges, and what it
    prints goes to the build log. `shutdown` (and `reboot`, `halt`, `poweroff`) has nothing to stop;
    `ps`, `top`, `free` and `ifconfig` describe the build container, not the one you will run;
    `vim` waits for a terminal; `mount` needs privileges a build does not have; `ssh` needs a key,
    which does not belong in the image; a daemon `service ... start` starts is killed when the RUN
    ends. These are debugging leftovers or a misunderstanding of what a build does.

    The rule stays silent where the command has a job: `service mysql start && mysql < init.sql`
    (the service is used in the same RUN), `kill $pid` or `ps` after the same RUN started a
    process in the background, `vim -es -c PlugInstall -c qa` (vim as a script), and `ssh` in a
    `RUN --mount=type=ssh`, which forwards your agent instead of copying a key.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends nginx && service nginx start
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN ps aux && free -m
    ```

    ## Good
    ```dockerfile
    FROM mysql:8.4
    RUN service mysql start && mysql -e "CREATE DATABASE app" && service mysql stop
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN TERM=xterm warmup & pid=$!; sleep 10; kill $pid || true
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=ssh ssh -o StrictHostKeyChecking=accept-new git@example.com info
    ```

    ## Fix
    Remove the command. Start daemons from `CMD` or `ENTRYPOINT`; edit files with `sed` or COPY
    them; mount with `RUN --mount=type=bind|cache|tmpfs`; reach private repositories with
    `RUN --mount=type=ssh` or a build secret.
    """
    for run in runs(ctx):
        for script in run.scripts:
            commands = list(script.commands())
            for position, command in enumerate(commands):
                if command.name not in NAMES:
                    continue
                message = _pointless(run, script, commands, position, command)
                if message:
                    yield script.violation(message, command)


def _pointless(run: Run, script: RunScript, commands: list[Command], position: int, command: Command) -> str | None:
    name = command.name
    before = commands[:position]
    started = _starts_something(before)
    if name in POWER:
        return f"{name} has nothing to stop in a build (no init; the RUN's container ends by itself); remove it"
    if name in LISTINGS:
        if started:
            return None  # checking on a process this RUN started
        return f"{name} only describes the build container, and its output ends in the build log; remove it"
    if name == "kill":
        if started:
            return None
        return "kill in a RUN that starts no process has nothing to stop; remove it"
    if name == "service":
        return _pointless_service(command, before, commands[position + 1 :])
    if name == "vim":
        if any(arg.startswith(("+", *_VIM_SCRIPTED)) for arg in command.args):
            return None
        return "vim waits for a terminal, which a build does not have; edit the file with sed, or COPY it in"
    if name == "ssh":
        if command.has_option("-V") or any(mount.type == "ssh" for mount in run.instruction.mounts()):
            return None
        return (
            "ssh in a build needs a private key, which should not be in the image; "
            "forward your agent with RUN --mount=type=ssh, or fetch over HTTPS"
        )
    if name == "mount":
        if not command.args:
            return "mount only lists the build container's mounts; remove it"
        return "mount needs privileges a build does not have; use RUN --mount=type=bind, cache or tmpfs"
    return None


def _pointless_service(command: Command, before: list[Command], after: list[Command]) -> str | None:
    positionals = command.positionals(())
    if not positionals or positionals[0].startswith("-"):
        return "service --status-all only describes the build container; remove it"
    unit = positionals[0]
    action = positionals[1] if len(positionals) > 1 else ""
    if action in _STARTS:
        if after:
            return None  # the same RUN uses the running service
        return (
            f"service {unit} {action} starts {unit} only until this RUN ends, and nothing after it uses it; "
            "start it from CMD or ENTRYPOINT"
        )
    if action == "stop":
        if _starts_something(before):
            return None
        return f"nothing in this RUN started {unit}, so service {unit} stop has nothing to stop; remove it"
    if action == "status":
        return f"service {unit} status only describes the build container; remove it"
    return None


def _starts_something(commands: list[Command]) -> bool:
    """Whether these commands start a process that outlives them: something sent to the background
    (``cmd &``), a service or init script started, a program told to daemonize."""
    for index, command in enumerate(commands):
        if command.connector == "&" or (index + 1 < len(commands) and commands[index + 1].connector == "&"):
            return True
        name = command.name
        if name in ("service", "rc-service") and any(a in _STARTS for a in command.args):
            return True
        if command.words and command.words[0].value.startswith("/etc/init.d/") and any(a in _STARTS for a in command.args):
            return True
        if name in ("start-stop-daemon", "mysqld_safe", "pg_ctl", "pg_ctlcluster") or (
            name == "systemctl" and subcommand(command) in _STARTS
        ):
            return True
        if command.has_option("--daemon", "--daemonize", "--fork"):
            return True
    return False
