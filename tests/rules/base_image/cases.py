"""A digest shared by the base-image rule tests."""

from __future__ import annotations

DIGEST = "sha256:" + "0123456789abcdef" * 4
