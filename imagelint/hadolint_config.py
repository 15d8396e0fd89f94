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
- ``disable-ignore-pragma: true`` turns off inline ``# hadolint ignore=`` and ``# imagelint ignore=``.

hadolint's ``HADOLINT_*`` environment variables are read at the same time (with or without a
``.hadolint.yaml``), combined as hadolint 2.15.1 combines them with its config file (measured):
the lists (``HADOLINT_IGNORE``, ``HADOLINT_OVERRIDE_*``, ``HADOLINT_TRUSTED_REGISTRIES``) are
added to the file's, and a single value the file sets (``failure-threshold``, ``no-fail``,
``disable-ignore-pragma``) beats the variable's. A bad value is an error naming the variable.

ShellCheck codes (imagelint does not run ShellCheck), options that only change hadolint's output
(``format``, ``no-color``, ``verbose``), label checks and unknown keys are not applied; one note
says which. Wrong values of the keys above are errors, as they are for hadolint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from imagelint.settings import ConfigError, Settings
from imagelint.findings import Severity
from imagelint.rule import Rule

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")
THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "style", "ignore": "never", "none": "never"}
OVERRIDE_LEVELS = ("error", "warning", "info", "style")
_OUTPUT_KEYS = {"format": "--format", "formats": "--format", "no-color": "NO_COLOR", "verbose": "--verbose"}
_NO_EQUIVALENT_KEYS = ("label-schema", "strict-labels")
_CODE = re.compile(r"^(DL|SC)\d{4}$")

# hadolint 2.15.1's rules (src/Hadolint/Rule/DL*.hs): code -> (default severity, what it checks).
# DL1000 is hadolint's parse-error code, not a rule; DL3005, DL3017, DL3031 and DL3039 were removed.
HADOLINT_RULES: dict[str, tuple[str, str]] = {
    "DL1001": ("ignore", 'Inline `# hadolint ignore=` pragma used (opt-in "no pragmas" policy)'),
    "DL3000": ("error", "WORKDIR must be absolute"),
    "DL3001": ("info", "Pointless commands in RUN (ssh, vim, shutdown, service, ps, free, top, kill, mount)"),
    "DL3002": ("warning", "Last USER should not be root (checked per stage)"),
    "DL3003": ("warning", "Use WORKDIR, not `cd`"),
    "DL3004": ("error", "Do not use sudo"),
    "DL3006": ("warning", "Tag the image explicitly"),
    "DL3007": ("warning", "Do not use `:latest`"),
    "DL3008": ("warning", "Pin versions in `apt-get install`"),
    "DL3009": ("info", "Delete /var/lib/apt/lists after install (cache/tmpfs mount accepted)"),
    "DL3010": ("info", "COPY of an archive that a later RUN extracts: use ADD"),
    "DL3011": ("error", "EXPOSE port outside 0–65535"),
    "DL3012": ("error", "Multiple HEALTHCHECK"),
    "DL3013": ("warning", "Pin versions in pip"),
    "DL3014": ("warning", "`apt-get install` without `-y`"),
    "DL3015": ("info", "Missing `--no-install-recommends`"),
    "DL3016": ("warning", "Pin versions in npm"),
    "DL3018": ("warning", "Pin versions in `apk add`"),
    "DL3019": ("info", "`apk add` without `--no-cache`"),
    "DL3020": ("error", "Use COPY instead of ADD for files/folders"),
    "DL3021": ("error", "COPY with more than 2 args: destination must end in `/`"),
    "DL3022": ("warning", "`COPY --from` must name an earlier FROM alias"),
    "DL3023": ("error", "`COPY --from` names its own stage"),
    "DL3024": ("error", "FROM aliases must be unique"),
    "DL3025": ("warning", "Use JSON (exec) form for CMD/ENTRYPOINT (HEALTHCHECK too since 2.15)"),
    "DL3026": ("error", "FROM image not from an allowed registry (`trustedRegistries`)"),
    "DL3027": ("warning", "Do not use `apt`; use apt-get/apt-cache"),
    "DL3028": ("warning", "Pin versions in `gem install`"),
    "DL3029": ("warning", "Do not use `FROM --platform`"),
    "DL3030": ("warning", "`yum install` without `-y`"),
    "DL3032": ("warning", "`yum clean all` missing"),
    "DL3033": ("warning", "Pin versions in yum"),
    "DL3034": ("warning", "`zypper install` without `-y`"),
    "DL3035": ("warning", "Do not use `zypper dist-upgrade`"),
    "DL3036": ("warning", "`zypper clean` missing"),
    "DL3037": ("warning", "Pin versions in zypper"),
    "DL3038": ("warning", "`dnf install` without `-y`"),
    "DL3040": ("warning", "`dnf clean all` missing"),
    "DL3041": ("warning", "Pin versions in dnf"),
    "DL3042": ("warning", "pip without `--no-cache-dir` (or `PIP_NO_CACHE_DIR`)"),
    "DL3043": ("error", "ONBUILD triggering ONBUILD/FROM/MAINTAINER"),
    "DL3044": ("error", "ENV refers to a variable defined in the same ENV statement"),
    "DL3045": ("warning", "COPY to a relative destination with no WORKDIR set"),
    "DL3046": ("warning", "`useradd` without `-l` and with a high UID (huge sparse lastlog)"),
    "DL3047": ("info", "`wget` without `--progress` (bloated logs)"),
    "DL3048": ("style", "Invalid label key"),
    "DL3049": ("info", "Required label missing (label-schema)"),
    "DL3050": ("info", "Superfluous label (strict-labels)"),
    "DL3051": ("warning", "Label is empty"),
    "DL3052": ("warning", "Label is not a valid URL"),
    "DL3053": ("warning", "Label is not RFC3339 time"),
    "DL3054": ("warning", "Label is not an SPDX license"),
    "DL3055": ("warning", "Label is not a git hash"),
    "DL3056": ("warning", "Label is not semver"),
    "DL3057": ("ignore", "HEALTHCHECK missing (opt-in)"),
    "DL3058": ("warning", "Label is not an RFC5322 email"),
    "DL3059": ("info", "Consecutive RUNs: consider merging (only if same flags and ≤2 commands each)"),
    "DL3060": ("info", "`yarn cache clean` missing after `yarn install`"),
    "DL3061": ("error", "File must begin with FROM, ARG or a comment"),
    "DL3062": ("warning", "Pin versions in `go install` (`@version`)"),
    "DL3063": ("warning", "Stage name is a reserved word (`scratch`, `context`)"),
    "DL3064": ("warning", "Sensitive-looking ARG/ENV name (known list + substrings such as password, token, username)"),
    "DL3065": ("warning", "`FROM --platform=$TARGETPLATFORM` is redundant"),
    "DL3066": ("info", "USER with a non-numeric UID"),
    "DL3067": ("warning", "`COPY --from=<stage> / /`: copies a whole filesystem"),
    "DL4000": ("error", "MAINTAINER is deprecated"),
    "DL4001": ("warning", "Both wget and curl used"),
    "DL4003": ("warning", "Multiple CMD"),
    "DL4004": ("error", "Multiple ENTRYPOINT"),
    "DL4005": ("warning", "Use SHELL instead of relinking /bin/sh"),
    "DL4006": ("warning", "Set `-o pipefail` (via SHELL) before a RUN with a pipe"),
}


