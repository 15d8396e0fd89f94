"""Settings: what a ``[tool.imagelint]`` table may hold, each value checked, then the command line.

Unknown keys and bad values are errors that name the key (``rules.IL2001.builder-stagez``), so a
typo never silently disables a check. Finding the config file is :mod:`imagelint.config`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from imagelint.findings import FAMILIES, Severity

if TYPE_CHECKING:
    from imagelint.rule import Rule

FAIL_ON_CHOICES = ("error", "warning", "info", "style", "never")
_KNOWN_KEYS = {
    "select", "ignore", "severity", "fail-on", "trusted-registries", "rules", "disable-ignore-pragma", "shellcheck",
    "label-schema", "strict-labels",
}  # fmt: skip


class ConfigError(Exception):
    """A configuration file or value is wrong; the message names the file and key."""


class Settings(NamedTuple):
    """The settings in force. A named tuple (a dataclass costs start-up); its tables are never
    changed in place, settings are replaced whole (``_replace``), so the empty defaults are shared."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}
    fail_on: str = "warning"
    trusted_registries: tuple[str, ...] = ()
    rule_options: dict[str, dict] = {}
    disable_ignore_pragma: bool = False  # inline "# imagelint/hadolint ignore=" comments are not honoured
    shellcheck: bool = False  # also run ShellCheck over every RUN script (imagelint.shellcheck)
    label_schema: dict[str, str] = {}  # label key -> type (imagelint.knowledge.labels)
    strict_labels: bool = False  # labels outside label_schema are reported (IL8026, hadolint's DL3050)
    source: Path | None = None
    notes: tuple[str, ...] = ()  # things about the configuration the user should know; not errors

    def fail_threshold(self) -> Severity | None:
        return None if self.fail_on == "never" else Severity.parse(self.fail_on)

    def with_cli(self, **overrides) -> Settings:
        """Command-line values win over the file; ``None`` means "not given"."""
        given = {key: value for key, value in overrides.items() if value is not None}
        if "fail_on" in given:
            given["fail_on"] = _check_fail_on(given["fail_on"], "--fail-on")
        return self._replace(**given)


def settings_from_table(table, where: str, rules: Mapping[str, Rule], *, source: Path | None = None) -> Settings:
    """Settings from the ``[tool.imagelint]`` table (already read from TOML), strictly checked
    against ``rules`` (the registry: code -> rule)."""
    known_codes = set(rules)
    known_names = {rule.name for rule in rules.values()}
    aliases = equivalent_names(rules)
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(_KNOWN_KEYS))})")
    settings = Settings(source=source)
    selectors = known_selectors(known_codes, known_names, set(aliases))
    if "select" in table:
        settings = settings._replace(select=_selectors(table["select"], f"{where}: select", selectors))
    if "ignore" in table:
        settings = settings._replace(ignore=_selectors(table["ignore"], f"{where}: ignore", selectors))
    if "fail-on" in table:
        settings = settings._replace(fail_on=_check_fail_on(table["fail-on"], f"{where}: fail-on"))
    if "trusted-registries" in table:
        registries = _string_list(table["trusted-registries"], f"{where}: trusted-registries")
        settings = settings._replace(trusted_registries=registries)
    if "disable-ignore-pragma" in table:
        if not isinstance(table["disable-ignore-pragma"], bool):
            raise ConfigError(f"{where}: disable-ignore-pragma must be true or false")
        settings = settings._replace(disable_ignore_pragma=table["disable-ignore-pragma"])
    if "shellcheck" in table:
        if not isinstance(table["shellcheck"], bool):
            raise ConfigError(f"{where}: shellcheck must be true or false")
        settings = settings._replace(shellcheck=table["shellcheck"])
    if "label-schema" in table:
        settings = settings._replace(label_schema=label_schema(table["label-schema"], f"{where}: label-schema"))
    if "strict-labels" in table:
        if not isinstance(table["strict-labels"], bool):
            raise ConfigError(f"{where}: strict-labels must be true or false")
        settings = settings._replace(strict_labels=table["strict-labels"])
    if "severity" in table:
        settings = settings._replace(severity=severities(table["severity"], f"{where}: severity", rules))
    if "rules" in table:
        if not isinstance(table["rules"], dict) or not all(isinstance(v, dict) for v in table["rules"].values()):
            raise ConfigError(f"{where}: rules must be a table of tables, e.g. [tool.imagelint.rules.IL2001]")
        settings = settings._replace(rule_options=_rule_options(table["rules"], where, rules))
    return settings


