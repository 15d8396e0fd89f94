"""IL8001 invalid-dockerfile-syntax."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import KNOWN_INSTRUCTIONS
from imagelint.rule import Rule, Violation, rule


@rule(code="IL8001", name="invalid-dockerfile-syntax", family="correctness", severity="error", hadolint=("DL3061",))
def invalid_dockerfile_syntax(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """The Dockerfile does not parse: Docker will refuse it or read it differently than it looks.

    ## Why
    An unterminated heredoc swallows the rest of the file, a misspelt instruction is rejected by
    the builder, a file without FROM cannot be built. imagelint reports the problem at its line
    and still lints the rest of the file.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    echo never terminated
    ```
    ```dockerfile
    FROM alpine:3.20
    RUNN echo typo
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    echo terminated
    EOF
    ```

    ## Fix
    Correct the instruction at the reported line.
    """
    for problem in [*ctx.dockerfile.problems, *ctx.limit_problems]:
        yield Violation(problem.message, line=problem.line, end_line=problem.end_line, column=1)
    for instruction in ctx.instructions:
        if instruction.keyword not in KNOWN_INSTRUCTIONS:
            yield Violation(
                f"unknown instruction '{instruction.written_keyword}'; Docker rejects it",
                instruction,
            )
        elif instruction.keyword == "ONBUILD" and instruction.trigger and instruction.trigger.keyword not in KNOWN_INSTRUCTIONS:
            yield Violation(f"unknown instruction '{instruction.trigger.written_keyword}' after ONBUILD", instruction)
    if ctx.instructions and not ctx.stages:
        yield Violation("no FROM instruction: every Dockerfile needs a base image", ctx.instructions[0])
    first = next((i for i in ctx.instructions if i.keyword != "ARG"), None)
    if first is not None and ctx.stages and first.keyword != "FROM":
        yield Violation(f"{first.keyword} before the first FROM: only ARG may come before FROM", first)
