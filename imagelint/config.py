"""Which settings are in force: the config file found (``[tool.imagelint]`` in pyproject.toml or
``.imagelint.toml``), or else a hadolint config (``.hadolint.yaml`` and the ``HADOLINT_*`` environment
variables, :mod:`imagelint.hadolint_config`).

The first file found from the current directory upward wins. What its table may say, and how each
value is checked, is :mod:`imagelint.settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from imagelint.documents import DocumentError, load_toml, read_bytes
from imagelint.rule import Rule
from imagelint.settings import ConfigError, Settings, settings_from_table


# What hadolint reads, as far as finding it goes: its config files in the current directory and
# variables named HADOLINT_*. imagelint.hadolint_config, which reads them, is imported only when
# one is there: most projects have neither.
HADOLINT_CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")
HADOLINT_VARIABLE_PREFIX = "HADOLINT_"


def project_settings(
    config: Path | None, cwd: Path, rules: Mapping[str, Rule], environ: Mapping[str, str] | None = None
) -> Settings:
    """``config`` if given; else the imagelint config found from ``cwd`` upward; else ``.hadolint.yaml``
    in ``cwd`` with the ``HADOLINT_*`` variables of ``environ`` (default: this process's); else the
    defaults. ``rules`` is the rule registry (code -> rule)."""
    path = config or find_config(cwd)
    environ = os.environ if environ is None else environ
    if path is None and _hadolint_config_may_apply(cwd, environ):
        from imagelint import hadolint_config

        hadolint = hadolint_config.read(hadolint_config.find(cwd), environ, rules)
        if hadolint is not None:
            return hadolint.settings()
    return load_settings(path, rules)


def _hadolint_config_may_apply(cwd: Path, environ: Mapping[str, str]) -> bool:
    return any(name.startswith(HADOLINT_VARIABLE_PREFIX) for name in environ) or any(
        (cwd / name).is_file() for name in HADOLINT_CONFIG_NAMES
    )


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
        data = _read_bytes(pyproject)
        # Most projects' pyproject.toml has no [tool.imagelint] table and never names imagelint;
        # reading one as TOML (and importing tomllib) is a visible share of a one-file lint, so a
        # file that names it nowhere is passed over. Only a key spelt with escapes could name it
        # unseen, so a file holding a backslash is read in full.
        if b"imagelint" not in data and b"\\" not in data:
            return False
        return "imagelint" in _read_toml(pyproject, data).get("tool", {})
    except ConfigError:
        return True  # let load_settings report the broken file


def _read_bytes(path: Path) -> bytes:
    try:
        return read_bytes(path)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror})") from None
    except DocumentError as err:
        raise ConfigError(f"{path}: {err}") from None


def _read_toml(path: Path, data: bytes | None = None) -> dict:
    import tomllib  # only for a file that is read: see _has_imagelint_table

    try:
        return load_toml(_read_bytes(path) if data is None else data)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML ({err})") from None
    except DocumentError as err:
        raise ConfigError(f"{path}: {err}") from None


def load_settings(path: Path | None, rules: Mapping[str, Rule]) -> Settings:
    if path is None:
        return Settings()
    data = _read_toml(path)
    table = data.get("tool", {}).get("imagelint", {}) if path.name == "pyproject.toml" else data
    where = f"{path}: [tool.imagelint]" if path.name == "pyproject.toml" else str(path)
    return settings_from_table(table, where, rules, source=path)