def label_schema(value, where: str) -> dict[str, str]:
    """``[label-schema]``: label key = type (``text``, ``url``, ``spdx``, ``rfc3339``, ``semver``,
    ``hash``, ``email``), as hadolint's ``label-schema``."""
    from imagelint.knowledge.labels import check_schema

    try:
        return check_schema(value)
    except ValueError as err:
        hint = ""
        if isinstance(value, dict) and isinstance(value.get("strict-labels"), bool):
            hint = " (strict-labels belongs above the [label-schema] table, not in it)"
        raise ConfigError(f"{where}: {err}{hint}") from None


def _rule_options(table: dict, where: str, rules: Mapping[str, Rule]) -> dict[str, dict]:
    """``[tool.imagelint.rules.CODE]`` tables, each key checked against the options the rule declares."""
    for code, values in table.items():
        rule = rules.get(code)
        if rule is None:
            raise ConfigError(f"{where}: rules.{code}: no such rule")
        for name, value in values.items():
            problem = rule.option_problem(name, value)
            if problem:
                raise ConfigError(f"{where}: rules.{code}.{name}: {problem}")
    return {code: dict(values) for code, values in table.items()}


def _string_list(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _selectors(value, where: str, known: set[str]) -> tuple[str, ...]:
    items = _string_list(value, where)
    check_selectors(items, where, known)
    return items


def check_selectors(items, where: str, known: set[str]) -> None:
    """``select``/``ignore`` values (from a file or the command line) must name rules or families
    (or ShellCheck codes, or ``shellcheck`` for all of them)."""
    from imagelint.shellcheck import is_shellcheck_code  # here: a run without settings never needs it

    for item in items:
        if item not in known and not is_shellcheck_code(item):
            raise ConfigError(
                f"{where}: '{item}' is not a rule code, rule name, family, BuildKit check or hadolint code"
                f" of an imagelint rule, nor a ShellCheck code{did_you_mean(item, known)} (see 'imagelint rules')"
            )


def did_you_mean(unknown: str, known) -> str:
    """``"; did you mean 'IL8002'?"`` for the known name closest to ``unknown`` (case aside), or ""."""
    import difflib

    by_folded = {name.casefold(): name for name in known}
    close = difflib.get_close_matches(unknown.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f"; did you mean '{by_folded[close[0]]}'?" if close else ""


def known_selectors(known_codes: set[str], known_names: set[str], equivalents: set[str] = frozenset()) -> set[str]:
    """What ``select``/``ignore`` may name: rule codes and names, families, ``ALL``, and the
    ``equivalents`` (:func:`equivalent_names`): a BuildKit check or hadolint code selects every rule
    that declares it."""
    from imagelint import shellcheck  # here: a run without settings never needs it

    return known_codes | known_names | set(FAMILIES) | {"ALL", shellcheck.NAME} | set(equivalents)


def equivalent_names(rules: Mapping[str, Rule]) -> dict[str, tuple[str, ...]]:
    """BuildKit check names (``JSONArgsRecommended``) and hadolint codes (``DL3025``) -> the codes of
    the rules that declare them (``buildkit=``, ``hadolint=``)."""
    result: dict[str, list[str]] = {}
    for code, rule in rules.items():
        for name in rule.equivalent_names:
            result.setdefault(name, []).append(code)
    return {name: tuple(codes) for name, codes in result.items()}


def _check_fail_on(value, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in FAIL_ON_CHOICES:
        raise ConfigError(f"{where}: '{value}' is not one of {', '.join(FAIL_ON_CHOICES)}")
    return value.lower()


def severities(value, where: str, rules: Mapping[str, Rule]) -> dict[str, Severity]:
    """``CODE = "severity"`` (a table from config, or ``--severity CODE=LEVEL`` values): a rule's code
    or name, a ShellCheck code, or a BuildKit check or hadolint code, which sets the rules that
    declare it. A rule's own code or name wins over an equivalent name; of several equivalent
    names, the most severe wins."""
    from imagelint.shellcheck import is_shellcheck_code  # here: a run without settings never needs it

    aliases = equivalent_names(rules)
    by_name = {rule.name: code for code, rule in rules.items()}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of CODE = \"severity\"")
    direct: dict[str, Severity] = {}
    through: dict[str, Severity] = {}
    for code, level in value.items():
        code = by_name.get(code, code)
        if code not in rules and code not in aliases and not is_shellcheck_code(code):
            known = {*rules, *by_name, *aliases}
            raise ConfigError(
                f"{where}: '{code}' is not a rule code or name, BuildKit check or hadolint code of an imagelint rule,"
                f" nor a ShellCheck code{did_you_mean(code, known)}"
            )
        try:
            severity = Severity.parse(str(level))
        except ValueError as err:
            raise ConfigError(f"{where}.{code}: {err}") from None
        if code in rules or is_shellcheck_code(code):
            direct[code] = severity
            continue
        for target in aliases[code]:
            through[target] = max(through.get(target, severity), severity)
    return {**through, **direct}
