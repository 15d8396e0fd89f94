"""hadolint's ``.hadolint.yaml`` read as imagelint settings, and converted to an imagelint config.

imagelint reads ``.hadolint.yaml`` (or ``.hadolint.yml``) from the current directory when no
imagelint configuration is found, so a project moving from hadolint keeps its decisions:

- ``ignored: [DL3008]`` turns off every imagelint rule that declares DL3008 as its hadolint
  equivalent (``imagelint rules --format json`` lists them under ``equivalents``);
- ``override: {error: [...], warning: [...], info: [...], style: [...]}`` sets those rules'
  severities (when several DL codes of one rule are overridden, the most severe level wins);
- ``trustedRegistries`` becomes ``trusted-registries``;
- ``failure-threshold`` becomes ``fail-on`` (``ignore`` and ``none`` become ``never``), and
  ``no-fail: true`` becomes ``fail-on = "never"``;
- ``disable-ignore-pragma: true`` turns off inline ``# hadolint ignore=`` and ``# imagelint ignore=``;
- ``label-schema`` and ``strict-labels`` become the same keys of imagelint's config (the label
  rules IL8024-IL8033, hadolint's DL3048-DL3058).

hadolint's ``HADOLINT_*`` environment variables are read at the same time (with or without a
``.hadolint.yaml``), combined as hadolint 2.15.1 combines them with its config file (measured):
the lists (``HADOLINT_IGNORE``, ``HADOLINT_OVERRIDE_*``, ``HADOLINT_TRUSTED_REGISTRIES``) are
added to the file's, and a single value the file sets (``failure-threshold``, ``no-fail``,
``disable-ignore-pragma``, ``strict-labels``, a label's type) beats the variable's.
``HADOLINT_REQUIRE_LABELS`` is ``key:type,key:type``. A bad value is an error naming the variable.

ShellCheck codes are kept as they are (``SC2086`` is a selector of imagelint's own: it applies to
``--shellcheck`` runs). Options that only change hadolint's output (``format``, ``no-color``,
``verbose``) and unknown keys are not applied; one note says which. Wrong values of the keys above are errors, as they are for hadolint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from imagelint.config import HADOLINT_CONFIG_NAMES
from imagelint.settings import ConfigError, Settings
from imagelint.findings import Severity
from imagelint.rule import Rule

CONFIG_NAMES = HADOLINT_CONFIG_NAMES
THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "style", "ignore": "never", "none": "never"}
OVERRIDE_LEVELS = ("error", "warning", "info", "style")
_OUTPUT_KEYS = {"format": "--format", "formats": "--format", "no-color": "NO_COLOR", "verbose": "--verbose"}
_CODE = re.compile(r"^(DL|SC)\d{4}$")

# hadolint 2.15.1's rules, and imagelint's answer to each: imagelint.knowledge.hadolint_rules.


class Conversion:
    """What a hadolint config means for imagelint, with the reasons kept for the converted file.
    Filled in by :func:`convert`."""

    def __init__(self, source: Path | None) -> None:
        self.source = source  # the .hadolint.yaml read; None when only HADOLINT_* variables were
        self.ignore: dict[str, list[str]] = {}  # IL code -> the ignored DL codes behind it
        self.severity: dict[str, tuple[Severity, list[str]]] = {}  # IL code -> level, DL codes
        self.fail_on: str | None = None
        self.trusted_registries: tuple[str, ...] | None = None
        self.disable_ignore_pragma = False
        self.label_schema: dict[str, str] = {}  # label key -> type
        self.strict_labels = False
        self.not_applied: list[str] = []  # one phrase per thing left out
        self.no_equivalent: list[str] = []  # DL codes named that no imagelint rule covers
        self.environment: tuple[str, ...] = ()  # the HADOLINT_* variables read

    def settings(self) -> Settings:
        settings = Settings(
            ignore=tuple(self.ignore),
            severity={code: level for code, (level, _) in self.severity.items()},
            disable_ignore_pragma=self.disable_ignore_pragma,
            label_schema=dict(self.label_schema),
            strict_labels=self.strict_labels,
            source=self.source,
        )
        if self.fail_on is not None:
            settings = settings.with_cli(fail_on=self.fail_on)
        if self.trusted_registries is not None:
            settings = settings.with_cli(trusted_registries=self.trusted_registries)
        if self.not_applied:
            where = " and ".join(
                ([_display(self.source)] if self.source is not None else []) + (["HADOLINT_* variables"] if self.environment else [])
            )
            silence = (
                "Convert it with 'imagelint config from-hadolint'"
                if self.source is not None
                else "Unset them, or write an imagelint config,"
            )
            note = f"{where}: not applied: {'; '.join(self.not_applied)}. {silence} to silence this note"
            settings = settings.with_cli(notes=(note,))
        return settings


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find(directory: Path) -> Path | None:
    """hadolint's first lookup place: ``.hadolint.yaml`` or ``.hadolint.yml`` in the current directory."""
    return next((directory / name for name in CONFIG_NAMES if (directory / name).is_file()), None)


