"""IL8006 invalid-json-arguments."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import JSON_CAPABLE, Instruction
from imagelint.documents import load_json
from imagelint.edits import insert_after, replace_value
from imagelint.fixes import Fix
from imagelint.rule import Rule, Violation, rule

_COMMAND_KEYWORDS = ("CMD", "ENTRYPOINT", "SHELL")


_SMART_QUOTES = "\u201c\u201d\u2018\u2019"


def _looks_like_json_array(instruction: Instruction) -> bool:
    """Whether a non-JSON value was meant as an exec-form array (``CMD ['a', 'b']``, missing ``]``)."""
    value = instruction.value.strip()
    if not value.startswith("["):
        return False
    if instruction.keyword in _COMMAND_KEYWORDS:
        return True
    # RUN [ -f x ] is the shell's test command; only an array-looking value counts.
    return bool(re.match(r"^\[\s*(?:[\"'\u201c\u2018][^\"'\u201d\u2019]*[\"'\u201d\u2019]\s*(?:,|\]\s*$)|\]\s*$)", value))


def _json_problem(value: str) -> str:
    if any(q in value for q in _SMART_QUOTES):
        return "it uses typographic quotes; use straight double quotes"
    if "'" in value and '"' not in value:
        return "JSON strings need double quotes, not single quotes"
    try:
        parsed = load_json(value)
    except ValueError as err:
        return f"it is not valid JSON ({err.msg.lower()})"
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        return "every element must be a string"
    return "it is not a JSON array of strings"


@rule(
    code="IL8006",
    name="invalid-json-arguments",
    family="correctness",
    severity="error",
    fixes=("unsafe",),
    instructions=tuple(sorted(JSON_CAPABLE)),
    mentions=("[",),
)
def invalid_json_arguments(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An exec-form array that is not valid JSON (`CMD ['app']`, a missing bracket, typographic quotes): Docker runs it as a shell string.

    ## Why
    When the text after CMD/ENTRYPOINT/RUN/COPY does not parse as a JSON array of strings, the
    builder silently falls back to shell form: `CMD ['python', 'app.py']` runs
    `/bin/sh -c "['python', 'app.py']"`, which fails when the container starts. SHELL must be JSON
    and is refused.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD ['python', 'app.py']
    ```
    ```dockerfile
    FROM python:3.12-slim
    ENTRYPOINT ["python", "app.py"
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "app.py"]
    RUN [ -f /etc/os-release ] && cat /etc/os-release
    ```

    ## Fix
    Write a JSON array with double-quoted strings: `CMD ["python", "app.py"]`. `imagelint fix
    --unsafe` replaces single or typographic quotes by `"`, or adds the missing `]` at the end,
    when that (and nothing else) makes the arguments a JSON array of strings; every other
    character stays where it is. Otherwise the array is only suggested, or nothing when there is no
    obvious repair.

    ## Fix safety
    The instruction changes form. What ran as `/bin/sh -c "['python', 'app.py']"` (and
    failed) now runs `python app.py` directly, without a shell; a SHELL the builder refused is now
    accepted. That is the intent the brackets announce, but the repaired array is a guess: check
    that the strings are the ones you meant.
    """
    for instruction in ctx.instructions:
        target = instruction.trigger if instruction.keyword == "ONBUILD" and instruction.trigger else instruction
        if target.keyword not in JSON_CAPABLE or target.is_exec_form or not _looks_like_json_array(target):
            continue
        fallback = "refused by the builder" if target.keyword == "SHELL" else "run as a shell command instead"
        yield Violation(
            f"{target.keyword} arguments look like an exec-form array but {_json_problem(target.value.strip())}, "
            f"so they are {fallback}; write [\"executable\", \"arg\"]",
            target,
            fix=_json_edit(target) or _json_fix(target),
        )


def _json_fix(instruction: Instruction) -> str | None:
    value = instruction.value.strip()
    for quote in _SMART_QUOTES:
        value = value.replace(quote, '"')
    if "'" in value and '"' not in value:
        value = value.replace("'", '"')
    try:
        parsed = load_json(value)
    except ValueError:
        return None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return f"{instruction.keyword} {json.dumps(parsed)}"
    return None


def _json_edit(instruction: Instruction) -> Fix | None:
    """Exact repairs of the value as written: each single or typographic quote replaced by ``"``
    (single ones only when there is no ``"``), or a ``]`` added after the last character, when the
    result parses as a JSON array of strings."""
    value = instruction.value.rstrip()
    quotes = set(_SMART_QUOTES) | ({"'"} if "'" in value and '"' not in value else set())
    fixed = "".join('"' if c in quotes else c for c in value)
    edits = [replace_value(instruction, i, i + 1, '"') for i, c in enumerate(value) if c in quotes]
    if not _is_string_array(fixed) and _is_string_array(fixed + "]"):
        if value[-1] in quotes:  # one edit: an insertion touching a replacement would collide with it
            edits[-1] = replace_value(instruction, len(value) - 1, len(value), '"]')
        else:
            edits.append(insert_after(instruction, len(value), "]"))
        fixed += "]"
    if not edits or not _is_string_array(fixed):
        return None
    return Fix(f"write {instruction.keyword} {fixed}", "unsafe", tuple(edits))


def _is_string_array(text: str) -> bool:
    try:
        parsed = load_json(text)
    except ValueError:
        return False
    return isinstance(parsed, list) and all(isinstance(item, str) for item in parsed)
