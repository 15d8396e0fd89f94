"""Helpers that two or more package-hygiene rules share.

Rules about how package managers are called: prompts, recommends, caches, upgrades and pinning.

Cache rules only look at RUNs whose layers end up in the final image (the final stage and the
stages it is built FROM, plus ONBUILD triggers): what a builder stage leaves behind never ships.
Each accepts the three ways to keep a cache out of a layer: the tool's own switch or setting, a
BuildKit ``RUN --mount=type=cache`` (or ``tmpfs``) on the cache directory, or removing it in the
same RUN.
"""

from __future__ import annotations

from imagelint.context import RunScript
from imagelint.knowledge.package_managers import PIP_INSTALL_VALUE_OPTIONS
from imagelint.knowledge.runs import shorten
from imagelint.rule import Violation
from imagelint.shell import Command

TRUE = frozenset({"1", "true", "yes", "on"})


def apt_option(command: Command, key: str) -> str | None:
    """Value given with ``-o Key=value`` (keys are case-insensitive in apt)."""
    for value in command.option_values("-o", "--option"):
        name, _, setting = value.partition("=")
        if name.strip().lower() == key.lower():
            return setting.strip().strip("\"'").lower()
    return None


PIP_VALUE_OPTIONS = PIP_INSTALL_VALUE_OPTIONS


def first_word(command: Command, value: str) -> int:
    """Index of the word holding ``value`` (for the finding's column); 0 when not found."""
    return next((i for i, w in enumerate(command.words) if i > 0 and w.value == value), 0)


def pin_violation(script: RunScript, command: Command, tool: str, unpinned: list[str], example: str) -> Violation:
    return script.violation(
        f"{tool} installs {shorten(unpinned)} without a version; pin {'it' if len(unpinned) == 1 else 'them'} "
        f"({example}) for reproducible builds",
        command,
        word=first_word(command, unpinned[0]),
    )


def is_local_or_variable(package: str) -> bool:
    return "$" in package or "/" in package or package.startswith(".") or "://" in package
