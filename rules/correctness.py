"""Rules about Dockerfiles that do not do what their author meant, or do not parse."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import KNOWN_INSTRUCTIONS
from imagelint.rule import Violation, rule


@rule(code="IL8001", name="invalid-dockerfile-syntax", family="correctness", severity="error")
def invalid_dockerfile_syntax(ctx: LintContext) -> Iterator[Violation]:
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
    for problem in ctx.dockerfile.problems:
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


@rule(
    code="IL8002",
    name="shell-form-entrypoint",
    family="correctness",
    severity="warning",
    hadolint=("DL3025",),
    buildkit=("JSONArgsRecommended",),
)
def shell_form_entrypoint(ctx: LintContext) -> Iterator[Violation]:
    """CMD or ENTRYPOINT in shell form: `docker stop` signals never reach your process.

    ## Why
    Shell form runs your program as a child of `/bin/sh -c`. The shell is PID 1 and does not pass
    SIGTERM on, so `docker stop` waits 10 seconds and kills the container: no graceful shutdown,
    lost requests, slow deploys.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD python -m http.server 8000
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "-m", "http.server", "8000"]
    ```

    ## Fix
    Write the command as a JSON array. If you need shell features, use
    `ENTRYPOINT ["/bin/sh", "-c", "exec my-program \"$@\"", "--"]` so `exec` replaces the shell.
    """
    for instruction in ctx.of("CMD", "ENTRYPOINT"):
        if instruction.is_exec_form or not instruction.value.strip():
            continue
        if instruction.value.lstrip().startswith("["):
            continue  # broken JSON is another rule's finding
        if instruction.value.split(None, 1)[0] == "exec":
            continue
        words = instruction.words()
        fix = f'{instruction.keyword} {_json_array(words)}' if words and all('$' not in w for w in words) else None
        yield Violation(
            f"{instruction.keyword} in shell form runs under /bin/sh, which does not forward SIGTERM; "
            f"use the JSON form {instruction.keyword} [\"executable\", \"arg\"]",
            instruction,
            fix=fix,
        )


def _json_array(words: list[str]) -> str:
    import json

    return json.dumps(words)
