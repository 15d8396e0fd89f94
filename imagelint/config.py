"""Settings: ``[tool.imagelint]`` in pyproject.toml or ``.imagelint.toml``, then the command line.

The first file found from the current directory upward wins; without one, a hadolint config
(``.hadolint.yaml`` in the current directory) is read instead (:mod:`imagelint.hadolint_config`).
Unknown keys and bad values are errors that name the key, so a typo never silently disables a check.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from imagelint.findings import FAMILIES, Severity

FAIL_ON_CHOICES = ("error", "warning", "info", "style", "never")
_KNOWN_KEYS = {"select", "ignore", "severity", "fail-on", "trusted-registries", "rules", "disable-ignore-pragma"}


class ConfigError(Exception):
    """A configuration file or value is wrong; the message names the file and key."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "warning"
    trusted_registries: tuple[str, ...] = ()
    rule_options: dict[str, dict] = field(default_factory=dict)
    disable_ignore_pragma: bool = False  # inline "# imagelint/hadolint ignore=" comments are not honoured
    source: Path | None = None
    notes: tuple[str, ...] = ()  # things about the configuration the user should know; not errors

    def fail_threshold(self) -> Severity | None:
        return None if self.fail_on == "never" else Severity.parse(self.fail_on)

    def with_cli(self, **overrides) -> Settings:
        """Command-line values win over the file; ``None`` means "not given"."""
        given = {key: value for key, value in overrides.items() if value is not None}
        if "fail_on" in given:
            given["fail_on"] = _check_fail_on(given["fail_on"], "--fail-on")
        return replace(self, **given)


def project_settings(config: Path | None, cwd: Path, rules: dict) -> Settings:
    """``config`` if given; else the imagelint config found from ``cwd`` upward; else ``.hadolint.yaml``
    in ``cwd``; else the defaults. ``rules`` is the rule registry (code -> rule)."""
    path = config or find_config(cwd)
    if path is None:
        from imagelint import hadolint_config

        hadolint = hadolint_config.find(cwd)
        if hadolint is not None:
            return hadolint_config.load(hadolint, rules).settings()
    return load_settings(path, set(rules), {r.name for r in rules.values()})


def find_config(start: Path) -> Path | None:
    """``.imagelint.toml``, or a ``pyproject.toml`` that has a ``[tool.imagelint]`` table."""
    for directory in [start, *start.parents]:
        dedicated = directory / ".imagelint.toml"
        if dedicated.is_file():
            return dedicated
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_imagelint_table(pyproject):
            return pyproject
    return None


def _has_imagelint_table(pyproject: Path) -> bool:
    try:
        return "imagelint" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return True  # let load_settings report the broken file


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML ({err})") from None


def load_settings(path: Path | None, known_codes: set[str], known_names: set[str]) -> Settings:
    if path is None:
        return Settings()
    data = _read_toml(path)
    table = data.get("tool", {}).get("imagelint", {}) if path.name == "pyproject.toml" else data
    where = f"{path}: [tool.imagelint]" if path.name == "pyproject.toml" else str(path)
    return settings_from_table(table, where, known_codes, known_names, source=path)


def settings_from_table(
    table, where: str, known_codes: set[str], known_names: set[str], *, source: Path | None = None
) -> Settings:
    """Settings from the ``[tool.imagelint]`` table (already read from TOML), strictly checked."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(_KNOWN_KEYS))})")
    settings = Settings(source=source)
    selectors = known_selectors(known_codes, known_names)
    if "select" in table:
        settings = replace(settings, select=_selectors(table["select"], f"{where}: select", selectors))
    if "ignore" in table:
        settings = replace(settings, ignore=_selectors(table["ignore"], f"{where}: ignore", selectors))
    if "fail-on" in table:
        settings = replace(settings, fail_on=_check_fail_on(table["fail-on"], f"{where}: fail-on"))
    if "trusted-registries" in table:
        registries = _string_list(table["trusted-registries"], f"{where}: trusted-registries")
        settings = replace(settings, trusted_registries=registries)
    if "disable-ignore-pragma" in table:
        if not isinstance(table["disable-ignore-pragma"], bool):
            raise ConfigError(f"{where}: disable-ignore-pragma must be true or false")
        settings = replace(settings, disable_ignore_pragma=table["disable-ignore-pragma"])
    if "severity" in table:
        settings = replace(settings, severity=_severities(table["severity"], f"{where}: severity", known_codes))
    if "rules" in table:
        rules = table["rules"]
        if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
            raise ConfigError(f"{where}: rules must be a table of tables, e.g. [tool.imagelint.rules.IL2001]")
        bad = sorted(set(rules) - known_codes)
        if bad:
            raise ConfigError(f"{where}: rules.{bad[0]}: no such rule")
        settings = replace(settings, rule_options={code: dict(v) for code, v in rules.items()})
    return settings


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
    """``select``/``ignore`` values (from a file or the command line) must name rules or families."""
    for item in items:
        if item not in known:
            raise ConfigError(f"{where}: '{item}' is not a rule code, rule name or family (see 'imagelint rules')")


def known_selectors(known_codes: set[str], known_names: set[str]) -> set[str]:
    return known_codes | known_names | set(FAMILIES) | {"ALL"}


def _check_fail_on(value, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in FAIL_ON_CHOICES:
        raise ConfigError(f"{where}: '{value}' is not one of {', '.join(FAIL_ON_CHOICES)}")
    return value.lower()


def _severities(value, where: str, known_codes: set[str]) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of CODE = \"severity\"")
    result = {}
    for code, level in value.items():
        if code not in known_codes:
            raise ConfigError(f"{where}: '{code}' is not a rule code")
        try:
            result[code] = Severity.parse(str(level))
        except ValueError as err:
            raise ConfigError(f"{where}.{code}: {err}") from None
    return result
