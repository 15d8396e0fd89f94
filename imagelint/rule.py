"""What a rule is: metadata, documentation (parsed from its docstring) and a check function.

A rule module in ``rules/`` defines functions decorated with :func:`rule`. The docstring is the
rule's documentation, in fixed sections::

    One-line summary.

    ## Why
    ...
    ## Bad
    ```dockerfile
    FROM python
    ```
    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ```
    ## Fix
    ...

Bad and Good examples are linted by the test suite: every Bad block must trigger the rule and no
Good block may. A ```toml block beside an example holds ``[tool.imagelint]`` settings for it
(for rules that only act when configured, such as trusted registries). Image rules (``target="image"``) check a built image instead of a Dockerfile: their
check receives an :class:`~imagelint.image.context.ImageContext`, their Bad/Good sections are optional
and illustrate the Dockerfile that leads to the problem (the image tests exercise them). A ```context block beside an example lists build-context files (``path`` or
``path = content``) for rules that look at the build context.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from imagelint.findings import FAMILIES, Severity
from imagelint.fixes import Fix

if TYPE_CHECKING:
    from imagelint.dockerfile import Instruction

TARGETS = ("dockerfile", "image")  # what a rule checks: a Dockerfile (lint) or a built image (analyze)
CODE_PATTERN = re.compile(r"^IL\d{4}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(slots=True)
class Violation:
    """What a check yields; the engine turns it into a :class:`~imagelint.findings.Finding`.

    Give ``instruction`` (and optionally ``offset``/``end_offset`` into its value, or explicit
    ``line``/``column`` inside it); ``file`` is only for findings in another file (.dockerignore).
    """

    message: str
    instruction: Instruction | None = None
    offset: int | None = None
    end_offset: int | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    file: str | None = None
    fix: Fix | str | None = None  # a str is advice imagelint cannot apply (display-only)
    # At most this severity, whatever the rule's (configured) one: the rule's own judgement that
    # this case is milder (IL7001 on an image that drops root in its entrypoint is info).
    severity_cap: Severity | None = None


@dataclass(frozen=True, slots=True)
class Example:
    dockerfile: str
    context: dict[str, str] | None  # build-context files, or None when the example needs none
    config: str | None = None  # ``[tool.imagelint]`` settings (TOML) the example is linted with


@dataclass(frozen=True, slots=True)
class RuleDoc:
    summary: str
    sections: dict[str, str]
    bad: tuple[Example, ...]
    good: tuple[Example, ...]

    @property
    def markdown(self) -> str:
        parts = [self.summary, ""]
        for title, body in self.sections.items():
            parts += [f"## {title}", body.strip(), ""]
        return "\n".join(parts).strip() + "\n"


@dataclass(frozen=True, slots=True)
class Option:
    """A rule option declared with more than its default: the values it may take."""

    default: object
    choices: tuple = ()

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


# No slots: ``doc`` is a cached_property, which needs an instance __dict__.
@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    family: str
    severity: Severity
    check: CheckFunction
    hadolint: tuple[str, ...] = ()
    buildkit: tuple[str, ...] = ()
    checkov: tuple[str, ...] = ()
    needs_context: bool = False  # reads the build context (.dockerignore, files)
    # The rule's config options, name -> declared Option; ``options`` has their values in force
    # (the defaults, or what config set, see :meth:`configured`).
    declared_options: Mapping[str, Option] = field(default_factory=dict)
    options: Mapping[str, object] = field(default_factory=dict)
    target: str = "dockerfile"  # "image": checks a built image (imagelint analyze), never a Dockerfile
    # For an image rule: the Dockerfile rule that reports the same problem at its line. When both
    # run (analyze --dockerfile) and that one fires, this one stays silent: one finding is enough.
    defers_to: str | None = None
    # The applicabilities the fixes this rule attaches may have ("safe", "unsafe"); empty when it
    # only gives advice. The docs tests check every fix a check yields against it.
    fixes: tuple[str, ...] = ()

    def configured(self, values: Mapping[str, object]) -> Rule:
        """This rule with config values over its option defaults (already validated by the config)."""
        return replace(self, options={**self.options, **values}) if values else self

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


_REGISTRY: dict[str, Rule] = {}
_ALL_LOADED = False

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
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function as a rule. Bad metadata fails at import, not at lint time; a
    malformed docstring fails where the doc is first read (:attr:`Rule.doc`; the docs tests read all)."""

    def register(check: CheckFunction) -> CheckFunction:
        if not CODE_PATTERN.match(code):
            raise ValueError(f"rule code {code!r} must be IL followed by four digits")
        if not NAME_PATTERN.match(name):
            raise ValueError(f"rule name {name!r} must be kebab-case")
        if family not in FAMILIES:
            raise ValueError(f"rule {code}: unknown family {family!r}")
        if code in _REGISTRY:
            raise ValueError(f"rule code {code} is defined twice")
        if code in RETIRED_CODES:
            raise ValueError(f"rule code {code} is retired ({RETIRED_CODES[code]}); give the rule a new code")
        if not set(fixes) <= {"safe", "unsafe"}:
            raise ValueError(f"rule {code}: fixes must name 'safe' and/or 'unsafe'")
        if "unsafe" in fixes and "Fix safety" not in (check.__doc__ or ""):
            raise ValueError(f"rule {code}: an unsafe fix needs a '## Fix safety' section saying why")
        if target not in TARGETS:
            raise ValueError(f"rule {code}: target must be one of {', '.join(TARGETS)}")
        declared = {n: v if isinstance(v, Option) else Option(v) for n, v in (options or {}).items()}
        _REGISTRY[code] = Rule(
            code=code,
            name=name,
            family=family,
            severity=Severity.parse(severity),
            check=check,
            hadolint=tuple(hadolint),
            buildkit=tuple(buildkit),
            checkov=tuple(checkov),
            needs_context=needs_context,
            declared_options=declared,
            options={name: option.default for name, option in declared.items()},
            target=target,
            defers_to=defers_to,
            fixes=tuple(fixes),
        )
        return check

    return register


