"""IL8012 undefined-arg-in-from."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.variable_references import references
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import variable_definitions
from imagelint.variables import PLATFORM_ARGS

_REFERENCE_SHAPE = re.compile(
    r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+:[0-9a-fA-F]{32,})?$"
)


@rule(
    code="IL8012",
    name="undefined-arg-in-from",
    family="correctness",
    severity="warning",
    buildkit=("UndefinedArgInFrom", "InvalidDefaultArgInFrom"),
    instructions=("FROM",),
    mentions=("$",),
)
def undefined_arg_in_from(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """FROM uses an ARG that is not declared before the first FROM, or whose default leaves no valid image name.

    ## Why
    FROM only sees ARGs declared before the first FROM (and the automatic `BUILDPLATFORM`,
    `TARGETARCH`...). Anything else expands to an empty string, and so does a global ARG without
    a default: `FROM alpine:${TAG}` becomes `alpine:`, which fails unless every build passes
    `--build-arg TAG=...`.

    ## Bad
    ```dockerfile
    FROM golang:${GO_VERSION}-alpine
    ```
    ```dockerfile
    ARG BASE_TAG
    FROM alpine:${BASE_TAG}
    ```

    ## Good
    ```dockerfile
    ARG GO_VERSION=1.22
    ARG REGISTRY
    FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
    FROM ${REGISTRY:-docker.io}/library/alpine:3.20
    ```

    ## Fix
    Declare the ARG before the first FROM and give it a default: `ARG GO_VERSION=1.22`.
    """
    global_args = ctx.dockerfile.global_args
    escape = ctx.dockerfile.escape
    for stage in ctx.stages:
        instruction = stage.from_instruction
        missing = []
        for reference in references(instruction.value, escape) + [r for f in instruction.flags for r in references(f, escape)]:
            if reference.fallback or reference.name in global_args.args or reference.name in PLATFORM_ARGS:
                continue
            missing.append(reference.name)
            later = "" if reference.name not in variable_definitions(ctx) else " (declaring it inside a stage is too late)"
            yield Violation(
                f"FROM uses ${reference.name}, which is not declared before the first FROM{later}; "
                f"add 'ARG {reference.name}=<default>' at the top of the file",
                instruction,
            )
        image = instruction.value.split()[0] if instruction.value.split() else ""
        if missing or "$" not in image:
            continue
        # The builder removes quotes from the FROM word (FROM alpine:"${TAG}"); the core keeps them.
        resolved = stage.base.resolved.replace('"', "").replace("'", "")
        if not resolved or not _REFERENCE_SHAPE.match(resolved):
            empty = list(dict.fromkeys(r.name for r in references(image, escape) if not global_args.args.get(r.name)))
            verb = "has" if len(empty) == 1 else "have"
            cause = f"ARG {', '.join(empty)} {verb} no default, so " if empty else "with the ARG defaults "
            yield Violation(
                f"{cause}the base image is '{resolved}', not a valid image name, unless every build passes "
                "--build-arg; give the ARG a default value",
                instruction,
            )
