"""What a rule is: metadata, documentation (parsed from its docstring, see :mod:`imagelint.rule_docs`)
and a check function.

A rule module in ``rules/`` defines a function decorated with :func:`rule`, whose docstring is the
rule's documentation. Image rules (``target="image"``) check a built image instead of a Dockerfile:
their check receives an :class:`~imagelint.image.context.ImageContext`. The registry is read from a
precomputed index (:func:`registered_rules`), so a run imports only the rule modules it runs.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from imagelint.findings import FAMILIES, Severity
from imagelint.fixes import Fix
from imagelint.records import Record

if TYPE_CHECKING:
    from imagelint.dockerfile import Instruction
    from imagelint.rule_docs import RuleDoc

TARGETS = ("dockerfile", "image")  # what a rule checks: a Dockerfile (lint) or a built image (analyze)
CODE_PATTERN = re.compile(r"^IL\d{4}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Violation:
    """What a check yields; the engine turns it into a :class:`~imagelint.findings.Finding`.

    Give ``instruction`` (and optionally ``offset``/``end_offset`` into its value, or explicit
    ``line``/``column`` inside it); ``file`` is only for findings in another file (.dockerignore).
    """

    __slots__ = ("message", "instruction", "offset", "end_offset", "line", "column", "end_line", "file", "fix", "severity_cap")

    def __init__(
        self,
        message: str,
        instruction: Instruction | None = None,
        offset: int | None = None,
        end_offset: int | None = None,
        line: int | None = None,
        column: int | None = None,
        end_line: int | None = None,
        file: str | None = None,
        fix: Fix | str | None = None,  # a str is advice imagelint cannot apply (display-only)
        # At most this severity, whatever the rule's (configured) one: the rule's own judgement
        # that this case is milder (IL7001 on an image that drops root in its entrypoint is info).
        severity_cap: Severity | None = None,
    ) -> None:
        self.message = message
        self.instruction = instruction
        self.offset = offset
        self.end_offset = end_offset
        self.line = line
        self.column = column
        self.end_line = end_line
        self.file = file
        self.fix = fix
        self.severity_cap = severity_cap

    def __repr__(self) -> str:
        return f"Violation({self.message!r}, line {self.line or (self.instruction.line if self.instruction else None)})"


class Option(Record):
    """A rule option declared with more than its default: the values it may take."""

    __slots__ = ("default", "choices")

    def __init__(self, default: object, choices: tuple = ()) -> None:
        self.default = default
        self.choices = choices

    def problem(self, value) -> str | None:
        """Why ``value`` (from a config file) is not acceptable, or None when it is."""
        kind = type(self.default)
        if kind is bool:
            ok = isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind is dict:  # a table of strings (``tags = {python = "3.12-slim"}``)
            ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        else:
            ok = isinstance(value, kind)
        if not ok:
            return f"must be {_KIND_NAMES.get(kind, kind.__name__)}, not {value!r}"
        if self.choices and value not in self.choices:
            return f"must be one of {', '.join(map(repr, self.choices))}, not {value!r}"
        return None


_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", dict: "a table of strings"}

# A check gets the context of what it checks and its own rule, whose ``options`` hold the
# configured values over the declared defaults.
CheckFunction = Callable[..., Iterator[Violation]]


class Rule:
    """One rule's metadata, and its check (imported on first use). Treated as immutable: a changed
    rule is a new one (:meth:`with_changes`). A plain class rather than a frozen dataclass, which
    costs start-up; no slots, since ``check`` and ``doc`` are cached properties."""

    # Every field, in the constructor's order: what equality compares and with_changes copies.
    FIELDS = (
        "code", "name", "family", "severity", "check_ref", "hadolint", "buildkit", "checkov", "needs_context",
        "declared_options", "options", "target", "defers_to", "fixes", "instructions", "mentions",
    )  # fmt: skip

    def __init__(
        self,
        code: str,
        name: str,
        family: str,
        severity: Severity,
        # Where the check function is, ``module:function``: rules come from the precomputed index
        # (:mod:`imagelint.rule_index`) and a rule's module is imported only when it is first run.
        check_ref: str,
        hadolint: tuple[str, ...] = (),
        buildkit: tuple[str, ...] = (),
        checkov: tuple[str, ...] = (),
        needs_context: bool = False,  # reads the build context (.dockerignore, files)
        # The rule's config options, name -> declared Option; ``options`` has their values in force
        # (the defaults, or what config set, see :meth:`configured`).
        declared_options: Mapping[str, Option] | None = None,
        options: Mapping[str, object] | None = None,
        target: str = "dockerfile",  # "image": checks a built image (imagelint analyze), never a Dockerfile
        # For an image rule: the Dockerfile rule that reports the same problem at its line. When
        # both run (analyze --dockerfile) and that one fires, this one stays silent.
        defers_to: str | None = None,
        # The applicabilities the fixes this rule attaches may have ("safe", "unsafe"); empty when
        # it only gives advice. The docs tests check every fix a check yields against it.
        fixes: tuple[str, ...] = (),
        # When the check can find something at all, so the engine skips it otherwise (and never
        # imports its module): ``instructions``, a file with an instruction of one of these kinds
        # (ONBUILD triggers count); ``mentions``, a file whose text (or a Compose build arg)
        # contains one of these lower-case strings, compared without regard to case. Empty: always runs.
        instructions: frozenset[str] = frozenset(),
        mentions: tuple[str, ...] = (),
    ) -> None:
        self.code = code
        self.name = name
        self.family = family
        self.severity = severity
        self.check_ref = check_ref
        self.hadolint = hadolint
        self.buildkit = buildkit
        self.checkov = checkov
        self.needs_context = needs_context
        self.declared_options: Mapping[str, Option] = {} if declared_options is None else declared_options
        self.options: Mapping[str, object] = {} if options is None else options
        self.target = target
        self.defers_to = defers_to
        self.fixes = fixes
        self.instructions = instructions
        self.mentions = mentions

    def with_changes(self, **changes) -> Rule:
        """This rule with some fields changed (a new rule; its check is imported again on use)."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"Rule has no field {sorted(unknown)[0]!r}")
        return Rule(**{name: changes.get(name, getattr(self, name)) for name in self.FIELDS})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # equal by value, and holds dicts

    def __repr__(self) -> str:
        return f"Rule({self.code} {self.name})"

    @cached_property
    def check(self) -> CheckFunction:
        """The check function, its module imported on first use. A rule built from a stale index
        (a rule module changed without ``python scripts/gen_rule_index.py``) fails here, loudly."""
        import importlib

        module_name, _, function = self.check_ref.partition(":")
        check = getattr(importlib.import_module(module_name), function, None)
        declared = _DECLARED.get(self.code)
        if check is None or declared is None or declared.index_entry() != self.index_entry():
            raise StaleRuleIndex(
                f"imagelint's rule index does not match rule {self.code} in {module_name}; run python scripts/gen_rule_index.py"
            )
        return check

    def configured(self, values: Mapping[str, object]) -> Rule:
        """This rule with config values over its option defaults (already validated by the config)."""
        if not values:
            return self
        configured = self.with_changes(options={**self.options, **values})
        if "check" in self.__dict__:
            configured.__dict__["check"] = self.__dict__["check"]  # already imported and checked
        return configured

    def option_problem(self, name: str, value) -> str | None:
        """Why ``name = value`` is not a valid option setting for this rule, or None."""
        declared = self.declared_options.get(name)
        if declared is None:
            known = ", ".join(self.declared_options) or "none"
            return f"unknown option (options of {self.code}: {known})"
        return declared.problem(value)

    @cached_property
    def doc(self) -> RuleDoc:
        """The documentation parsed from the check's docstring. Parsed on first use, not at
        registration: a lint never reads it, and parsing all rules' docs slows every start-up. A
        malformed docstring raises here; the docs tests read every rule's doc, so they catch it."""
        from imagelint.rule_docs import parse_doc

        return parse_doc(inspect.getdoc(self.check) or "", self.code, examples_required=self.target == "dockerfile")

    @property
    def summary(self) -> str:
        return self.doc.summary

    @property
    def equivalent_names(self) -> tuple[str, ...]:
        """Other tools' names for this rule: its BuildKit checks, then its hadolint codes."""
        return (*self.buildkit, *self.hadolint)

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every name a user may give this rule (selectors, pragmas, explain): code, name, and the
        other tools' names."""
        return (self.code, self.name, *self.equivalent_names)

    def equivalents(self) -> dict[str, list[str]]:
        return {"hadolint": list(self.hadolint), "buildkit": list(self.buildkit), "checkov": list(self.checkov)}

    def index_entry(self) -> dict:
        """What the precomputed index keeps of this rule (plain literals, see :func:`index_rule`)."""
        return {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "severity": str(self.severity),
            "check": self.check_ref,
            "hadolint": self.hadolint,
            "buildkit": self.buildkit,
            "checkov": self.checkov,
            "needs_context": self.needs_context,
            "options": {name: (option.default, option.choices) for name, option in self.declared_options.items()},
            "target": self.target,
            "defers_to": self.defers_to,
            "fixes": self.fixes,
            "instructions": tuple(sorted(self.instructions)),
            "mentions": self.mentions,
        }

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "severity": str(self.severity),
            "summary": self.summary,
            "needs_context": self.needs_context,
            "target": self.target,
            "equivalents": self.equivalents(),
            "fixes": list(self.fixes),
        }


