"""IL8002 shell-form-entrypoint."""

from __future__ import annotations

import json
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8002",
    name="shell-form-entrypoint",
    family="correctness",
    severity="warning",
    hadolint=("DL3025",),
    buildkit=("JSONArgsRecommended",),
)
def shell_form_entrypoint(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
    ```dockerfile
    FROM mcr.microsoft.com/powershell:lts-7.4-ubuntu-22.04
    SHELL ["pwsh", "-Command"]
    CMD Write-Host "hello"
    ```
    ```dockerfile
    FROM alpine:3.20
    CMD exec /usr/local/bin/app --port "$PORT"
    ```

    ## Fix
    Write the command as a JSON array. If you need shell features, use
    `ENTRYPOINT ["/bin/sh", "-c", "exec my-program \"$@\"", "--"]` so `exec` replaces the shell.
    """
    for instruction in ctx.of("CMD", "ENTRYPOINT"):
        if instruction.is_exec_form or not instruction.value.strip():
            continue
        stage = ctx.stage_of(instruction)
        if stage is not None and (ctx.shell_in_force(stage, instruction) is not None or ctx.is_windows(stage)):
            continue  # a custom SHELL (PowerShell, bash -c) is what the author chose to run it with
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
    return json.dumps(words)
