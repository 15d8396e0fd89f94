"""IL8019 empty-continuation-line."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import KNOWN_INSTRUCTIONS
from imagelint.rule import Rule, Violation, rule


@rule(code="IL8019", name="empty-continuation-line", family="correctness", severity="warning", buildkit=("NoEmptyContinuation",))
def empty_continuation_line(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An empty line inside a `\\`-continued instruction: the builder skips it today and will reject it, and it can swallow the next instruction.

    ## Why
    After a line ending in `\\`, an empty line does not end the instruction: the builder skips it
    and keeps joining lines. A stray `\\` before a blank line therefore glues the next
    instruction into this one (`apt-get install -y curl RUN echo done` installs a package named
    RUN). BuildKit warns that empty continuation lines will become an error.

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update \\

        && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update \\
        # comment lines inside a continuation are fine
        && apt-get install -y --no-install-recommends curl
    RUN <<EOF
    echo "heredoc bodies may contain empty lines"

    echo done
    EOF
    ```

    ## Fix
    Delete the empty line, or the trailing `\\` before it if the instruction was meant to end there.
    """
    lines = ctx.dockerfile.lines
    for instruction in ctx.instructions:
        if instruction.end_line <= instruction.line:
            continue
        # Only empty lines followed by more of the instruction count (not trailing ones at the end of
        # the file); heredoc bodies come after the last continued line and may hold empty lines.
        last_content = instruction.segments[-1][1]
        empty: list[int] = []
        swallowed: tuple[int, str] | None = None
        for number in range(instruction.line + 1, last_content + 1):
            text = lines[number - 1] if number - 1 < len(lines) else ""
            if not text.strip():
                empty.append(number)
            elif empty and swallowed is None:
                word = text.split()[0]
                if word.upper() in KNOWN_INSTRUCTIONS and word.upper() == word:
                    swallowed = (number, word)
        if not empty:
            continue
        if swallowed is not None:
            message = (
                f"the empty continuation line {empty[0]} does not end the {instruction.keyword}: the {swallowed[1]} at line "
                f"{swallowed[0]} becomes part of it; remove the trailing '\\' before the empty line"
            )
        else:
            message = f"empty continuation line inside the {instruction.keyword}; remove it (BuildKit will reject it)"
        yield Violation(message, instruction, line=empty[0], column=1)
