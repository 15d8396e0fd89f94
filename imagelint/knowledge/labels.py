"""Image labels: the label schema a project requires (``[label-schema]``, ``.hadolint.yaml``'s
``label-schema``, ``--require-label``), the value types it may name, and the labels the shipped
image carries.

The types are hadolint's: ``text`` (any value), ``url``, ``spdx``, ``rfc3339``, ``semver``, ``hash``
and ``email``. Each is checked against its own specification (RFC 3986, SPDX license expressions,
RFC 3339, Semantic Versioning 2.0.0, git object names, RFC 5322 mailboxes); where hadolint 2.15.1
reads one differently, docs/hadolint-comparison.md says how and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record

if TYPE_CHECKING:
    from imagelint.context import LintContext
    from imagelint.dockerfile import Instruction

# Label type -> what a value of it looks like (for messages and docs).
LABEL_TYPES: dict[str, str] = {
    "text": "any text",
    "url": "an absolute URL such as https://example.com/project",
    "spdx": "an SPDX license expression such as MIT or Apache-2.0 OR MIT",
    "rfc3339": "an RFC 3339 date and time such as 2024-05-01T12:00:00Z",
    "semver": "a semantic version such as 1.4.2 or 2.0.0-rc.1",
    "hash": "a git commit hash (7 to 40 lower-case hex digits, or 64)",
    "email": "an email address (name@example.com or Name <name@example.com>)",
}


# --- the schema ------------------------------------------------------------------------------------


def label_type_problem(kind: object) -> str | None:
    """Why ``kind`` is not a label type, or None when it is one."""
    if isinstance(kind, str) and kind in LABEL_TYPES:
        return None
    return f"{kind!r} is not a label type (one of {', '.join(LABEL_TYPES)})"


def parse_requirement(text: str) -> tuple[str, str]:
    """``KEY=TYPE`` (imagelint's ``--require-label``) or ``KEY:TYPE`` (hadolint's) -> (key, type).

    With ``=`` the key is everything before the first one; without, before the last ``:`` (a key
    may hold a ``:``, a type never does). Raises ValueError saying what is wrong.
    """
    key, sep, kind = text.partition("=")
    if not sep:
        key, sep, kind = text.rpartition(":")
    key, kind = key.strip(), kind.strip()
    if not sep or not key:
        raise ValueError(f"{text!r} is not KEY=TYPE (e.g. org.opencontainers.image.source=url)")
    problem = label_type_problem(kind)
    if problem:
        raise ValueError(f"{text!r}: {problem}")
    return key, kind


def check_schema(table: object) -> dict[str, str]:
    """A ``label-schema`` mapping (from TOML or YAML) checked: label key -> type. Raises
    ValueError naming the key whose type is wrong."""
    if not isinstance(table, Mapping):
        raise ValueError("must be a table of label key = type (e.g. maintainer = \"email\")")
    schema: dict[str, str] = {}
    for key, kind in table.items():
        if not isinstance(key, str) or not key.strip():
            raise ValueError(f"{key!r} is not a label key")
        problem = label_type_problem(kind)
        if problem:
            raise ValueError(f"{key}: {problem}")
        schema[key] = kind
    return schema


# --- values ----------------------------------------------------------------------------------------


def value_problem(kind: str, value: str) -> str | None:
    """What a value of label type ``kind`` looks like, when ``value`` is not one (for a message:
    "..., not {problem}"), or None when it is one."""
    valid = _VALIDATORS.get(kind)
    if valid is None or valid(value):
        return None
    if kind == "semver" and value[:1] in "vV" and is_semver(value[1:]):
        return "a semantic version (drop the leading v)"
    return LABEL_TYPES[kind]


def typed_labels(ctx: LintContext, kind: str) -> list[ImageLabel]:
    """The image's labels that the label schema gives type ``kind``, with a known, non-empty value
    (an empty one is IL8027's finding, one from a build argument cannot be judged)."""
    schema = ctx.options.label_schema
    if kind not in schema.values():
        return []  # the usual case, no schema: the image's labels are not needed
    return [label for key, label in image_labels(ctx).items() if schema.get(key) == kind and label.value]


def mistyped_message(label: ImageLabel, problem: str) -> str:
    return f"label {label.key} is {label.value!r}, not {problem}, as the label schema requires"


# RFC 3986: a scheme, then only the characters a URI may hold, "%" starting an escape.
_URI = LazyPattern(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#\[\]]*")
_BAD_ESCAPE = LazyPattern(r"%(?![0-9A-Fa-f]{2})")
# Schemes whose URLs name a host: "https://" alone names nothing.
_HOSTED_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "git", "ssh", "sftp"})


def is_url(value: str) -> bool:
    """An absolute URI (RFC 3986): a scheme, no spaces or non-ASCII characters, valid ``%``
    escapes, one ``#`` at most; for http, https, ftp, git and the like, a host."""
    if not _URI.fullmatch(value) or _BAD_ESCAPE.search(value) or value.count("#") > 1:
        return False
    scheme, _, rest = value.partition(":")
    return scheme.lower() not in _HOSTED_SCHEMES or bool(_host(rest))


def _host(hierarchy: str) -> str:
    """The host of a URI's ``//user@host:port/path`` part ("" when there is none)."""
    if not hierarchy.startswith("//"):
        return ""
    authority = re.split(r"[/?#]", hierarchy[2:], maxsplit=1)[0].rpartition("@")[2]
    return authority if authority.startswith("[") else authority.split(":", 1)[0]


