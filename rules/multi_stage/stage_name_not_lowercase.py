"""IL4004 stage-name-not-lowercase."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, Stage
from imagelint.edits import flag_offset, replace_in_original, replace_value
from imagelint.fixes import Edit, Fix
from imagelint.knowledge.stages import stage_name_offset
from imagelint.lazy_pattern import LazyPattern
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.multi_stage.shared import at_stage_name

_MOUNT_FROM = LazyPattern(r"(?:^|,)\s*from=([^,]*)", re.IGNORECASE)


@rule(
    code="IL4004",
    name="stage-name-not-lowercase",
    family="multi-stage",
    severity="style",
    buildkit=("StageNameCasing",),
    fixes=("safe",),
    instructions=("FROM",),
)
def stage_name_not_lowercase(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A stage name has capital letters.

    ## Why
    Stage names are case-insensitive: BuildKit lower-cases them, so `--target Builder`,
    `--from=BUILDER` and `--from=builder` are the same stage. Mixed case suggests a difference
    that does not exist, and BuildKit's own check (StageNameCasing) warns about it.

    ## Bad
    ```dockerfile
    FROM golang:1.22 AS goBuilder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=goBuilder /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS go-builder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=go-builder /out/app /app
    ```

    ## Fix
    Use lower case (kebab-case for several words) and update the `--from` references.
    `imagelint fix` lower-cases the name (`goBuilder` -> `gobuilder`) after `AS` and wherever the
    file names the stage: `FROM goBuilder`, `COPY --from=goBuilder`, `RUN --mount=from=goBuilder`.
    It is safe: BuildKit lower-cases stage names anyway, so the build is the same, and
    `--target goBuilder` keeps working (a kebab-case rename would break it: that one is yours to
    make). A name with a variable, or a reference the fix cannot find as written (quoted), leaves
    only the suggestion.
    """
    for stage in ctx.stages:
        written = stage.written_name
        if not written or "$" in written or written == written.lower():
            continue
        suggestion = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", written).lower()
        yield at_stage_name(
            stage,
            f"stage name '{written}' is not lowercase; stage names are case-insensitive, so write '{suggestion}'",
            fix=_lower_case(ctx, stage) or f"AS {suggestion}",
        )


def _lower_case(ctx: LintContext, stage: Stage) -> Fix | None:
    """The name lower-cased after ``AS`` and in every reference written literally; None when one
    reference is not where the fix can edit it exactly."""
    name = stage.name
    start, end = stage_name_offset(stage)
    if start is None or stage.from_instruction.value[start:end] != stage.written_name:
        return None
    edits: list[Edit] = [replace_value(stage.from_instruction, start, end, name)]
    for other in ctx.stages:
        raw = other.base.raw
        if other.parent is stage and raw.lower() == name and raw != name:
            edits.append(replace_value(other.from_instruction, 0, len(raw), name))
    for instruction in ctx.instructions:
        # ONBUILD triggers are left alone: their --from names a stage of the build that uses the image.
        for flag in instruction.flags:
            edit = _flag_edit(instruction, flag, name)
            if edit is False:
                return None
            if edit is not None:
                edits.append(edit)
    return Fix(f"lower-case the stage name to '{name}' (and its references)", "safe", tuple(edits))


def _flag_edit(instruction: Instruction, flag: str, name: str) -> Edit | None | bool:
    """The edit lower-casing ``name`` in a ``--from=`` or ``--mount=...,from=`` flag: None when the
    flag does not name the stage in another casing, False when it does but the fix cannot find
    it as written."""
    key, _, value = flag.partition("=")
    key = key.lower()
    if key == "--from" and instruction.keyword in ("COPY", "ADD"):
        if value.lower() != name or value == name:
            return None
        spans = [(len(key) + 1, len(flag))]
    elif key == "--mount" and instruction.keyword == "RUN":
        spans = [
            (len(key) + 1 + m.start(1), len(key) + 1 + m.end(1))
            for m in _MOUNT_FROM.finditer(value)
            if m.group(1).lower() == name and m.group(1) != name
        ]
        if not spans:
            return None
    else:
        return None
    offset = flag_offset(instruction, flag)
    if offset is None or len(spans) != 1:
        return False
    begin, finish = spans[0]
    return replace_in_original(instruction, offset + begin, offset + finish, name)
