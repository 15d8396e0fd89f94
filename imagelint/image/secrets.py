"""Secrets an image gives away to anyone who pulls it: ``ENV`` values in its config, and build
arguments or tokens recorded in its history (``docker history`` shows them).

What looks like a secret is decided by the same rules the Dockerfile checks use
(:mod:`imagelint.secrets`): a credential-like name holding a literal, non-placeholder value,
or a value in a known token format (a private key whole, from BEGIN to END; a password given to
curl ``-u`` or wget ``--password``; one in a URL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagelint.image.history import parse_created_by
from imagelint.image.model import Image
from imagelint.secrets import find_tokens, is_literal_secret_value, is_secret_name

_ASSIGNMENT = re.compile(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_.-]*)=(\S+)")


@dataclass(frozen=True, slots=True)
class ExposedSecret:
    where: str  # "ENV" (image config), "build argument" or "build step" (history)
    name: str  # the variable, or "" for a token found in a command
    value: str  # never printed: every output shows REDACTED
    kind: str  # "a secret-looking value", "a GitHub token", ...
    history_index: int | None = None  # the history entry that recorded it


def find_secrets(image: Image) -> list[ExposedSecret]:
    found: list[ExposedSecret] = []
    for position, entry in enumerate(image.history):
        step = parse_created_by(entry.created_by)
        for name, value in step.build_args:
            found.extend(_classify("build argument", name, value, position))
        if step.keyword == "ENV":  # an ENV later overwritten is gone from the config, not from history
            for match in _ASSIGNMENT.finditer(step.text):
                found.extend(_classify("ENV", match.group(1), match.group(2), position))
        elif step.keyword in ("RUN", None):
            found.extend(
                ExposedSecret("build step", "", _redactable(step.text, token), token.kind, position)
                for token in find_tokens(step.text)
            )
    for item in image.runtime_config.get("Env") or []:  # after history: a history sighting has a place
        name, _, value = str(item).partition("=")
        found.extend(_classify("ENV", name, value, None))
    unique: dict[tuple[str, str], ExposedSecret] = {}
    for secret in found:  # report each (name, value) once, at its first sighting
        unique.setdefault((secret.name, secret.value), secret)
    return list(unique.values())


# Outputs replace a secret's every occurrence, but not a value this short (it would garble the text):
# such a value is kept with the word around it (``admin:pw``), which is long enough.
_SHORTEST_ALONE = 4
_WORD_EDGE = re.compile(r"[\s'\"]")


def _redactable(text: str, token) -> str:
    if len(token.text) >= _SHORTEST_ALONE:
        return token.text
    start, end = token.start, token.end
    while start > 0 and not _WORD_EDGE.match(text[start - 1]):
        start -= 1
    while end < len(text) and not _WORD_EDGE.match(text[end]):
        end += 1
    return text[start:end]


def _classify(where: str, name: str, value: str, history_index: int | None) -> list[ExposedSecret]:
    if is_secret_name(name) and is_literal_secret_value(value):
        return [ExposedSecret(where, name, value, "a secret-looking value", history_index)]
    return [ExposedSecret(where, name, token.text, token.kind, history_index) for token in find_tokens(value)]
