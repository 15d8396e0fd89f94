"""CI budgets for an image: imagelint's own thresholds and dive's ``.dive-ci`` rules.

Sizes are parsed like dive's (go-humanize ``ParseBytes``): case-insensitive, ``kB``/``MB``/``GB`` are
powers of 1000 and ``KiB``/``MiB``/``GiB`` powers of 1024, a bare number is bytes, so ``20MB`` is
20,000,000 and ``5MiB`` is 5,242,880.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

_SIZE_UNITS = {
    "": 1, "b": 1,
    "k": 1000, "kb": 1000, "ki": 1024, "kib": 1024,
    "m": 1000**2, "mb": 1000**2, "mi": 1024**2, "mib": 1024**2,
    "g": 1000**3, "gb": 1000**3, "gi": 1024**3, "gib": 1024**3,
    "t": 1000**4, "tb": 1000**4, "ti": 1024**4, "tib": 1024**4,
    "p": 1000**5, "pb": 1000**5, "pi": 1024**5, "pib": 1024**5,
    "e": 1000**6, "eb": 1000**6, "ei": 1024**6, "eib": 1024**6,
}
_NUMBER_PREFIX = re.compile(r"^[\d.,]*")
DIVE_DEFAULTS = {"lowestEfficiency": "0.9", "highestWastedBytes": "disabled", "highestUserWastedPercent": "0.1"}


class BudgetError(Exception):
    """A threshold or a .dive-ci file cannot be understood. One line, names the value."""


def parse_size(text: str) -> int:
    """``20MB`` -> 20000000, ``5MiB`` -> 5242880, ``1,000`` -> 1000 (dive's rules, see the module doc)."""
    value = str(text).strip()
    digits = _NUMBER_PREFIX.match(value).group(0)  # type: ignore[union-attr]
    unit = value[len(digits) :].strip().lower()
    try:
        number = float(digits.replace(",", ""))
    except ValueError:
        raise BudgetError(f"'{text}' is not a size (examples: 20MB, 5MiB, 1500000)") from None
    if unit not in _SIZE_UNITS:
        raise BudgetError(f"'{text}': unknown size unit '{unit}' (use B, kB, MB, GB or KiB, MiB, GiB)")
    if number < 0 or not math.isfinite(number):
        raise BudgetError(f"'{text}' is not a size")
    return int(number * _SIZE_UNITS[unit])


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


def format_size(count: int | float) -> str:
    """Human-readable, powers of 1000 like dive and docker: ``1.0 MB``, ``700 kB``, ``18.2 MB``."""
    count = float(count)
    if abs(count) < 1000:
        return f"{int(count)} B"
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        count /= 1000
        if abs(count) < 999.95 or unit == "PB":
            return f"{count:.0f} {unit}" if abs(count) >= 100 else f"{count:.1f} {unit}"
    raise AssertionError("unreachable")


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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BudgetError(f"{path}: no such .dive-ci file") from None
    except OSError as err:
        raise BudgetError(f"{path}: cannot read ({err.strerror})") from None
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

    aliases = {
        "lowest-efficiency": "lowestEfficiency",
        "highest-wasted-bytes": "highestWastedBytes",
        "highest-user-wasted-percent": "highestUserWastedPercent",
    }
    try:
        document = yaml.safe_load(text)
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
