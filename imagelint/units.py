"""Byte counts, read and shown the way docker and dive do.

Shown in powers of 1000 (``kB``, ``MB``, ``GB``) everywhere, like ``docker images`` and dive, so a
size imagelint prints can be compared with theirs. Read like dive's (go-humanize ``ParseBytes``):
case-insensitive, ``kB``/``MB``/``GB`` are powers of 1000 and ``KiB``/``MiB``/``GiB`` powers of
1024, a bare number is bytes, so ``20MB`` is 20,000,000 and ``5MiB`` is 5,242,880.
"""

from __future__ import annotations

import math

from imagelint.lazy_pattern import LazyPattern

_SIZE_UNITS = {
    "": 1, "b": 1,
    "k": 1000, "kb": 1000, "ki": 1024, "kib": 1024,
    "m": 1000**2, "mb": 1000**2, "mi": 1024**2, "mib": 1024**2,
    "g": 1000**3, "gb": 1000**3, "gi": 1024**3, "gib": 1024**3,
    "t": 1000**4, "tb": 1000**4, "ti": 1024**4, "tib": 1024**4,
    "p": 1000**5, "pb": 1000**5, "pi": 1024**5, "pib": 1024**5,
    "e": 1000**6, "eb": 1000**6, "ei": 1024**6, "eib": 1024**6,
}
_NUMBER_PREFIX = LazyPattern(r"^[\d.,]*")


def parse_size(text: str) -> int:
    """``20MB`` -> 20000000, ``5MiB`` -> 5242880, ``1,000`` -> 1000; a ValueError names the text."""
    value = str(text).strip()
    digits = _NUMBER_PREFIX.match(value).group(0)  # type: ignore[union-attr]
    unit = value[len(digits) :].strip().lower()
    try:
        number = float(digits.replace(",", ""))
    except ValueError:
        raise ValueError(f"'{text}' is not a size (examples: 20MB, 5MiB, 1500000)") from None
    if unit not in _SIZE_UNITS:
        raise ValueError(f"'{text}': unknown size unit '{unit}' (use B, kB, MB, GB or KiB, MiB, GiB)")
    if number < 0 or not math.isfinite(number):
        raise ValueError(f"'{text}' is not a size")
    return int(number * _SIZE_UNITS[unit])


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
