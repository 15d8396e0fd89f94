"""IL8002 shell-form-entrypoint."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.edits import replace_value
from imagelint.fixes import Fix
from imagelint.rule import Rule, Violation, rule

# A word the shell passes on as it is written: no expansion, quoting, globbing, comment, operator
# or redirection can apply to it.
_PLAIN_WORD = re.compile(r"[\w./:@%+,=-]+")
# Words that are shell syntax or builtins at the start of a command: without the shell they mean
# nothing (or something else).
_SHELL_ONLY = frozenset(
    {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in",
     "function", "select", "time", "cd", "export", "set", "unset", "source", ".", "exit", "return",
     "eval", "exec", "ulimit", "umask", "trap", "wait", "alias", "readonly", "local", "shift", "read"}
)  # fmt: skip


@rule(
    code="IL8002",
    name="shell-form-entrypoint",
    family="correctness",
    severity="warning",
    hadolint=("DL3025",),
    buildkit=("JSONArgsRecommended",),
    fixes=("unsafe",),
    instructions=("CMD", "ENTRYPOINT"),
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
    `imagelint fix --unsafe` rewrites a command of plain words (`python -m http.server 8000`) as
    the JSON array of those words, in place (continuation lines and comments stay). A command with
    anything the shell would interpret (`$`, quotes, globs, `&&`, `|`, redirections, backslashes,
    `#`, a variable assignment or a shell builtin first) only gets the suggestion.

    ## Fix safety
    The command no longer runs under `/bin/sh -c`: the program is PID 1 and gets the signals
    itself (the point of the rule), and what the shell set up for it (`PWD`, `SHLVL`, a `PATH`
    lookup by sh) is gone. A shell-form ENTRYPOINT ignores CMD and `docker run` arguments; in exec
    form they are appended to it. A CMD under an exec-form ENTRYPOINT now reaches it as its own
    words instead of `/bin/sh -c "..."`.
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
        fix = _exec_form(instruction) or fix
        yield Violation(
            f"{instruction.keyword} in shell form runs under /bin/sh, which does not forward SIGTERM; "
            f"use the JSON form {instruction.keyword} [\"executable\", \"arg\"]",
            instruction,
            fix=fix,
        )


def _json_array(words: list[str]) -> str:
    return json.dumps(words)


def _exec_form(instruction: Instruction) -> Fix | None:
    """The command as a JSON array, each word quoted where it is written (``["a", "b"]``); None
    unless every word is plain (see ``_PLAIN_WORD``) and the first is a program, not shell syntax."""
    value = instruction.value
    if instruction.flags:
        return None  # `CMD --x` is read as a flag (that CMD refuses): not a command to rewrite
    words = list(re.finditer(r"\S+", value))
    if not words or any(not _PLAIN_WORD.fullmatch(w.group()) for w in words):
        return None
    first = words[0].group()
    if first in _SHELL_ONLY or "=" in first:
        return None
    if any(instruction.position(w.start())[0] != instruction.position(w.end() - 1)[0] for w in words):
        return None  # a word split by a line continuation
    edits = []
    for i, word in enumerate(words):
        text = json.dumps(word.group(), ensure_ascii=False)
        text = ("[" if i == 0 else "") + text + ("]" if i == len(words) - 1 else ",")
        edits.append(replace_value(instruction, word.start(), word.end(), text))
    array = json.dumps([w.group() for w in words], ensure_ascii=False)
    return Fix(f"write {instruction.keyword} {array}", "unsafe", tuple(edits))
