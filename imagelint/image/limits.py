"""How much image metadata imagelint accepts before it calls an image hostile.

Real images are far inside these bounds; each exists so that a crafted archive, layout or registry
cannot take a CI machine's memory or time. Each can be raised with its environment variable, and a
value that is not a positive whole number is an error. docs/security.md lists them.

| limit | default | why this number |
|---|---|---|
| layers in an image (``IMAGELINT_MAX_LAYERS``) | 500 | Docker's overlay2 driver mounts at most 128 |
| history entries (``IMAGELINT_MAX_HISTORY``) | 10,000 | one per Dockerfile instruction of every stage shipped |
| image config size (``IMAGELINT_MAX_CONFIG_BYTES``) | 16 MiB | configs are kilobytes; 10,000 long RUN lines fit |

Fixed bounds: manifests and indexes 4 MiB (what registries accept,
:data:`imagelint.image.layout.MAX_DOCUMENT_BYTES`), JSON nested at most :data:`MAX_JSON_DEPTH` deep,
and all JSON an archive holds buffered at most four times the config limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from imagelint.image.model import ImageError

MAX_JSON_DEPTH = 64  # image metadata is at most 6 deep; deep nesting only serves to crash parsers


@dataclass(frozen=True)
class Limit:
    variable: str
    default: int
    what: str  # "layers", "history entries": what is counted, for messages

    def value(self) -> int:
        text = os.environ.get(self.variable, "").strip()
        if not text:
            return self.default
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0:
            raise ImageError(f"{self.variable}={text!r}: expected a whole number greater than 0")
        return value

    def exceeded(self, count: int, shown: str | None = None) -> str:
        """"N layers, more than the 500 allowed (set IMAGELINT_MAX_LAYERS to raise the limit)"."""
        return (f"{shown or count} {self.what}, more than the {self.value()} allowed "
                f"(set {self.variable} to raise the limit)")  # fmt: skip


MAX_LAYERS = Limit("IMAGELINT_MAX_LAYERS", 500, "layers")
MAX_HISTORY = Limit("IMAGELINT_MAX_HISTORY", 10_000, "history entries")
MAX_CONFIG_BYTES = Limit("IMAGELINT_MAX_CONFIG_BYTES", 16 << 20, "bytes")


def max_archive_json_bytes() -> int:
    """All the JSON documents one archive may hold in memory while its members stream by."""
    return 4 * MAX_CONFIG_BYTES.value()