@dataclass
class Conversion:
    """What a hadolint config means for imagelint, with the reasons kept for the converted file."""

    source: Path | None  # the .hadolint.yaml read; None when only HADOLINT_* variables were
    ignore: dict[str, list[str]] = field(default_factory=dict)  # IL code -> the ignored DL codes behind it
    severity: dict[str, tuple[Severity, list[str]]] = field(default_factory=dict)  # IL code -> level, DL codes
    fail_on: str | None = None
    trusted_registries: tuple[str, ...] | None = None
    disable_ignore_pragma: bool = False
    not_applied: list[str] = field(default_factory=list)  # one phrase per thing left out
    no_equivalent: list[str] = field(default_factory=list)  # DL codes named that no imagelint rule covers
    environment: tuple[str, ...] = ()  # the HADOLINT_* variables read

    def settings(self) -> Settings:
        settings = Settings(
            ignore=tuple(self.ignore),
            severity={code: level for code, (level, _) in self.severity.items()},
            disable_ignore_pragma=self.disable_ignore_pragma,
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

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        document = yaml.safe_load(text)
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
_ENV_FLAGS = {"HADOLINT_NOFAIL": "no-fail", "HADOLINT_DISABLE_IGNORE_PRAGMA": "disable-ignore-pragma"}
_ENV_NOT_APPLIED = {
    "HADOLINT_FORMAT": "an output option: use --format on the command line",
    "HADOLINT_VERBOSE": "an output option: use --verbose on the command line",
    "HADOLINT_REQUIRE_LABELS": "imagelint has no label checks",
    "HADOLINT_STRICT_LABELS": "imagelint has no label checks",
}
ENVIRONMENT_VARIABLES = (*_ENV_LISTS, *_ENV_FLAGS, "HADOLINT_FAILURE_THRESHOLD", *_ENV_NOT_APPLIED)
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
    for name, why in _ENV_NOT_APPLIED.items():
        value = environ.get(name, "").strip()
        if value.lower() not in _FALSE:
            not_applied.append(f"{name} ({why})")
    return document, not_applied


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
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: a hadolint config must be a mapping of keys")
    by_dl: dict[str, list[str]] = {}
    for rule in rules.values():
        for code in rule.hadolint:
            by_dl.setdefault(code, []).append(rule.code)
    conversion = Conversion(source=path)
    shellcheck: list[str] = []
    no_equivalent: list[str] = []
    unknown_codes: list[str] = []

    def equivalents(code: str, where: str) -> list[str]:
        if not isinstance(code, str) or not _CODE.match(code.strip()):
            raise ConfigError(f"{path}: {where}: {code!r} is not a hadolint rule code (DLxxxx or SCxxxx)")
        code = code.strip()
        if code.startswith("SC"):
            shellcheck.append(code)
        elif code in by_dl:
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
        elif key in _NO_EQUIVALENT_KEYS:
            conversion.not_applied.append(f"{key} (imagelint has no label checks)")
        else:
            conversion.not_applied.append(f"{key} (not a hadolint config key imagelint knows)")
    if shellcheck:
        conversion.not_applied.append(f"{', '.join(dict.fromkeys(shellcheck))} (imagelint does not run ShellCheck)")
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
