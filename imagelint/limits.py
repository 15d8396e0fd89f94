"""How much of a hostile input imagelint takes on: every limit, its default and the variable that
raises it (docs/security.md lists them all).

Each limit only stops generated or hostile input from taking a run's memory and time: real
Dockerfiles and config files stay far below every default. A limit that is exceeded is reported
(an IL8001 finding, or a one-line error naming the file), never a crash.

The variables are read when a limit is needed; :func:`check_environment` (called once by the
command line) makes a value that is not a positive whole number an error before anything is read.
"""

from __future__ import annotations

import os

from imagelint.records import Record


class LimitSettingError(ValueError):
    """An ``IMAGELINT_MAX_*`` variable that is not a positive whole number."""


class Limit(Record):
    __slots__ = ("variable", "default", "unit")

    def __init__(
        self,
        variable: str,  # the environment variable that raises it
        default: int,
        unit: str,  # what is counted, for messages: "bytes", "tokens", "levels"
    ) -> None:
        self.variable = variable
        self.default = default
        self.unit = unit

    def value(self) -> int:
        """The limit in force: the variable's value, or the default (also for a bad value, which
        :func:`check_environment` has already refused on the command line)."""
        try:
            return self.read()
        except LimitSettingError:
            return self.default

    def read(self) -> int:
        """The limit in force; :class:`LimitSettingError` for a bad value of its variable."""
        raw = os.environ.get(self.variable, "").strip()
        if not raw:
            return self.default
        try:
            number = int(raw.replace("_", ""))
        except ValueError:
            number = 0
        if number <= 0:
            raise LimitSettingError(f"{self.variable}={raw!r}: not a positive number of {self.unit}")
        return number

    def shown(self, value: int | None = None) -> str:
        """The limit (``value``, or the one in force) in a message: ``the 1 MB limit``, ``the
        50000-token limit``."""
        value = self.value() if value is None else value
        if self.unit == "bytes" and value % 100_000 == 0:
            return f"the {value / 1000 / 1000:g} MB limit"
        singular = self.unit[:-1] if self.unit.endswith("s") else self.unit
        return f"the {value}-{singular} limit"


# A Dockerfile's size: imagelint/dockerfile/loader.py reads it and refuses a bad value itself (as
# it always has: library callers never run check_environment).
DOCKERFILE_BYTES = Limit("IMAGELINT_MAX_DOCKERFILE_BYTES", 10 * 1000 * 1000, "bytes")
# One ARG/ENV value after expansion (and any one expansion a rule asks for). ``ARG B=$A$A``
# doubling 40 times would be 1 TB; real values (PATH, package lists) are a few kB.
VARIABLE_BYTES = Limit("IMAGELINT_MAX_VARIABLE_BYTES", 1000 * 1000, "bytes")
# What all the expansions of one Dockerfile add to the text they expand, rules' included:
# thousands of ``COPY $BIG/x`` lines would otherwise copy a 1 MB value each, for every rule.
EXPANDED_BYTES = Limit("IMAGELINT_MAX_EXPANDED_BYTES", 64 * 1000 * 1000, "bytes")
# Words and operators of the RUN scripts of one Dockerfile that go into the shell model (about
# 0.5 kB of memory each). The largest Dockerfile of the corpus has under 800; a 1 MB RUN line of
# `echo x && ...` has 300,000.
SHELL_TOKENS = Limit("IMAGELINT_MAX_SHELL_TOKENS", 500_000, "tokens")
# A config file: .imagelint.toml, pyproject.toml, .hadolint.yaml, .dive-ci, a Compose file. Real
# ones are a few kB (a large pyproject.toml 50 kB); PyYAML needs about 1 s per MB.
CONFIG_FILE_BYTES = Limit("IMAGELINT_MAX_CONFIG_FILE_BYTES", 1000 * 1000, "bytes")
# Nodes of a YAML document counting every use of an alias (``*name``) in full: a "billion laughs"
# file of a few hundred bytes stands for 10^9 nodes.
YAML_NODES = Limit("IMAGELINT_MAX_YAML_NODES", 1_000_000, "nodes")
# Nesting of arrays and tables in a config file, and of ``${A:-${B:-...}}`` in a Dockerfile.
NESTING = Limit("IMAGELINT_MAX_NESTING", 100, "levels")

ALL = (DOCKERFILE_BYTES, VARIABLE_BYTES, EXPANDED_BYTES, SHELL_TOKENS, CONFIG_FILE_BYTES, YAML_NODES, NESTING)


def check_environment() -> None:
    """Raise :class:`LimitSettingError` for the first ``IMAGELINT_MAX_*`` variable set to something
    that is not a positive whole number."""
    for limit in ALL:
        limit.read()


def over_limit_message(what: str, limit: Limit, consequence: str = "") -> str:
    """``<what> the 1 MB limit[; <consequence>]; set IMAGELINT_MAX_... to raise it``: the one wording
    of an exceeded limit, as the Dockerfile size limit words it (``what`` ends in "longer than"...)."""
    return f"{what} {limit.shown()}{'; ' + consequence if consequence else ''}; set {limit.variable} to raise it"
