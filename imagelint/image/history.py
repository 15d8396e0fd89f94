"""Reading a history entry's ``created_by`` back as the Dockerfile instruction that made it.

The builders write it differently:

- the classic builder: ``/bin/sh -c #(nop)  ENV A=b`` for metadata-only instructions,
  ``/bin/sh -c #(nop) COPY file:<sha> in /dst`` for COPY/ADD, ``/bin/sh -c apt-get ...`` for RUN (with
  ``|2 A=1 B=2 /bin/sh -c ...`` in front when build arguments are in scope);
- BuildKit: ``RUN /bin/sh -c apt-get ... # buildkit``, ``COPY src /dst # buildkit``, ``ENV A=b``;
- ``docker import`` and ``docker commit``: an empty string, or whatever the committer wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagelint.dockerfile import KNOWN_INSTRUCTIONS

_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:/bin/sh|/bin/bash|sh|bash) -c ")
_BUILD_ARGS = re.compile(r"^\|(\d+)((?:\s+[^\s=]+=\S*)*)\s+")
_BUILDKIT_SUFFIX = re.compile(r"\s*# buildkit\s*$")
_RUN_FLAGS = re.compile(r"^(?:--[a-z-]+(?:=\S*)?\s+)+")
_KEYWORD = re.compile(r"^([A-Z]+)\b\s*")
# History records every instruction of a stage but FROM, which starts it.
KEYWORDS = KNOWN_INSTRUCTIONS - {"FROM"}


@dataclass(frozen=True, slots=True)
class BuildStep:
    keyword: str | None  # RUN, COPY, ENV, ...; None when created_by does not say (docker import)
    text: str  # the instruction's arguments as recorded ("mkdir /app && ...", "file:ab12 in /dst")
    build_args: tuple[tuple[str, str], ...] = ()  # RUN only: build arguments the builder recorded

    @property
    def display(self) -> str:
        if self.keyword is None:
            return self.text
        return f"{self.keyword} {self.text}".rstrip()


def parse_created_by(created_by: str | None) -> BuildStep:
    text = (created_by or "").strip()
    if not text:
        return BuildStep(None, "")
    text = _BUILDKIT_SUFFIX.sub("", text)
    nop = _NOP.match(text)
    if nop:  # classic builder, metadata or COPY/ADD
        rest = text[nop.end() :].strip()
        keyword = _KEYWORD.match(rest)
        if keyword and keyword.group(1) in KEYWORDS:
            return BuildStep(keyword.group(1), rest[keyword.end() :].strip())
        return BuildStep(None, rest)
    keyword = _KEYWORD.match(text)
    if keyword and keyword.group(1) in KEYWORDS:  # BuildKit
        name, rest = keyword.group(1), text[keyword.end() :].strip()
        if name == "RUN":
            rest = _RUN_FLAGS.sub("", rest)
            args, rest = _split_build_args(rest)
            return BuildStep("RUN", _SHELL.sub("", rest, count=1), args)
        return BuildStep(name, rest)
    args, rest = _split_build_args(text)
    shell = _SHELL.match(rest)
    if shell:  # classic builder RUN (shell form)
        return BuildStep("RUN", rest[shell.end() :].strip(), args)
    if args:  # classic builder RUN in exec form: the command words follow the build arguments
        return BuildStep("RUN", rest, args)
    return BuildStep(None, text)


def _split_build_args(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    found = _BUILD_ARGS.match(text)
    if not found:
        return (), text
    pairs = tuple(tuple(word.split("=", 1)) for word in found.group(2).split())
    return pairs, text[found.end() :]  # type: ignore[return-value]


def shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