class StaleRuleIndex(RuntimeError):
    """The precomputed rule index disagrees with the rule modules (a developer's checkout)."""


# Rules as their modules declare them, filled as modules are imported (see :func:`declared_rules`).
_DECLARED: dict[str, Rule] = {}
# Rules as the precomputed index gives them, built on first use (see :func:`registered_rules`).
_INDEXED: dict[str, Rule] | None = None

# Codes that once named a rule and were withdrawn. A code is never given to another rule, so a
# config, pragma or baseline that names one keeps meaning what it meant (or nothing).
RETIRED_CODES: dict[str, str] = {}


def rule(
    *,
    code: str,
    name: str,
    family: str,
    severity: str,
    hadolint: tuple[str, ...] = (),
    buildkit: tuple[str, ...] = (),
    checkov: tuple[str, ...] = (),
    needs_context: bool = False,
    options: Mapping[str, object] | None = None,
    target: str = "dockerfile",
    defers_to: str | None = None,
    fixes: tuple[str, ...] = (),
    instructions: tuple[str, ...] = (),
    mentions: tuple[str, ...] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Declare a check function as a rule. Bad metadata fails at import, not at lint time; a
    malformed docstring fails where the doc is first read (:attr:`Rule.doc`; the docs tests read all).
    ``instructions`` and ``mentions`` say when the check can find anything (see :class:`Rule`); the
    tests run every rule on the corpus and on its examples without them, and compare."""

    def register(check: CheckFunction) -> CheckFunction:
        if not CODE_PATTERN.match(code):
            raise ValueError(f"rule code {code!r} must be IL followed by four digits")
        if not NAME_PATTERN.match(name):
            raise ValueError(f"rule name {name!r} must be kebab-case")
        if family not in FAMILIES:
            raise ValueError(f"rule {code}: unknown family {family!r}")
        if code in _DECLARED and _DECLARED[code].check_ref != _check_ref(check):
            raise ValueError(f"rule code {code} is defined twice")
        if code in RETIRED_CODES:
            raise ValueError(f"rule code {code} is retired ({RETIRED_CODES[code]}); give the rule a new code")
        if not set(fixes) <= {"safe", "unsafe"}:
            raise ValueError(f"rule {code}: fixes must name 'safe' and/or 'unsafe'")
        if "unsafe" in fixes and "Fix safety" not in (check.__doc__ or ""):
            raise ValueError(f"rule {code}: an unsafe fix needs a '## Fix safety' section saying why")
        if target not in TARGETS:
            raise ValueError(f"rule {code}: target must be one of {', '.join(TARGETS)}")
        if any(word != word.lower() or not word for word in mentions):
            raise ValueError(f"rule {code}: mentions must be non-empty lower-case strings")
        if any(not keyword.isupper() for keyword in instructions):
            raise ValueError(f"rule {code}: instructions must be upper-case keywords such as 'RUN'")
        declared = {n: v if isinstance(v, Option) else Option(v) for n, v in (options or {}).items()}
        # Built the way the index builds its rules, so that the two compare equal when in step.
        declared_rule = index_rule(
            {
                "code": code,
                "name": name,
                "family": family,
                "severity": severity,
                "check": _check_ref(check),
                "hadolint": hadolint,
                "buildkit": buildkit,
                "checkov": checkov,
                "needs_context": needs_context,
                "options": {n: (option.default, option.choices) for n, option in declared.items()},
                "target": target,
                "defers_to": defers_to,
                "fixes": fixes,
                "instructions": instructions,
                "mentions": mentions,
            }
        )
        declared_rule.__dict__["check"] = check  # the cached_property's slot: no import needed
        _DECLARED[code] = declared_rule
        return check

    return register


def _check_ref(check: CheckFunction) -> str:
    return f"{check.__module__}:{check.__name__}"


def index_rule(entry: Mapping) -> Rule:
    """A rule from its precomputed index entry (what :meth:`Rule.index_entry` gives)."""
    declared = {name: Option(default, tuple(choices)) for name, (default, choices) in entry["options"].items()}
    return Rule(
        code=entry["code"],
        name=entry["name"],
        family=entry["family"],
        severity=Severity.parse(entry["severity"]),
        check_ref=entry["check"],
        hadolint=tuple(entry["hadolint"]),
        buildkit=tuple(entry["buildkit"]),
        checkov=tuple(entry["checkov"]),
        needs_context=entry["needs_context"],
        declared_options=declared,
        options={name: option.default for name, option in declared.items()},
        target=entry["target"],
        defers_to=entry["defers_to"],
        fixes=tuple(entry["fixes"]),
        instructions=frozenset(entry["instructions"]),
        mentions=tuple(entry["mentions"]),
    )


def rules_called(name: str, rules: Mapping[str, Rule]) -> list[Rule]:
    """The rule with this code or name; else every rule declaring this BuildKit check or hadolint
    code, matched without regard to case (``imagelint explain``, the language server's hover)."""
    rule = rules.get(name.upper()) or next((r for r in rules.values() if r.name == name), None)
    if rule is not None:
        return [rule]
    wanted = name.lower()
    return [r for r in rules.values() if wanted in {other.lower() for other in r.equivalent_names}]


def registered_rules() -> dict[str, Rule]:
    """Every rule, by code, from the precomputed index: no rule module is imported until its check
    first runs (a one-file lint imports only the rules that can fire on it). A rule module imported
    by hand that the index does not know yet (a rule being written) is registered too."""
    global _INDEXED
    if _INDEXED is None:
        from imagelint.rule_index import RULES

        _INDEXED = {entry["code"]: index_rule(entry) for entry in RULES}
    new = {code: rule for code, rule in _DECLARED.items() if code not in _INDEXED}
    return dict(sorted({**_INDEXED, **new}.items())) if new else dict(_INDEXED)


def declared_rules() -> dict[str, Rule]:
    """Every rule as the rule modules declare it, importing every module below ``imagelint.rules``
    (one rule each, grouped by family folders): what the index is made from, and checked against."""
    import importlib
    import pkgutil

    import imagelint.rules as package

    for module in pkgutil.walk_packages(package.__path__, prefix="imagelint.rules."):
        importlib.import_module(module.name)
    return dict(sorted(_DECLARED.items()))
