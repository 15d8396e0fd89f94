"""Inline suppressions, applied after the rules ran (rules never see them).

``# imagelint ignore=IL1001,IL6002`` on the comment lines right before an instruction (or inside
its continuation lines) silences those rules for that instruction; ``# imagelint global
ignore=...`` silences them for the file; ``# imagelint stage ignore=...`` (hadolint 2.15's form)
silences them for the stage that the next ``FROM`` starts. ``# hadolint ignore=DL3008`` is
honoured for every imagelint rule that declares DL3008 as its hadolint equivalent. A trailing
``# reason`` or text after the list is allowed. ``disable-ignore-pragma`` turns all of them off
(the engine then skips :func:`collect`). An ignore pragma names rules by code, rule name, family
(``correctness``), hadolint code or BuildKit check name, or ``ALL`` (:func:`names`), and ShellCheck
findings by their ``SC`` code or ``shellcheck``. What a pragma names that means nothing is rule
IL8021's finding (:func:`ignore_pragmas` lists them with their lines).

BuildKit's ``# check=skip=JSONArgsRecommended;error=true`` parser directive (:func:`check_directive`)
is applied after the pragmas, to the rules that declare a BuildKit equivalent; it is honoured
whatever ``disable-ignore-pragma`` says, because ``docker build`` honours it too.
"""

from __future__ import annotations

import re

from imagelint.dockerfile import Dockerfile, Instruction
from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record

_PRAGMA = LazyPattern(r"^(imagelint|hadolint)\s+(global\s+|stage\s+)?ignore\s*=\s*([A-Za-z0-9_,\- ]+?)(?:\s+#.*|\s+\S.*)?$")


class Suppressions:
    """The codes a file's ignore pragmas silence (filled in by :func:`collect`)."""

    __slots__ = ("global_codes", "by_instruction", "by_stage")

    def __init__(self) -> None:
        self.global_codes: set[str] = set()
        self.by_instruction: dict[int, set[str]] = {}  # instruction index -> codes
        self.by_stage: dict[int, set[str]] = {}  # stage index -> codes

    def suppresses(self, codes: set[str], instruction: Instruction | None) -> bool:
        if codes & self.global_codes:
            return True
        if instruction is None:
            return False
        if codes & self.by_stage.get(instruction.stage, set()):
            return True
        return bool(codes & self.by_instruction.get(instruction.index, set()))


def _codes(text: str) -> set[str] | None:
    named = _named(text)
    return None if named is None else set(named)


def _named(text: str) -> list[str] | None:
    """What an ignore pragma names, in its order; None when ``text`` is not one."""
    if "ignore" not in text:
        return None  # most comments: no need to run the pattern
    match = _PRAGMA.match(text)
    if not match:
        return None
    return [code.strip() for code in match.group(3).replace(" ", ",").split(",") if code.strip()]


class IgnorePragma(Record):
    __slots__ = ("line", "tool", "names")

    def __init__(
        self,
        line: int,
        tool: str,  # "imagelint" or "hadolint"
        names: tuple[str, ...],
    ) -> None:
        self.line = line
        self.tool = tool
        self.names = names


def ignore_pragmas(dockerfile: Dockerfile) -> list[IgnorePragma]:
    """Every ``# imagelint|hadolint [global|stage] ignore=...`` comment of the file, in order."""
    found = []
    for comment in dockerfile.comments:
        named = _named(comment.text)
        if named is not None:
            found.append(IgnorePragma(comment.line, comment.text.split(None, 1)[0], tuple(named)))
    return found


def collect(dockerfile: Dockerfile) -> Suppressions:
    suppressions = Suppressions()
    instructions = dockerfile.instructions
    starts = [(i.line, i.end_line, i.index) for i in instructions]
    position = 0
    for comment in dockerfile.comments:
        codes = _codes(comment.text)
        if codes is None:
            continue
        if re.match(r"^(imagelint|hadolint)\s+global\s", comment.text):
            suppressions.global_codes |= codes
            continue
        if re.match(r"^(imagelint|hadolint)\s+stage\s", comment.text):
            stage = next((i.stage for i in instructions if i.keyword == "FROM" and i.line > comment.line), None)
            if stage is not None:
                suppressions.by_stage.setdefault(stage, set()).update(codes)
            continue
        # The pragma belongs to the instruction that contains this comment line or comes next.
        while position < len(starts) and starts[position][1] < comment.line:
            position += 1
        if position < len(starts):
            suppressions.by_instruction.setdefault(starts[position][2], set()).update(codes)
    return suppressions


def names(rule) -> set[str]:
    """What an ignore pragma may call ``rule``: its code or name, its family, its hadolint codes, its
    BuildKit checks, or ``ALL``."""
    return {*rule.aliases, rule.family, "ALL"}


