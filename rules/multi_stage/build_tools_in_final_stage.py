"""IL4009 build-tools-in-final-stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.installs import os_package_manager
from imagelint.knowledge.package_managers import OS_PACKAGE_MANAGERS, PackageManager
from imagelint.knowledge.stages import is_application_image
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command

# Packages needed only to compile: exact names, plus *-dev (Debian/Alpine) and *-devel (RPM).
_BUILD_PACKAGES = frozenset(
    {"build-essential", "gcc", "g++", "gcc-c++", "cpp", "clang", "make", "cmake", "autoconf", "automake",
     "libtool", "pkg-config", "pkgconf", "pkgconfig", "build-base", "alpine-sdk", "musl-dev", "libc-dev",
     "libc6-dev", "linux-headers", "gfortran", "nasm", "yasm", "bison", "flex", "dpkg-dev", "ninja-build",
     "meson", "golang", "rustc", "cargo"}
)  # fmt: skip


_VERSION_PIN = re.compile(r"[=<>~].*$")


def build_package(word: str, manager: PackageManager) -> str | None:
    """The package name when it is a build-only package (version pins stripped)."""
    name = _VERSION_PIN.sub("", word).lower()
    if manager.arch_separator:
        name = name.split(manager.arch_separator, 1)[0]  # gcc:amd64
    if name in _BUILD_PACKAGES:
        return name
    suffix = manager.dev_package_suffix  # libssl-dev, openssl-devel
    if suffix and name.endswith(suffix) and len(name) > len(suffix):
        return name
    return None


def _removed_later_in_script(commands: list[Command], position: int, packages: set[str], virtual: str | None) -> set[str]:
    """Which of ``packages`` a later command of the same script uninstalls.

    Accepted: ``apt-get purge/remove <pkg>``, the docker-library ``apt-mark auto`` +
    ``apt-get purge --auto-remove`` pattern, ``apk del <pkg|virtual>``, ``yum/dnf remove``.
    A removal whose arguments come from an unresolved variable counts as removing them all.
    """
    removed: set[str] = set()
    marked_auto = False
    for command in commands[position + 1 :]:
        sub = command.subcommand()
        if command.name == "apt-mark" and sub == "auto":
            marked_auto = True
            continue
        if os_package_manager(command, removing=True) is None:
            continue
        targets = command.positionals()[1:]
        if any("$" in t for t in targets) or (marked_auto and command.has_option("--auto-remove")) or sub == "autoremove" and marked_auto:
            return set(packages)
        names = {_VERSION_PIN.sub("", t).lower() for t in targets}
        if virtual and virtual in names:
            return set(packages)
        removed |= packages & names
    return removed


@rule(
    code="IL4009",
    name="build-tools-in-final-stage",
    family="multi-stage",
    severity="warning",
    instructions=("CMD", "ENTRYPOINT"),
    mentions=tuple(sorted(OS_PACKAGE_MANAGERS)),  # it looks at OS package installs only
)
def build_tools_in_final_stage(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Compilers or `-dev` packages installed in the final image and never removed.

    ## Why
    `build-essential`, `gcc`, `make` and header packages (`libpq-dev`, `openssl-dev`,
    `*-devel`) are needed to compile native extensions, not to run them: they add 100-300 MB and
    a compiler an attacker can use. Install them in a build stage and copy the result, or
    remove them in the *same* RUN that installed them (a later RUN cannot shrink the layer).
    The official images' patterns are recognised: `apk add --virtual .build-deps ... && apk del
    .build-deps`, and `apt-mark auto` + `apt-get purge -y --auto-remove`. Only application
    images are checked (the final stage copies source, a dependency manifest or the whole
    context); toolchain images, CI images and dev containers ship compilers on purpose.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["python", "app.py"]
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
        && pip install --no-cache-dir -r requirements.txt \
        && apt-get purge -y --auto-remove gcc libpq-dev && rm -rf /var/lib/apt/lists/*
    CMD ["python", "app.py"]
    ```
    ```dockerfile
    FROM python:3.12-alpine
    COPY requirements.txt .
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \
        && pip install --no-cache-dir -r requirements.txt \
        && apk del .build-deps
    ```
    ```dockerfile
    FROM python:3.12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    COPY requirements.txt .
    RUN pip wheel --wheel-dir /wheels -r requirements.txt
    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir /wheels/*
    COPY . /app
    ```

    ## Fix
    Move the install and the compile step into a build stage, or purge the packages at the end
    of the same RUN (`apt-get purge -y --auto-remove ...`, `apk del .build-deps`).
    """
    chain = ctx.final_lineage
    if not is_application_image(ctx, chain):
        return
    for run in ctx.shipped_scripts:
        commands = list(run.commands())
        for position, command in enumerate(commands):
            manager = os_package_manager(command)
            if manager is None:
                continue
            found: list[tuple[int, str]] = []  # (word index, package)
            for index, word in enumerate(command.words[1:], start=1):
                package = build_package(word.value, manager) if not word.value.startswith("-") else None
                if package:
                    found.append((index, package))
            if not found:
                continue
            groups = manager.virtual_package_options  # apk add --virtual .build-deps
            virtual = command.option_value(*groups) if groups else None
            removed = _removed_later_in_script(commands, position, {p for _, p in found}, virtual)
            kept = [(i, p) for i, p in found if p not in removed]
            if not kept:
                continue
            names = ", ".join(p for _, p in kept[:4]) + (f" and {len(kept) - 4} more" if len(kept) > 4 else "")
            several = len(kept) > 1
            yield run.violation(
                f"build-only package{'s' if several else ''} {names} stay{'' if several else 's'} in the final image; "
                f"install {'them' if several else 'it'} in a build stage, or remove {'them' if several else 'it'} "
                "at the end of this RUN",
                command,
                word=kept[0][0],
            )
