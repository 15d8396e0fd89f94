"""IL7001 final-stage-runs-as-root."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from imagelint.context import LintContext
from imagelint.dockerfile import Stage
from imagelint.findings import Severity
from imagelint.knowledge import base_images
from imagelint.knowledge.context_sources import context_sources
from imagelint.knowledge.stages import is_dev_container, root_image, runs_an_application, start_command
from imagelint.lazy_pattern import LazyPattern
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import SHELLS, Command, parse_script
from imagelint.variables import expand

_ROOT_USERS = {"root", "0"}


# Programs that drop root for the real process, as installed or copied into the image (the
# official images' entrypoint pattern): seeing them in a RUN, COPY or ADD is enough.
_DROPPER_NAMES = ("gosu", "su-exec", "setpriv", "chpst", "s6-setuidgid")
_PRIVILEGE_DROPPERS = LazyPattern(rf"(?:^|/)(?:{'|'.join(map(re.escape, _DROPPER_NAMES))})(?![A-Za-z0-9_])")
# Programs that run their command as another user, when the image's start command (or its
# entrypoint script) calls them; ``su``, ``sudo`` and ``chroot`` only with a user (see _switches_user).
_USER_SWITCHERS = frozenset({"gosu", "su-exec", "setpriv", "runuser", "chpst", "s6-setuidgid", "setuidgid"})

# Servers whose master process starts as root and runs the workers that serve requests as the
# unprivileged user their configuration names (php-fpm pools, Apache's User, nginx's user).
_SERVER_MASTERS = LazyPattern(r"^(?:php-fpm[\d.]*|apache2-foreground|apache2ctl|apache2|httpd-foreground|httpd|nginx|unitd)$")
# Programs that only start the real one: init processes and entrypoint scripts.
_LAUNCHERS = LazyPattern(r"^(?:tini|tini-static|dumb-init|--|.*entrypoint(?:\.sh)?)$")
# Interpreters whose bare invocation is an interactive prompt (a REPL): ``python3``, ``perl -de0``.
_INTERPRETERS = LazyPattern(r"^(?:python[\d.]*|pypy[\d.]*|node|nodejs|irb|jshell|erl|iex|ghci|julia|R|perl[\d.]*|php[\d.]*|lua[\d.]*)$")
_SHELLS = SHELLS | {"pwsh", "pwsh-preview", "powershell", "fish", "tcsh", "csh"}
_SCRIPT_OPTIONS = frozenset({"-c", "-command", "-file", "-f", "-encodedcommand"})
_REPL_OPTIONS = frozenset({"-a", "-i", "-d", "-de0", "-q", "--interactive"})
_IF_DEPLOYED = "add 'USER <non-root user>' if you deploy it to run a service"
# An entrypoint script larger than this is not read (scripts are a few kilobytes).
_SCRIPT_LIMIT = 256 * 1024


@rule(
    code="IL7001",
    name="final-stage-runs-as-root",
    family="security",
    severity="warning",
    hadolint=("DL3002",),
    checkov=("CKV_DOCKER_3", "CKV_DOCKER_8"),
    instructions=("FROM",),
)
def final_stage_runs_as_root(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """The final stage ends as root (its last USER is root, or it sets no USER at all).

    ## Why
    A process running as root inside the container is root on every file the container can
    reach and is one kernel bug away from root on the host. Builder stages are exempt: only the
    image you ship runs.

    A last `USER root` is always a warning. With no USER at all, what the image runs decides:

    - **warning**: an image that runs a program (an application, a server) as root. When the
      base image is not an official one whose user is known, the message says the base may set
      a USER of its own.
    - **info**, saying why: a server whose master process alone stays root and whose workers run
      as the user its configuration names (`php-fpm`, Apache's `httpd`/`apache2-foreground`,
      `nginx`, NGINX Unit); and a build, SDK or base image whose command is a shell, an
      interactive interpreter or a build tool (its own CMD, or the one an official base image
      such as `golang`, `python` or `debian` gives it), or a development container.
    - **silent**: the image drops root itself: `gosu`, `su-exec`, `setpriv`, `chpst` or
      `s6-setuidgid` installed, copied or called; its ENTRYPOINT/CMD running the program through
      one of those, `runuser`, `su -c`, `sudo -u` or `chroot --userspec`; an entrypoint script
      copied from the build context that does so (imagelint reads it); the ENTRYPOINT of
      `postgres`, `mysql`, `mariadb`, `redis` or `mongo` kept with the server as the command (it
      drops to the server's user for that command only); or an official base image that
      already ends with a non-root USER (`memcached`, `haproxy`, `elasticsearch`, `kibana`,
      `logstash`, `sonarqube`) or another publisher's that does (Grafana, the Prometheus images,
      `jenkins/jenkins`, Keycloak, Elastic's), a `nonroot`, `chiseled` or `distroless` tag, a
      `rootless` or `unprivileged` image (`nginxinc/nginx-unprivileged`). A `USER root` written
      in the final stage is reported whatever the base.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY app.py /app/
    CMD ["python", "/app/app.py"]
    ```
    ```dockerfile
    FROM python:3.12-slim
    USER app
    RUN pip install --no-cache-dir flask
    USER root
    ```
    ```dockerfile
    FROM php:8.3-fpm
    COPY . /var/www/html/
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    CMD ["python", "-m", "http.server"]
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /app /app
    ```
    ```dockerfile
    FROM alpine:3.20 AS base
    USER 1000
    FROM base
    CMD ["sh"]
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gosu \\
        && rm -rf /var/lib/apt/lists/*
    ENTRYPOINT ["docker-entrypoint.sh"]
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    COPY docker-entrypoint.sh /usr/local/bin/
    ENTRYPOINT ["docker-entrypoint.sh"]
    CMD ["app-server"]
    ```
    ```context
    docker-entrypoint.sh = #!/bin/sh\\nexec setpriv --reuid=app --regid=app --init-groups "$@"
    ```
    ```dockerfile
    FROM postgres:17
    COPY schema.sql /docker-entrypoint-initdb.d/
    ```

    ## Fix
    Create an unprivileged user and switch to it with `USER` at the end of the final stage, or
    start the program through `gosu`/`setpriv` from the entrypoint when it must prepare files as
    root first.
    """
    stage = ctx.final_stage
    if stage is None or stage.base.is_scratch or ctx.is_windows(stage):
        return
    stages = ctx.final_lineage
    root_base = stages[-1].base
    for link in stages:
        users = [i for i in link.instructions if i.keyword == "USER"]
        if not users:
            continue
        last = users[-1]
        written = last.value.strip().strip("\"'")
        user = expand(written, last.scope).text if last.scope is not None and "$" in written else written
        if user.split(":", 1)[0] in _ROOT_USERS:
            yield Violation(
                "the final stage's last USER is root; switch to an unprivileged user (USER app) after the root-only steps",
                last,
            )
        return
    official = base_images.official_image(root_base)
    entrypoint, cmd = start_command(stages)
    # Images built to run as non-root (their USER comes from the base), or that drop root themselves.
    if base_images.runs_as_non_root(root_base) or _drops_privileges(ctx, stages, entrypoint, cmd):
        return
    servers = base_images.ROOT_DROPPING_ENTRYPOINTS.get(official or "")
    if entrypoint is None and servers and (not cmd or cmd[0].startswith("-") or posixpath.basename(cmd[0]) in servers):
        return  # the official entrypoint drops to the server's user for the server's own command
    why = _root_on_purpose(ctx, stages, entrypoint, cmd)
    if why is not None:
        yield Violation(
            f"the final stage sets no USER: {why}",
            stage.from_instruction,
            severity_cap=Severity.INFO,
        )
        return
    shown = root_base.raw if root_base.unresolved or not root_base.resolved else root_base.resolved
    unless = "" if base_images.runs_as_root_by_default(root_base) else f" unless its base image {shown} sets one"
    yield Violation(
        f"the final stage sets no USER, so the container runs as root{unless}; "
        "add 'USER <non-root user>' before CMD/ENTRYPOINT",
        stage.from_instruction,
    )


def _program(entrypoint: list[str] | None, cmd: list[str] | None) -> list[str]:
    """The argv of the program the image runs: ENTRYPOINT then CMD, past init processes and
    entrypoint scripts when something follows them (by convention they end by running it)."""
    argv = [*(entrypoint or ()), *(cmd or ())]
    while len(argv) > 1 and _LAUNCHERS.match(posixpath.basename(argv[0])):
        argv = argv[1:]
    return argv


def _root_on_purpose(ctx: LintContext, stages: list[Stage], entrypoint: list[str] | None, cmd: list[str] | None) -> str | None:
    """Why running as root is what this image is for (a server whose workers drop root, a build
    or SDK image) and what to do if it is not, or None for an image that runs a program as root."""
    if is_dev_container(ctx, stages):
        return f"it is a development container, whose user runs their own commands in it; {_IF_DEPLOYED}"
    # An entrypoint script with no CMD to start is the program itself: it runs as root.
    argv = _program(entrypoint, cmd)
    if not argv and entrypoint is None:
        inherited = base_images.default_command(root_image(stages))
        if inherited is not None and not _SERVER_MASTERS.match(inherited):
            return f"its command is {inherited}, inherited from {root_image(stages).resolved}, as in a build, SDK or base image; {_IF_DEPLOYED}"
        argv = [inherited] if inherited is not None else []
    if not argv:
        return None
    program = posixpath.basename(argv[0])
    if _SERVER_MASTERS.match(program):
        return (
            f"{program} keeps only its master process as root and runs its workers as the user its configuration "
            "names; to run it all unprivileged, add 'USER <non-root user>' and listen on a port above 1024"
        )
    kind = _interactive_kind(argv)
    return f"its command is {kind} ({program}), as in a build, SDK or base image; {_IF_DEPLOYED}" if kind else None


def _interactive_kind(argv: list[str]) -> str | None:
    """What a start command offers when it waits for the user's commands: a shell, an interactive
    interpreter or a build tool; None when it runs a program."""
    program = posixpath.basename(argv[0])
    if program in _SHELLS:  # ``bash``, ``pwsh -NoLogo``; not ``sh -c 'exec app'``, ``bash run.sh``, ``pwsh -File x.ps1``
        args = argv[1:]
        runs = any(not a.startswith("-") for a in args) or any(a.lower() in _SCRIPT_OPTIONS for a in args)
        return None if runs else base_images.SHELL
    if _INTERPRETERS.match(program):
        return base_images.INTERPRETER if all(a in _REPL_OPTIONS for a in argv[1:]) else None
    return None if runs_an_application(argv) else base_images.BUILD_TOOL


def _drops_privileges(ctx: LintContext, stages: list[Stage], entrypoint: list[str] | None, cmd: list[str] | None) -> bool:
    """The image installs, copies or calls gosu/su-exec/setpriv, or starts its program through a
    user switch (in the ENTRYPOINT/CMD itself or in an entrypoint script from the build context)."""
    for run in ctx.shipped_scripts:
        if _may_name_privilege_dropper(run.script.text) and _names_privilege_dropper(
            w.value for command in run.commands() for w in command.raw_words
        ):
            return True
    shipped = ctx.shipped_stages
    for instruction in ctx.instructions:
        if instruction.stage in shipped and instruction.keyword in ("COPY", "ADD", "ENTRYPOINT", "CMD"):
            if _names_privilege_dropper(instruction.words()):
                return True
    argv = [*(entrypoint or ()), *(cmd or ())]
    if _switches_user(argv):
        return True
    return any(_script_switches_user(text) for text in _entrypoint_scripts(ctx, stages, argv))


def _names_privilege_dropper(words: Iterable[str]) -> bool:
    """Whether a word names gosu & co (:data:`_PRIVILEGE_DROPPERS`). One search over the words joined
    by "/" instead of one per word: a match starts at the start of a word or after a "/" and ends
    before a character that is no name character, so the "/" between two words stands for both.
    The names are looked for first: substring tests are much cheaper than the pattern."""
    text = "/".join(words)
    return any(name in text for name in _DROPPER_NAMES) and _PRIVILEGE_DROPPERS.search(text) is not None


# What the shell takes out of a word's text to make its value: quotes, escapes (the backslash, or
# the backtick of ``# escape=```) and the newline of an escaped line break.
_WORD_QUOTING = str.maketrans("", "", "'\"\\`\n")


def _may_name_privilege_dropper(script_text: str) -> bool:
    """A cheap first test for a RUN script: whether any of its words' values may hold a dropper's
    name. A value is its word's text less the quoting, so the name is then in the script text
    less the quoting too; only ``$'...'`` escapes (``$'\\x67osu'``) make characters the text lacks."""
    if "$'" in script_text:
        return True
    squeezed = script_text.translate(_WORD_QUOTING)
    return any(name in squeezed for name in _DROPPER_NAMES)


def _switches_user(argv: list[str]) -> bool:
    """Whether a command line runs (part of) itself as another user: ``runuser -u app -- x``,
    ``su app -c x``, ``sudo -u app x``, ``chroot --userspec=app / x``, ``setpriv --reuid=app x``."""
    names = [posixpath.basename(word) for word in argv]
    for i, name in enumerate(names):
        rest = argv[i + 1 :]
        if name in _USER_SWITCHERS:
            return True
        if name == "su" and "-c" in rest and "root" not in rest:
            return True
        if name == "sudo" and any(a in ("-u", "--user") or a.startswith("--user=") for a in rest):
            return True
        if name == "chroot" and any(a.startswith("--userspec") for a in rest):
            return True
    return False


def _script_switches_user(text: str) -> bool:
    """Whether an entrypoint script runs something as another user (see _switches_user)."""
    script = parse_script(text)
    return any(_switches_user([w.value for w in command.raw_words]) or _wrapped_switch(command) for command in script.commands)


def _wrapped_switch(command: Command) -> bool:
    """``exec gosu app "$@"``: the shell model strips gosu and su-exec as wrappers."""
    return any(wrapper in _USER_SWITCHERS for wrapper in command.wrappers)


def _entrypoint_scripts(ctx: LintContext, stages: list[Stage], argv: list[str]) -> Iterator[str]:
    """The text of the scripts the start command runs, when a COPY/ADD took them from the build
    context: a file whose name is the command's (``COPY docker-entrypoint.sh /usr/local/bin/``),
    or the same path in a copied tree (``COPY rootfs/ /``)."""
    programs = {word for word in argv[:3] if not word.startswith("-")}
    if not programs:
        return  # no start command written here: no script to look for
    context = ctx.build_context
    if context is None:
        return
    root: Path | None = None  # the context's real path, resolved once it is needed
    for link in stages:
        for instruction in link.instructions:
            if instruction.keyword not in ("COPY", "ADD"):
                continue  # no context sources
            words = instruction.words()
            destination = words[-1] if words else None
            for source in context_sources(instruction):
                for program in programs:
                    candidate = _copied_as(source.path, destination, program, len(words) > 2)
                    if candidate is None:
                        continue
                    path = context.root / candidate
                    try:
                        # One stat first: most candidates are no file, and resolving a path
                        # stats each of its directories.
                        if not path.is_file():
                            continue
                        if root is None:
                            root = context.root.resolve()
                        inside = path.resolve().is_relative_to(root)  # no symlink out of the context
                        if inside and path.stat().st_size <= _SCRIPT_LIMIT:
                            yield path.read_text(encoding="utf-8", errors="replace")
                    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
                        continue


def _copied_as(source: str, destination: str | None, program: str, several: bool) -> str | None:
    """The context path a COPY of ``source`` to ``destination`` puts where ``program`` runs from."""
    name = posixpath.basename(program)
    if destination is None or not source:
        return None
    if posixpath.basename(source) == name and (several or destination.endswith("/") or posixpath.basename(destination) in ("", ".", name)):
        return source
    if not several and not destination.endswith("/") and posixpath.basename(destination) == name:
        return source
    if program.startswith("/") and posixpath.isabs(destination):
        inside = posixpath.relpath(program, destination.rstrip("/") or "/")
        if not inside.startswith(".."):
            return posixpath.join(source, inside)
    return None