# BuildKit's build checks (docs.docker.com/reference/build-checks), name -> what it checks; the
# experimental ones run in ``docker build`` only when ``# check=experimental=`` names them.
BUILDKIT_CHECKS = {
    "StageNameCasing": "Stage names should be lowercase",
    "FromAsCasing": "The 'as' keyword should match the case of the 'from' keyword",
    "NoEmptyContinuation": "Empty continuation lines will become errors in a future release",
    "ConsistentInstructionCasing": "All commands within the Dockerfile should use the same casing (either upper or lower)",
    "DuplicateStageName": "Stage names should be unique",
    "ReservedStageName": "Reserved words should not be used as stage names",
    "JSONArgsRecommended": "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
    "MaintainerDeprecated": "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
    "UndefinedArgInFrom": "FROM command must use declared ARGs",
    "WorkdirRelativePath": "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
    "UndefinedVar": "Variables should be defined before their use",
    "MultipleInstructionsDisallowed": "Multiple instructions of the same type should not be used in the same stage",
    "LegacyKeyValueFormat": "Legacy key/value format with whitespace separator should not be used",
    "RedundantTargetPlatform": "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
    "SecretsUsedInArgOrEnv": "Sensitive data should not be used in the ARG or ENV commands",
    "InvalidDefaultArgInFrom": "Default value for global ARG results in an empty or invalid base image name",
    "FromPlatformFlagConstDisallowed": "FROM --platform flag should not use a constant value",
    "CopyIgnoredFile": "Attempting to Copy file that is excluded by .dockerignore",
    "InvalidDefinitionDescription": "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`",
    "ExposeProtoCasing": "Protocol in EXPOSE instruction should be lowercase",
    "ExposeInvalidFormat": "IP address and host-port mapping should not be used in EXPOSE instruction",
}
BUILDKIT_EXPERIMENTAL = frozenset({"CopyIgnoredFile", "InvalidDefinitionDescription"})

_GO_TRUE, _GO_FALSE = {"1", "t", "T", "TRUE", "true", "True"}, {"0", "f", "F", "FALSE", "false", "False"}


class CheckDirectiveError(ValueError):
    """The ``# check=`` directive does not parse (``docker build`` refuses such a file)."""


class CheckDirective(Record):
    """BuildKit's ``# check=skip=A,B;error=true`` parser directive, read as ``docker build`` reads it.

    Names are BuildKit check names, case-sensitive; names BuildKit or imagelint does not know are
    ignored, as BuildKit ignores them. It applies to the imagelint rules that declare a BuildKit
    equivalent (``buildkit=``): a rule is skipped when one of its checks is; ``error=true`` makes
    the rest of their findings errors.
    """

    __slots__ = ("skip_all", "skip", "experimental_all", "experimental", "error")

    def __init__(
        self,
        skip_all: bool = False,
        skip: frozenset[str] = frozenset(),
        experimental_all: bool = False,
        experimental: frozenset[str] = frozenset(),
        error: bool = False,
    ) -> None:
        self.skip_all = skip_all
        self.skip = skip
        self.experimental_all = experimental_all
        self.experimental = experimental
        self.error = error

    def skips(self, rule) -> bool:
        return any(self._skips(name) for name in rule.buildkit)

    def _skips(self, name: str) -> bool:
        # BuildKit never skips an experimental check that ``experimental=`` turned on.
        if name in BUILDKIT_EXPERIMENTAL and (self.experimental_all or name in self.experimental):
            return False
        return self.skip_all or name in self.skip

    def makes_error(self, rule) -> bool:
        return self.error and bool(rule.buildkit)


def parse_check_directive(value: str) -> CheckDirective:
    """BuildKit's ``linter.ParseLintOptions``: up to three ``key=value`` parts split on ``;``, keys
    ``skip`` and ``experimental`` (``all`` or a comma-separated list) and ``error`` (a Go boolean)."""
    value = value.strip()
    if not value:
        return CheckDirective()
    found: dict[str, object] = {}
    for part in value.split(";", 2):
        key, equals, setting = part.partition("=")
        if not equals:
            raise CheckDirectiveError(f"invalid check option '{part}'")
        key, setting = key.strip(), setting.strip()
        if key in ("skip", "experimental"):
            if setting == "all":
                found[f"{key}_all"] = True
            else:
                found[key] = frozenset(name.strip() for name in setting.split(",") if name.strip())
        elif key == "error":
            if setting not in _GO_TRUE | _GO_FALSE:
                raise CheckDirectiveError(f"error={setting}: not true or false")
            found["error"] = setting in _GO_TRUE
        else:
            raise CheckDirectiveError(f"invalid check option '{key}' (known: skip, error, experimental)")
    return CheckDirective(**found)


def check_directive(dockerfile: Dockerfile) -> CheckDirective:
    """The file's ``# check=`` directive (none: one that changes nothing); raises
    :class:`CheckDirectiveError` with the file and line when it does not parse."""
    directive = dockerfile.directive("check")
    if directive is None:
        return CheckDirective()
    try:
        return parse_check_directive(directive.value)
    except CheckDirectiveError as err:
        raise CheckDirectiveError(f"{dockerfile.path}:{directive.line}: check directive: {err}") from None