_RFC3339 = LazyPattern(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))"
)


def is_rfc3339(value: str) -> bool:
    """RFC 3339's ``date-time``: ``2024-05-01T12:00:00Z``, fractions and ``+02:00`` offsets allowed,
    each field in range (a leap second's ``:60`` included)."""
    match = _RFC3339.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    offset_hour, offset_minute = match.group(7), match.group(8)
    import calendar  # for dates in labels only, which few files have

    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    return offset_hour is None or (int(offset_hour) <= 23 and int(offset_minute) <= 59)


def is_spdx(value: str) -> bool:
    """An SPDX license expression (``MIT``, ``Apache-2.0 OR MIT``, ``GPL-2.0-only WITH
    Classpath-exception-2.0``, ``LicenseRef-...``), identifiers matched without regard to case as
    the SPDX specification says; the license list is the one the ``packaging`` library ships."""
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return False
    return True


_HASH = LazyPattern(r"[0-9a-f]{7,40}|[0-9a-f]{64}")


def is_git_hash(value: str) -> bool:
    """A git object name as git prints it: 7 to 40 lower-case hex digits (abbreviated names grow
    past 7 in large repositories), or 64 for SHA-256 repositories."""
    return _HASH.fullmatch(value) is not None


_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_PART = r"[0-9A-Za-z-]+"
_SEMVER = LazyPattern(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
    rf"(?:-{_PRERELEASE_PART}(?:\.{_PRERELEASE_PART})*)?"
    rf"(?:\+{_BUILD_PART}(?:\.{_BUILD_PART})*)?"
)


def is_semver(value: str) -> bool:
    """Semantic Versioning 2.0.0: ``MAJOR.MINOR.PATCH``, no leading zeros, optional ``-pre.release``
    and ``+build`` parts."""
    return _SEMVER.fullmatch(value) is not None


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_QUOTED = r'"(?:[^"\\\r\n]|\\.)*"'
_LOCAL = rf"(?:{_ATOM}(?:\.{_ATOM})*|{_QUOTED})"
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_HOST_LABEL}(?:\.{_HOST_LABEL})*|\[[^\[\]\\\s]+\])"
_ADDRESS = LazyPattern(rf"{_LOCAL}@{_DOMAIN}")
_NAMED_ADDRESS = LazyPattern(rf"[^<>@\r\n]*<{_LOCAL}@{_DOMAIN}>")


def is_email(value: str) -> bool:
    """An RFC 5322 mailbox: an address (``name@example.com``, quoted local parts and ``[...]``
    domain literals included), or the address in angle brackets after an optional display name."""
    if _ADDRESS.fullmatch(value):
        return True
    return _NAMED_ADDRESS.fullmatch(value) is not None


_VALIDATORS = {
    "url": is_url,
    "rfc3339": is_rfc3339,
    "spdx": is_spdx,
    "hash": is_git_hash,
    "semver": is_semver,
    "email": is_email,
}


# --- the labels of the shipped image -------------------------------------------------------------


class ImageLabel(Record):
    """A label the shipped image carries: its last LABEL in the final stage and the stages it is
    built FROM (a later LABEL replaces an earlier one's value)."""

    __slots__ = ("key", "value", "instruction", "offset", "end_offset")

    def __init__(
        self,
        key: str,
        value: str | None,  # None: it comes from a build argument (or an unset variable), known only at build time
        instruction: Instruction,
        offset: int,  # where the key is written in ``instruction.value``
        end_offset: int,
    ) -> None:
        self.key = key
        self.value = value
        self.instruction = instruction
        self.offset = offset
        self.end_offset = end_offset


def image_labels(ctx: LintContext) -> dict[str, ImageLabel]:
    """Key -> label, in the order the image's LABELs first set them; labels of builder stages do
    not reach the image and are left out, and so are keys that depend on a build argument."""
    return ctx.fact(_image_labels)


def _image_labels(ctx: LintContext) -> dict[str, ImageLabel]:
    labels: dict[str, ImageLabel] = {}
    for stage in reversed(ctx.final_lineage):  # the root stage first: later stages override it
        for instruction in stage.instructions:
            if instruction.keyword == "LABEL":
                for label in labels_of(instruction):
                    labels[label.key] = label
    return labels


def labels_of(instruction: Instruction) -> list[ImageLabel]:
    """The labels one LABEL instruction sets, keys and values expanded where they are known."""
    found: list[ImageLabel] = []
    search_from = 0
    for written_key, written_value in instruction.key_values():
        key = _known(written_key, instruction)
        start = instruction.value.find(written_key, search_from)
        if start < 0:
            start, end = 0, len(instruction.value)
        else:
            end = start + len(written_key)
            search_from = end
        if key:
            found.append(ImageLabel(key, _known(written_value, instruction), instruction, start, end))
    return found


def _known(text: str, instruction: Instruction) -> str | None:
    """The text with its variables expanded, or None when one of them is a build argument (its
    value is whatever the build passes) or is not set."""
    if "$" not in text:
        return text
    from imagelint.variables import expand

    scope = instruction.scope
    if scope is None:
        return None
    expansion = expand(text, scope)
    if expansion.undefined or expansion.unset or any(name not in scope.envs for name in expansion.used):
        return None
    return expansion.text
