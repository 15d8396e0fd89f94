"""Inline suppressions, applied after the rules ran (rules never see them).

``# imagelint ignore=IL1001,IL6002`` on the comment lines right before an instruction (or inside
its continuation lines) silences those rules for that instruction; ``# imagelint global
ignore=...`` silences them for the file; ``# imagelint stage ignore=...`` (hadolint 2.15's form)
silences them for the stage that the next ``FROM`` starts. ``# hadolint ignore=DL3008`` is
honoured for every imagelint rule that declares DL3008 as its hadolint equivalent. A trailing
``# reason`` or text after the list is allowed. ``disable-ignore-pragma`` turns all of them off
(the engine then skips :func:`collect`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imagelint.dockerfile import Dockerfile, Instruction

_PRAGMA = re.compile(r"^(imagelint|hadolint)\s+(global\s+|stage\s+)?ignore\s*=\s*([A-Za-z0-9_,\- ]+?)(?:\s+#.*|\s+\S.*)?$")


@dataclass
class Suppressions:
    global_codes: set[str] = field(default_factory=set)
    by_instruction: dict[int, set[str]] = field(default_factory=dict)  # instruction index -> codes
    by_stage: dict[int, set[str]] = field(default_factory=dict)  # stage index -> codes

    def suppresses(self, codes: set[str], instruction: Instruction | None) -> bool:
        if codes & self.global_codes:
            return True
        if instruction is None:
            return False
        if codes & self.by_stage.get(instruction.stage, set()):
            return True
        return bool(codes & self.by_instruction.get(instruction.index, set()))


def _codes(text: str) -> set[str] | None:
    match = _PRAGMA.match(text)
    if not match:
        return None
    return {code.strip() for code in match.group(3).replace(" ", ",").split(",") if code.strip()}


def collect(dockerfile: Dockerfile) -> Suppressions:
    suppressions = Suppressions()
    instructions = dockerfile.instructions
    starts = [(i.line, i.end_line, i.index) for i in instructions]
    position = 0
    for comment in dockerfile.comments:
        codes = _codes(comment.text)
        if codes is None:
            continue
        if re.match(r"^(imagelint|hadolint)\s+global\s", comment.text):
            suppressions.global_codes |= codes
            continue
        if re.match(r"^(imagelint|hadolint)\s+stage\s", comment.text):
            stage = next((i.stage for i in instructions if i.keyword == "FROM" and i.line > comment.line), None)
            if stage is not None:
                suppressions.by_stage.setdefault(stage, set()).update(codes)
            continue
        # The pragma belongs to the instruction that contains this comment line or comes next.
        while position < len(starts) and starts[position][1] < comment.line:
            position += 1
        if position < len(starts):
            suppressions.by_instruction.setdefault(starts[position][2], set()).update(codes)
    return suppressions
