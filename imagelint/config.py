"""Which settings are in force: the config file found (``[tool.imagelint]`` in pyproject.toml or
``.imagelint.toml``), or else a hadolint config (``.hadolint.yaml`` and the ``HADOLINT_*`` environment
variables, :mod:`imagelint.hadolint_config`).

The first file found from the current directory upward wins. What its table may say, and how each
value is checked, is :mod:`imagelint.settings`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from imagelint import hadolint_config
from imagelint.documents import DocumentError, load_toml, read_bytes
from imagelint.rule import Rule
from imagelint.settings import ConfigError, Settings, settings_from_table


def project_settings(
    config: Path | None, cwd: Path, rules: Mapping[str, Rule], environ: Mapping[str, str] | None = None
) -> Settings:
    """``config`` if given; else the imagelint config found from ``cwd`` upward; else ``.hadolint.yaml``
    in ``cwd`` with the ``HADOLINT_*`` variables of ``environ`` (default: this process's); else the
    defaults. ``rules`` is the rule registry (code -> rule)."""
    path = config or find_config(cwd)
    if path is None:
        hadolint = hadolint_config.read(hadolint_config.find(cwd), os.environ if environ is None else environ, rules)
        if hadolint is not None:
            return hadolint.settings()
    return load_settings(path, rules)


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
        return load_toml(read_bytes(path))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror})") from None
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
