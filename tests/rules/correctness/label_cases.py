"""Settings the label-rule tests share: a label schema as a project would write it."""

from __future__ import annotations

from imagelint.settings import Settings

SCHEMA = {
    "maintainer": "email",
    "org.opencontainers.image.source": "url",
    "org.opencontainers.image.created": "rfc3339",
    "org.opencontainers.image.licenses": "spdx",
    "org.opencontainers.image.revision": "hash",
    "org.opencontainers.image.version": "semver",
    "org.opencontainers.image.title": "text",
}
WITH_SCHEMA = Settings(label_schema=SCHEMA)
STRICT = Settings(label_schema=SCHEMA, strict_labels=True)


def labelled(*pairs: str, base: str = "alpine:3.22") -> str:
    """A one-stage Dockerfile whose LABEL sets these ``key="value"`` pairs."""
    return f"FROM {base}\nLABEL {' '.join(pairs)}\n"