def read(path: Path | None, environ: Mapping[str, str], rules: Mapping[str, Rule]) -> Conversion | None:
    """What hadolint would read here: ``path`` (a ``.hadolint.yaml``, or None) with the ``HADOLINT_*``
    variables of ``environ``; None when there is neither."""
    variables, env_not_applied = from_environment(environ)
    if path is None and not variables and not env_not_applied:
        return None
    document = _read_document(path) if path is not None else {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: a hadolint config must be a mapping of keys")
    conversion = convert(_merge(document, variables), path, rules)
    conversion.not_applied[:0] = env_not_applied
    conversion.environment = tuple(sorted(name for name in environ if name in ENVIRONMENT_VARIABLES and environ[name].strip()))
    return conversion


def load(path: Path, rules: Mapping[str, Rule]) -> Conversion:
    document = _read_document(path)
    return convert(document, path, rules)


def _read_document(path: Path):
    import yaml

    from imagelint.documents import DocumentError, load_yaml, read_bytes

    try:
        text = read_bytes(path).decode("utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except DocumentError as err:
        raise ConfigError(f"{path}: {err}") from None
    try:
        document = load_yaml(text)
    except DocumentError as err:
        raise ConfigError(f"{path}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(f"{path}: invalid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    return document if document is not None else {}


# hadolint 2.15.1's variables (src/Hadolint/Config/Environment.hs) -> the config key each stands for.
_ENV_LISTS = {
    "HADOLINT_IGNORE": "ignored",
    "HADOLINT_TRUSTED_REGISTRIES": "trustedRegistries",
    **{f"HADOLINT_OVERRIDE_{level.upper()}": f"override.{level}" for level in OVERRIDE_LEVELS},
}
_ENV_FLAGS = {
    "HADOLINT_NOFAIL": "no-fail",
    "HADOLINT_DISABLE_IGNORE_PRAGMA": "disable-ignore-pragma",
    "HADOLINT_STRICT_LABELS": "strict-labels",
}
_ENV_NOT_APPLIED = {
    "HADOLINT_FORMAT": "an output option: use --format on the command line",
    "HADOLINT_VERBOSE": "an output option: use --verbose on the command line",
}
ENVIRONMENT_VARIABLES = (
    *_ENV_LISTS, *_ENV_FLAGS, "HADOLINT_FAILURE_THRESHOLD", "HADOLINT_REQUIRE_LABELS", *_ENV_NOT_APPLIED,
)  # fmt: skip
_TRUE = ("1", "y", "yes", "on", "true")  # hadolint's truthy values; anything else is false to hadolint
_FALSE = ("", "0", "n", "no", "off", "false")


def from_environment(environ: Mapping[str, str]) -> tuple[dict, list[str]]:
    """The ``HADOLINT_*`` variables of ``environ`` as a (checked) hadolint config document, and the
    phrases for the variables that are set but not applied. Lists are comma-separated."""
    document: dict = {}
    not_applied: list[str] = []
    for name, key in _ENV_LISTS.items():
        if name not in environ:
            continue
        items = [item.strip() for item in environ[name].split(",") if item.strip()]
        if key != "trustedRegistries":
            for item in items:
                if not _CODE.match(item):
                    raise ConfigError(f"{name}: {item!r} is not a hadolint rule code (DLxxxx or SCxxxx)")
        if key.startswith("override."):
            document.setdefault("override", {})[key.split(".", 1)[1]] = items
        else:
            document[key] = items
    for name, key in _ENV_FLAGS.items():
        if name in environ:
            document[key] = _flag(name, environ[name])
    if "HADOLINT_FAILURE_THRESHOLD" in environ:
        value = environ["HADOLINT_FAILURE_THRESHOLD"].strip()
        if value.lower() not in THRESHOLDS:
            raise ConfigError(f"HADOLINT_FAILURE_THRESHOLD: {value!r} is not one of {', '.join(THRESHOLDS)}")
        document["failure-threshold"] = value
    if environ.get("HADOLINT_REQUIRE_LABELS", "").strip():
        document["label-schema"] = _required_labels(environ["HADOLINT_REQUIRE_LABELS"])
    for name, why in _ENV_NOT_APPLIED.items():
        value = environ.get(name, "").strip()
        if value.lower() not in _FALSE:
            not_applied.append(f"{name} ({why})")
    return document, not_applied


def _required_labels(value: str) -> dict[str, str]:
    """``HADOLINT_REQUIRE_LABELS=key:type,key:type`` (hadolint drops a pair it cannot read; imagelint
    says which)."""
    from imagelint.knowledge.labels import parse_requirement

    schema: dict[str, str] = {}
    for item in (part.strip() for part in value.split(",")):
        if item:
            try:
                key, kind = parse_requirement(item)
            except ValueError as err:
                raise ConfigError(f"HADOLINT_REQUIRE_LABELS: {err}") from None
            schema[key] = kind
    return schema


def _flag(name: str, value: str) -> bool:
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ConfigError(f"{name}: {value!r} is not true or false (1, yes, true, on / 0, no, false, off)")


def _merge(document: dict, variables: dict) -> dict:
    """hadolint's order: the file's lists and the variables' lists together; a single value set in
    the file beats the variable's."""
    merged = dict(document)
    for key, value in variables.items():
        if key == "override":
            file_override = merged.get("override")
            if file_override is None:
                merged["override"] = value
            elif isinstance(file_override, dict):
                merged["override"] = {**file_override, **{level: _joined(file_override.get(level), codes) for level, codes in value.items()}}
        elif key in ("ignored", "trustedRegistries"):
            merged[key] = _joined(merged.get(key), value)
        elif key == "label-schema" and isinstance(merged.get(key), dict):
            merged[key] = {**value, **merged[key]}  # a label the file types keeps the file's type
        else:
            merged.setdefault(key, value)
    return merged


def _joined(file_value, items: list[str]):
    if file_value is None:
        return items
    if isinstance(file_value, (str, list)):
        return [*([file_value] if isinstance(file_value, str) else file_value), *items]
    return file_value  # a wrong value in the file: convert() reports it, naming the file


def convert(document, path: Path | None, rules: Mapping[str, Rule]) -> Conversion:
    # Imported here: every run imports this module to look for a hadolint config, few find one.
    from imagelint.knowledge.hadolint_rules import HADOLINT_RULES
    from imagelint.knowledge.labels import check_schema

    if not isinstance(document, dict):
        raise ConfigError(f"{path}: a hadolint config must be a mapping of keys")
    by_dl: dict[str, list[str]] = {}
    for rule in rules.values():
        for code in rule.hadolint:
            by_dl.setdefault(code, []).append(rule.code)
    conversion = Conversion(source=path)
    no_equivalent: list[str] = []
    unknown_codes: list[str] = []

    def equivalents(code: str, where: str) -> list[str]:
        if not isinstance(code, str) or not _CODE.match(code.strip()):
            raise ConfigError(f"{path}: {where}: {code!r} is not a hadolint rule code (DLxxxx or SCxxxx)")
        code = code.strip()
        if code.startswith("SC"):
            return [code]
        if code in by_dl:
            return by_dl[code]
        elif code in HADOLINT_RULES:
            no_equivalent.append(code)
        else:
            unknown_codes.append(code)
        return []

    for key, value in document.items():
        if key == "ignored":
            for code in _codes(value, path, key):
                for il_code in equivalents(code, key):
                    conversion.ignore.setdefault(il_code, []).append(code.strip())
        elif key == "override":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: override must be a mapping of {', '.join(OVERRIDE_LEVELS)} to rule codes")
            for level, codes in value.items():
                if level not in OVERRIDE_LEVELS:
                    raise ConfigError(f"{path}: override.{level}: not one of {', '.join(OVERRIDE_LEVELS)}")
                severity = Severity.parse(level)
                for code in _codes(codes, path, f"override.{level}"):
                    for il_code in equivalents(code, f"override.{level}"):
                        current, sources = conversion.severity.get(il_code, (severity, []))
                        conversion.severity[il_code] = (max(current, severity), [*sources, code.strip()])
        elif key == "failure-threshold":
            if not isinstance(value, str) or value.lower() not in THRESHOLDS:
                raise ConfigError(f"{path}: failure-threshold: {value!r} is not one of {', '.join(THRESHOLDS)}")
            if conversion.fail_on is None:
                conversion.fail_on = THRESHOLDS[value.lower()]
        elif key == "no-fail":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: no-fail must be true or false")
            if value:
                conversion.fail_on = "never"
        elif key == "trustedRegistries":
            registries = [value] if isinstance(value, str) else value
            if not isinstance(registries, list) or not all(isinstance(r, str) for r in registries):
                raise ConfigError(f"{path}: trustedRegistries must be a string or a list of strings")
            conversion.trusted_registries = tuple(registries)
        elif key == "disable-ignore-pragma":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: disable-ignore-pragma must be true or false")
            conversion.disable_ignore_pragma = value
        elif key in _OUTPUT_KEYS:
            conversion.not_applied.append(f"{key} (an output option: use {_OUTPUT_KEYS[key]} on the command line)")
        elif key == "label-schema":
            try:
                conversion.label_schema = check_schema(value if value is not None else {})
            except ValueError as err:
                raise ConfigError(f"{path}: label-schema: {err}") from None
        elif key == "strict-labels":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: strict-labels must be true or false")
            conversion.strict_labels = value
        else:
            conversion.not_applied.append(f"{key} (not a hadolint config key imagelint knows)")
    if unknown_codes:
        conversion.not_applied.append(f"{', '.join(dict.fromkeys(unknown_codes))} (not hadolint 2.15 rules)")
    # Not worth a note: imagelint has no such rule, so there is nothing to ignore or re-grade.
    conversion.no_equivalent = list(dict.fromkeys(no_equivalent))
    return conversion


def _codes(value, path: Path, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{path}: {where} must be a list of rule codes")
    return value


def to_toml(conversion: Conversion, *, pyproject: bool = False) -> str:
    """The conversion as ``.imagelint.toml`` (or a ``[tool.imagelint]`` table for pyproject.toml)."""
    prefix = "tool.imagelint." if pyproject else ""
    lines = [f"# Converted from {conversion.source.name} by 'imagelint config from-hadolint'."]
    for item in conversion.not_applied:
        lines.append(f"# Not converted: {item}.")
    if conversion.no_equivalent:
        lines.append(f"# No imagelint rule covers {', '.join(conversion.no_equivalent)}; nothing to convert for them.")
    if pyproject:
        lines.append("[tool.imagelint]")
    if conversion.fail_on is not None:
        lines.append(f"fail-on = {_string(conversion.fail_on)}")
    if conversion.ignore:
        lines.append("ignore = [")
        lines += [f"    {_string(code)},  # {', '.join(codes)}" for code, codes in sorted(conversion.ignore.items())]
        lines.append("]")
    if conversion.trusted_registries is not None:
        lines.append(f"trusted-registries = [{', '.join(_string(r) for r in conversion.trusted_registries)}]")
    if conversion.disable_ignore_pragma:
        lines.append("disable-ignore-pragma = true")
    if conversion.strict_labels:
        lines.append("strict-labels = true")
    if conversion.label_schema:
        lines += ["", f"[{prefix}label-schema]"]
        lines += [f"{_string(key)} = {_string(kind)}" for key, kind in conversion.label_schema.items()]
    if conversion.severity:
        lines += ["", f"[{prefix}severity]"]
        lines += [
            f"{code} = {_string(str(level))}  # {', '.join(codes)}" for code, (level, codes) in sorted(conversion.severity.items())
        ]
    return "\n".join(lines) + "\n"


def _string(value: str) -> str:
    """A TOML basic string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'
