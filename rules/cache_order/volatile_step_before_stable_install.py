"""IL1003 volatile-step-before-stable-install."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import URL, dependency_install, download_target, named_install, urls
from imagelint.knowledge.steps import (
    Located,
    Sequence,
    Step,
    every_step,
    expand_word,
    is_under,
    references_variable,
    resolve,
    run_commands,
    walk,
)
from imagelint.lazy_pattern import LazyPattern
from imagelint.rule import Rule, Violation, rule
from imagelint.variables import Scope

# Build arguments whose value changes on (nearly) every build: commit ids, dates, build numbers.
_VOLATILE_ARG = LazyPattern(
    r"^(?:(?:GIT_|VCS_|SOURCE_|CI_|GITHUB_|BUILD_)?(?:COMMIT|REVISION|REV|REF|SHA|SHA1|HASH)(?:_?(?:SHA|ID|HASH|REF|SHORT))?"
    r"|(?:GIT|VCS|COMMIT|SOURCE)_?(?:COMMIT|SHA|REF|HASH|REVISION)(?:_SHORT)?"
    r"|BUILD_?(?:DATE|TIME|TIMESTAMP|ID|NUMBER|NUM)|(?:CREATED|TIMESTAMP|BUILD_DATE_TIME))$",
    re.IGNORECASE,
)


# Single words that are checksums or pins when alone (``SHA`` next to a download), not commit ids.
_NOT_VOLATILE = frozenset({"SHA", "REF", "HASH", "REV", "SHA1"})


# Programs that do not read the project files (unless given a path inside the copied tree): file
# shuffling, downloads, OS package managers, and the language managers used for global tools.
_NEUTRAL = frozenset(
    {"set", "export", "unset", "echo", "printf", "true", "false", "test", "[", "[[", ":", "rm", "mkdir", "rmdir",
     "ln", "chmod", "chown", "chgrp", "mv", "cp", "install", "touch", "tar", "unzip", "gzip", "gunzip", "xz",
     "bzip2", "sha256sum", "sha512sum", "sha1sum", "md5sum", "gpg", "gpgv", "gpgconf",
     "dpkg-architecture", "uname", "useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "id",
     "cd", "ldconfig", "update-ca-certificates", "apt-mark", "locale-gen", "localedef", "update-alternatives",
     "sed", "grep", "cat", "tee", "sort", "which", "command", "dirname", "basename", "mktemp", "ls", "head",
     "tail", "awk", "tr", "cut", "wc", "curl", "wget", "git", "exit"}
) | pm.LOW_LEVEL_COMMANDS | pm.OS_PACKAGE_MANAGERS | frozenset(pm.NPM.commands + pm.GEM.commands)  # fmt: skip


_SILENT = frozenset({"set", "export", "unset", "echo", "printf", "true", "false", ":", "exit"})


def _volatile_arg(step: Step) -> list[str]:
    if step.keyword != "ARG":
        return []
    names = []
    for word in step.instruction.words():
        name = word.split("=", 1)[0]
        if _VOLATILE_ARG.match(name) and name.upper() not in _NOT_VOLATILE:
            names.append(name)
    return names


def _copied_tree(step: Step) -> str | None:
    """Where a COPY/ADD of the whole build context puts it (not onto /, where it cannot be told
    apart from the image's files)."""
    copy = step.copy
    if copy is not None and copy.whole_context and copy.destination not in (None, "/"):
        return copy.destination
    return None


def _touches(text: str, cwd: str, root: str, scope: Scope | None) -> bool:
    """Whether a word (or ``--opt=value``) is a path inside ``root``, the copied tree."""
    if text.startswith("-"):
        if "=" not in text:
            return False
        text = text.split("=", 1)[1]
    if not text or URL.match(text):
        return False
    expanded = expand_word(text, scope)
    if expanded is None:
        # A variable we cannot resolve: judge by the literal part before it.
        literal = text.split("$", 1)[0]
        directory = literal.rsplit("/", 1)[0] if "/" in literal else ""
        if not literal.startswith("/") or not directory:
            return True
        return is_under(directory, root) or is_under(root, directory)
    return is_under(resolve(expanded, cwd), root)


def _stable_work(ctx: LintContext, step: Step, root: str | None, variable: str | None) -> Located | None:
    """The first expensive, project-independent command of a RUN, when the whole RUN is such work.

    Independent means: only package installs, downloads and file shuffling outside ``root`` (the
    tree a whole-context COPY filled) and no use of ``variable``. Anything else (a build script,
    ``make``, a path into the copied tree) makes the RUN depend on what came before.
    """
    if any(mount.type == "bind" for mount in step.instruction.mounts()):
        return None
    expensive = None
    for located in run_commands(ctx, step):
        command = located.command
        if not command.words:
            continue
        installs = named_install(command, located.name)
        if (located.name not in _NEUTRAL and installs is None) or "/" in command.words[0].value or dependency_install(command):
            return None
        if variable is not None and references_variable(command, variable):
            return None
        if root is not None and not _independent_of_tree(located, root, step):
            return None
        if expensive is None and _is_expensive(located):
            expensive = located
    return expensive


# Programs whose arguments are names, not paths; and those whose first argument is a mode, an
# owner or a script rather than a file.
_NO_PATH_ARGS = frozenset(
    {"useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "id", "uname", "dpkg-architecture",
     "apt-mark", "update-ca-certificates", "ldconfig", "locale-gen", "localedef", "which", "command", "exit",
     "test", "[", "[["}
)  # fmt: skip


_FIRST_NOT_PATH = frozenset({"chmod", "chown", "chgrp", "sed", "grep", "awk"})


def _independent_of_tree(located: Located, root: str, step: Step) -> bool:
    """Whether a command neither reads nor writes the tree a whole-context COPY filled."""
    command = located.command
    redirects = [r.target.value for r in command.redirects if r.target is not None and r.op not in (">&", "<&")]
    if any(_touches(t, located.cwd, root, step.scope) for t in redirects):
        return False
    name = located.name
    if name in _SILENT:
        return True
    installed = named_install(command, located.name)
    if installed is not None:
        return not installed.local
    if name in ("curl", "wget"):
        target = download_target(command, located.cwd)
        return target is None or not is_under(target, root)
    if name in pm.OS_PACKAGE_MANAGERS or name in _NO_PATH_ARGS:
        return True  # ``apt-get update``, ``apk del``, ``yum clean all`` read no project file
    words = [w.value for w in command.words[1:]]
    if name in _FIRST_NOT_PATH:
        first = next((i for i, w in enumerate(words) if not w.startswith("-")), None)
        if first is not None:
            del words[first]
    return not any(_touches(w, located.cwd, root, step.scope) for w in words if not w.startswith("-") or "=" in w)


def _is_expensive(located: Located) -> bool:
    command = located.command
    installed = named_install(command, located.name)
    if installed is not None and installed.packages:
        return True
    if located.name in ("curl", "wget") and urls(command):
        return True
    return located.name == "git" and located.sub == "clone"


def _describe(located: Located) -> str:
    sub = located.sub if located.name not in ("curl", "wget") else None
    return f"{located.name} {sub}" if sub else located.name


@rule(
    code="IL1003",
    name="volatile-step-before-stable-install",
    family="cache-order",
    severity="warning",
    instructions=("RUN",),
)
def volatile_step_before_stable_install(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A step that changes on every build (`COPY . .`, `ARG GIT_COMMIT`) comes before installs that do not need it.

    ## Why
    Everything after a changed layer is rebuilt. `COPY . .` changes with every source edit; an
    `ARG` such as `GIT_COMMIT`, `BUILD_DATE` or `BUILD_NUMBER` changes with every CI build (every
    RUN after an ARG sees it in its environment, so its cache key changes even if the RUN never
    uses it). OS packages, downloads and tools installed after such a step are fetched and
    installed again each time, although they do not depend on it. Only RUNs made entirely of
    package installs, downloads and file shuffling that does not touch the copied tree nor use
    the argument are reported, once per volatile step.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    ARG GIT_COMMIT
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    RUN apk add --no-cache ca-certificates tzdata
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    WORKDIR /app
    COPY . .
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache ca-certificates tzdata
    ARG GIT_COMMIT
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    ```
    ```dockerfile
    FROM alpine:3.20
    ARG BUILD_DATE
    RUN apk add --no-cache curl && echo "$BUILD_DATE" > /build-date
    ```
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    RUN apt-get update && apt-get install -y --no-install-recommends ./vendor/tool.deb
    ```

    ## Fix
    Move the installs above the volatile step; declare commit/date ARGs right before the
    instruction that uses them (usually a LABEL at the end).
    """
    if not any(
        _volatile_arg(step) or _copied_tree(step) for step in every_step(ctx) if step.keyword in ("ARG", "COPY", "ADD")
    ):
        return  # most Dockerfiles: no step changes on every build, no walk needed
    # (a stage's sequence, volatile position) -> the volatile step and the independent RUNs of
    # that stage after it
    found: dict[tuple[Sequence, int], tuple[tuple[Step, str, str], list[Located]]] = {}
    for sequence, index, step, state in walk(ctx, _Volatiles):
        volatiles = state.volatiles
        for name in _volatile_arg(step):
            volatiles.append((step, "arg", name))
        tree = _copied_tree(step)
        if tree is not None and not any(kind == "copy" for _, kind, _ in volatiles):
            volatiles.append((step, "copy", tree))
        if step.keyword != "RUN" or index < sequence.own:
            continue
        for position, volatile_step in enumerate(volatiles):
            volatile, kind, what = volatile_step
            if kind == "arg" and volatile.stage is not step.stage:
                continue  # an ARG ends with its stage
            work = _stable_work(ctx, step, what if kind == "copy" else None, what if kind == "arg" else None)
            if work is not None:
                found.setdefault((sequence, position), (volatile_step, []))[1].append(work)
    for (volatile, kind, what), works in found.values():
        first = works[0]
        more = f" (and {len(works) - 1} later RUNs)" if len(works) > 1 else ""
        line = volatile.instruction.line
        if kind == "copy":
            message = (
                f"{_describe(first)} does not use the files {volatile.keyword} . at line {line} brings in, yet re-runs "
                f"on every source change{more}; move this RUN above line {line}"
            )
        else:
            message = (
                f"ARG {what} at line {line} changes every build and makes this {_describe(first)}, which does not use it, "
                f"re-run each time{more}; declare the ARG after this RUN, just before its first use"
            )
        yield first.script.violation(message, first.command)


class _Volatiles:
    """The steps so far that change on every build: (step, "arg" or "copy", ARG name or copied tree)."""

    def __init__(self, volatiles: list[tuple[Step, str, str]] | None = None) -> None:
        self.volatiles = volatiles or []

    def fork(self) -> _Volatiles:
        return _Volatiles(list(self.volatiles))
