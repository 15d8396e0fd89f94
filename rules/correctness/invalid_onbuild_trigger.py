"""IL8005 invalid-onbuild-trigger."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Rule, Violation, rule


def _onbuild_forbidden(instruction: Instruction) -> str | None:
    trigger = instruction.trigger
    if trigger is None or trigger.keyword not in ("ONBUILD", "FROM", "MAINTAINER"):
        return None
    return trigger.keyword


@rule(
    code="IL8005",
    name="invalid-onbuild-trigger",
    family="correctness",
    severity="error",
    hadolint=("DL3043",),
    instructions=("ONBUILD",),
)
def invalid_onbuild_trigger(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """ONBUILD with ONBUILD, FROM or MAINTAINER as its trigger, which the builder refuses.

    ## Why
    Triggers run in the image built FROM this one; chaining ONBUILD, starting a new stage or setting
    the maintainer there is not allowed, and the downstream build fails.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    ONBUILD ONBUILD RUN npm ci
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    ONBUILD COPY package.json package-lock.json ./
    ONBUILD RUN npm ci
    ```

    ## Fix
    Drop the trigger, or move it to an instruction that may run downstream (RUN, COPY, ENV...).
    """
    for instruction in ctx.of("ONBUILD"):
        forbidden = _onbuild_forbidden(instruction)
        if forbidden is not None:
            yield Violation(f"ONBUILD {forbidden} is not allowed: the downstream build fails; remove this trigger", instruction)