def parse_doc(docstring: str, code: str, *, examples_required: bool = True) -> RuleDoc:
    summary, _, body = docstring.partition("\n")
    if not summary.strip():
        raise ValueError(f"rule {code} has no docstring summary")
    sections: dict[str, str] = {}
    matches = list(_SECTION.finditer(body))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        sections[match.group(1)] = body[match.end() : end].strip("\n")
    required = ("Why", "Bad", "Good", "Fix") if examples_required else ("Why", "Fix")
    for section in required:
        if section not in sections:
            raise ValueError(f"rule {code}: docstring lacks a '## {section}' section")
    return RuleDoc(
        summary=summary.strip(),
        sections=sections,
        bad=_examples(sections["Bad"], code) if "Bad" in sections else (),
        good=_examples(sections["Good"], code) if "Good" in sections else (),
    )


def _examples(section: str, code: str) -> tuple[Example, ...]:
    """Dockerfile blocks, each with the ```context and ```toml blocks around it.

    A context or toml block belongs to the Dockerfile block just before it when that one has none
    of its own yet, otherwise to the next one.
    """
    examples: list[Example] = []
    pending: dict[str, object] = {}
    for match in _FENCE.finditer(section):
        kind, body = match.group(1), match.group(2)
        if kind in ("context", "toml"):
            key = "context" if kind == "context" else "config"
            value = _context_files(body) if kind == "context" else body
            if examples and getattr(examples[-1], key) is None:
                examples[-1] = replace(examples[-1], **{key: value})
            else:
                pending[key] = value
        elif kind == "dockerfile":
            examples.append(Example(body, pending.get("context"), pending.get("config")))
            pending = {}
    if not examples:
        raise ValueError(f"rule {code}: an examples section has no ```dockerfile block")
    return tuple(examples)


def _context_files(body: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for line in body.splitlines():
        if not line.strip():
            continue
        path, sep, content = line.partition(" = ")
        files[path.strip()] = content.replace("\\n", "\n") + ("\n" if sep and content else "")
    return files


def rules_called(name: str, rules: Mapping[str, Rule]) -> list[Rule]:
    """The rule with this code or name; else every rule declaring this BuildKit check or hadolint
    code, matched without regard to case (``imagelint explain``, the language server's hover)."""
    rule = rules.get(name.upper()) or next((r for r in rules.values() if r.name == name), None)
    if rule is not None:
        return [rule]
    wanted = name.lower()
    return [r for r in rules.values() if wanted in {other.lower() for other in r.equivalent_names}]


def registered_rules() -> dict[str, Rule]:
    """Every rule, loading all the rule modules on first use (whichever were imported before)."""
    global _ALL_LOADED
    if not _ALL_LOADED:
        _load_rule_modules()
        _ALL_LOADED = True
    return dict(sorted(_REGISTRY.items()))


def _load_rule_modules() -> None:
    """Import every module below ``imagelint.rules`` (one rule each, grouped by family folders)."""
    import importlib
    import pkgutil

    import imagelint.rules as package

    for module in pkgutil.walk_packages(package.__path__, prefix="imagelint.rules."):
        importlib.import_module(module.name)
