"""IL7002 secret-in-arg-or-env."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, arg_declarations
from imagelint.knowledge.variable_references import references
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import value_offset
from imagelint.secrets import SECRET_NAME_HINT, SECRET_NAME_PARTS, find_tokens, is_literal_secret_value, is_secret_name, redact


def _with_triggers(ctx: LintContext, *keywords: str) -> Iterator[tuple[Instruction, bool]]:
    """Instructions with these keywords, ONBUILD triggers included: (instruction, is_trigger)."""
    for instruction in ctx.instructions:
        if instruction.keyword in keywords:
            yield instruction, False
        elif instruction.keyword == "ONBUILD" and instruction.trigger and instruction.trigger.keyword in keywords:
            yield instruction.trigger, True


@rule(
    code="IL7002",
    name="secret-in-arg-or-env",
    family="security",
    severity="warning",
    hadolint=("DL3064",),
    buildkit=("SecretsUsedInArgOrEnv",),
    instructions=("ENV", "ARG"),
    mentions=SECRET_NAME_PARTS,
)
def secret_in_arg_or_env(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A password, token or API key passed through ARG or ENV, where `docker history` and `docker inspect` show it.

    ## Why
    ENV values are stored in the image config; every RUN after an `ARG` records the build args in
    the image history. Anyone who can pull the image can read them. Only credential-shaped names
    (`DB_PASSWORD`, `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`) with a literal value, an ENV copying a
    variable into the image, or a build arg that a shipped RUN uses are reported: public GPG key
    ids (`GPG_KEYS`), user names, `*_FILE` paths and placeholders (`changeme`) are not secrets.

    ## Bad
    ```dockerfile
    FROM postgres:16
    ENV POSTGRES_PASSWORD=s3cr3t-pa55
    ```
    ```dockerfile
    FROM node:22-slim
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    ```
    ```dockerfile
    FROM python:3.12-slim
    ARG API_TOKEN
    ENV API_TOKEN=$API_TOKEN
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
    ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password
    ARG USERNAME=vscode
    ```
    ```dockerfile
    FROM node:22-slim
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    ARG GITHUB_TOKEN
    RUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/" \\
        && go build -o /app .
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /app /app
    ```

    ## Fix
    Pass credentials at run time (`docker run -e`, a secrets manager, `*_FILE` variables) and at
    build time with `RUN --mount=type=secret,id=name[,env=NAME]` and `docker build --secret`.
    """
    for instruction, onbuild in _with_triggers(ctx, "ENV", "ARG"):
        if not SECRET_NAME_HINT.search(instruction.value):
            continue
        ships = onbuild or instruction.stage in ctx.shipped_stages  # triggers run in (and ship with) the downstream image
        if instruction.keyword == "ENV":
            pairs = [(k, v) for k, v in instruction.key_values()]
        else:
            pairs = [(k, v) for k, v in arg_declarations(instruction)]
        for name, value in pairs:
            if not is_secret_name(name):
                continue
            offset = value_offset(instruction, name)
            if value and find_tokens(value):
                continue  # IL7003 reports a recognised token with a stronger severity
            if value and "$" not in value and is_literal_secret_value(value):
                store = "the image config" if instruction.keyword == "ENV" else "the Dockerfile and the image history"
                yield Violation(
                    f"{instruction.keyword} {name} sets a literal secret ('{redact(value)}') that is stored in {store}; "
                    "pass it at run time or with RUN --mount=type=secret",
                    instruction,
                    offset=offset,
                )
            elif instruction.keyword == "ENV" and value and "$" in value and ships:
                source = next((r.name for r in references(_raw_value(instruction, name) or value)), None)
                if source is None:
                    continue
                yield Violation(
                    f"ENV {name} copies ${source} into the image config, where anyone who pulls the image can read it; "
                    "read the secret at run time or with RUN --mount=type=secret instead",
                    instruction,
                    offset=offset,
                )
            elif instruction.keyword == "ARG" and not value and ships and not onbuild:
                user = _run_using(ctx, instruction, name)
                if user is not None:
                    yield Violation(
                        f"build arg {name} is used by the RUN at line {user.line}, so its value is saved in the image "
                        f"history; use RUN --mount=type=secret,id={name.lower()},env={name} and docker build --secret",
                        instruction,
                        offset=offset,
                    )


def _raw_value(instruction: Instruction, name: str) -> str | None:
    """The text after ``name=`` in an ENV value, quotes kept (for finding references)."""
    match = re.search(rf"(?:^|\s){re.escape(name)}(?:=|\s+)(\S+)", instruction.value)
    return match.group(1) if match else None


def _run_using(ctx: LintContext, arg: Instruction, name: str) -> Instruction | None:
    """The first later RUN of the ARG's stage that reads ``$name`` without a secret mount providing it."""
    for run in ctx.run_scripts:
        instruction = run.instruction
        if instruction.stage != arg.stage or instruction.index < arg.index:
            continue
        if not any(r.name == name for r in references(run.script.text)):
            continue
        if _secret_mount_provides(instruction, name):
            continue
        return instruction
    return None


def _secret_mount_provides(instruction: Instruction, name: str) -> bool:
    for mount in instruction.mounts():
        if mount.type == "secret" and name.lower() in (mount.fields.get("env", "").lower(), mount.fields.get("id", "").lower()):
            return True
    return False
