"""IL8015 inconsistent-instruction-casing."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import KNOWN_INSTRUCTIONS
from imagelint.edits import replace_keyword, replace_value
from imagelint.fixes import Fix
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8015",
    name="inconsistent-instruction-casing",
    family="correctness",
    severity="style",
    buildkit=("ConsistentInstructionCasing", "FromAsCasing"),
    fixes=("safe",),
)
def inconsistent_instruction_casing(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Instructions (or FROM's `AS`) written in a different case than the rest of the file.

    ## Why
    Instructions are case-insensitive, but a file mixing `RUN` and `run` (or `FROM x as y`) is
    harder to read and grep. The majority casing of the file wins, as in BuildKit's check.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    run apk add --no-cache curl
    CMD ["sh"]
    ```
    ```dockerfile
    FROM golang:1.22 as build
    RUN go build -o /app .
    ```

    ## Good
    ```dockerfile
    from alpine:3.20 as base
    run apk add --no-cache curl
    cmd ["sh"]
    ```

    ## Fix
    Write every instruction, and `AS`, in upper case (or all in lower case). `imagelint fix`
    rewrites each keyword in the file's majority casing, and `AS` in the casing of its `FROM` (a
    `FROM` that is itself rewritten takes its `AS` along). Safe: keywords are case-insensitive, so
    the build is the same.
    """
    written = [i.written_keyword for i in ctx.instructions]
    upper = sum(1 for w in written if w.isupper())
    lower = sum(1 for w in written if w.islower())
    majority_upper = upper >= lower
    for instruction in ctx.instructions:
        word = instruction.written_keyword
        if instruction.keyword not in KNOWN_INSTRUCTIONS:
            continue  # IL8001 reports unknown instructions
        if (majority_upper and not word.isupper()) or (not majority_upper and not word.islower()):
            expected = word.upper() if majority_upper else word.lower()
            yield Violation(
                f"'{word}' does not match the casing of the other instructions; write {expected}",
                instruction,
                line=instruction.line,
                column=instruction.segments[0][2],
                fix=Fix(f"write {expected}", "safe", (replace_keyword(instruction, expected),)),
            )
    for stage in ctx.stages:
        instruction = stage.from_instruction
        words = instruction.value.split()
        if len(words) >= 3 and words[1].lower() == "as":
            keyword, as_word = instruction.written_keyword, words[1]
            if (keyword.isupper() and not as_word.isupper()) or (keyword.islower() and not as_word.islower()):
                offset = instruction.value.find(as_word, len(words[0]))
                # The keyword's casing, or the majority's when the keyword is reported too (its fix
                # rewrites it): both then end in the casing the file settles on.
                keyword_fixed = keyword.isupper() != majority_upper
                upper = majority_upper if keyword_fixed else keyword.isupper()
                edits = [replace_value(instruction, offset, offset + len(as_word), "AS" if upper else "as")]
                if keyword_fixed:
                    edits.insert(0, replace_keyword(instruction, keyword.upper() if upper else keyword.lower()))
                if as_word == ("AS" if upper else "as"):
                    edits.pop()  # only the keyword is off: its own finding's fix rewrites it too
                yield Violation(
                    f"'{as_word}' does not match the casing of '{keyword}'; write {keyword} ... "
                    f"{'AS' if keyword.isupper() else 'as'} {words[2]}",
                    instruction,
                    offset=offset,
                    fix=Fix(f"write {'FROM ... AS' if upper else 'from ... as'}", "safe", tuple(edits)),
                )
