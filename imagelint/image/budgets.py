"""CI budgets for an image: imagelint's own thresholds and dive's ``.dive-ci`` rules.

Sizes are parsed like dive's (:func:`imagelint.units.parse_size`): ``20MB`` is 20,000,000 and
``5MiB`` is 5,242,880.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from imagelint import units

DIVE_DEFAULTS = {"lowestEfficiency": "0.9", "highestWastedBytes": "disabled", "highestUserWastedPercent": "0.1"}


class BudgetError(Exception):
    """A threshold or a .dive-ci file cannot be understood. One line, names the value."""


def parse_size(text: str) -> int:
    """:func:`imagelint.units.parse_size`, failing with a :class:`BudgetError`."""
    try:
        return units.parse_size(text)
    except ValueError as err:
        raise BudgetError(str(err)) from None


def parse_fraction(text: str, what: str) -> float:
    """A ratio between 0 and 1, also written as a percentage: ``0.9`` or ``90%``."""
    value = str(text).strip()
    try:
        number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise BudgetError(f"{what}: '{text}' is not a number between 0 and 1 (or a percentage like 90%)") from None
    if not 0 <= number <= 1:
        raise BudgetError(f"{what}: '{text}' is outside 0-1")
    return number


def parse_percent(text: str, what: str) -> float:
    """A percentage from 0 to 100, with or without the ``%`` sign: ``10`` or ``10%``."""
    value = str(text).strip().removesuffix("%")
    try:
        number = float(value)
    except ValueError:
        raise BudgetError(f"{what}: '{text}' is not a percentage (e.g. 10 or 10%)") from None
    if not 0 <= number <= 100:
        raise BudgetError(f"{what}: '{text}' is outside 0-100")
    return number


@dataclass(frozen=True)
class DiveCiRules:
    """The three rules of a ``.dive-ci`` file; ``None`` means ``disabled``."""

    lowest_efficiency: float | None = 0.9
    highest_wasted_bytes: int | None = None
    highest_user_wasted_percent: float | None = 0.1
    source: str = "dive defaults"


@dataclass(frozen=True)
class Budgets:
    max_wasted_bytes: int | None = None
    max_wasted_percent: float | None = None  # of the shipped bytes, 0-100
    min_efficiency: float | None = None  # 0-1
    max_size: int | None = None
    dive_ci: DiveCiRules | None = None


def load_dive_ci(path: Path) -> DiveCiRules:
    """Read a ``.dive-ci`` file as dive 0.13.1 does: rules it omits keep dive's defaults."""
    from imagelint.documents import DocumentError, read_text

    try:
        text = read_text(path)
    except FileNotFoundError:
        raise BudgetError(f"{path}: no such .dive-ci file") from None
    except OSError as err:
        raise BudgetError(f"{path}: cannot read ({err.strerror})") from None
    except DocumentError as err:
        raise BudgetError(f"{path}: {err}") from None
    values = dict(DIVE_DEFAULTS)
    values.update(_dive_ci_rules(text, path))
    where = f"{path}: rules"

    def fraction(key: str) -> float | None:
        raw = values[key]
        if raw.lower() == "disabled":
            return None
        try:
            number = float(raw)
        except ValueError:
            raise BudgetError(f"{where}.{key}: '{raw}' is not a number or 'disabled' (dive: CI Misconfigured)") from None
        if not 0 <= number <= 1:
            raise BudgetError(f"{where}.{key}: {raw} is outside the allowed range (0-1) (dive: CI Misconfigured)")
        return number

    wasted = values["highestWastedBytes"]
    try:
        highest_wasted = None if wasted.lower() == "disabled" else parse_size(wasted)
    except BudgetError as err:
        raise BudgetError(f"{where}.highestWastedBytes: {err} (dive: CI Misconfigured)") from None
    return DiveCiRules(
        lowest_efficiency=fraction("lowestEfficiency"),
        highest_wasted_bytes=highest_wasted,
        highest_user_wasted_percent=fraction("highestUserWastedPercent"),
        source=str(path),
    )


def _dive_ci_rules(text: str, path: Path) -> dict[str, str]:
    """The ``rules:`` mapping of a .dive-ci file, values as text (dive reads them as strings too).
    Kebab-case keys, dive's newer spelling, are accepted."""
    import yaml  # imported only when a .dive-ci file is read

    from imagelint.documents import DocumentError, load_yaml

    aliases = {
        "lowest-efficiency": "lowestEfficiency",
        "highest-wasted-bytes": "highestWastedBytes",
        "highest-user-wasted-percent": "highestUserWastedPercent",
    }
    try:
        document = load_yaml(text)
    except DocumentError as err:
        raise BudgetError(f"{path}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise BudgetError(f"{where}: not valid YAML ({getattr(err, 'problem', None) or err})") from None
    if document is None:
        return {}
    rules = document.get("rules") if isinstance(document, dict) else None
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise BudgetError(f"{path}: 'rules' must be a mapping of rule names to values")
    found = {}
    for key, value in rules.items():
        name = aliases.get(str(key), str(key))
        if name in DIVE_DEFAULTS:
            found[name] = "" if value is None else str(value).strip()
    return found
