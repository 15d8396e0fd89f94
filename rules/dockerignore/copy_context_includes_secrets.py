"""IL3002 copy-context-includes-secrets."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.dockerignore.shared import list_names, reincluding_exception, scan_context


@rule(
    code="IL3002",
    name="copy-context-includes-secrets",
    family="dockerignore",
    severity="error",
    needs_context=True,
    instructions=("COPY", "ADD"),
)
def copy_context_includes_secrets(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A directory COPY takes secret files from the context: `.env`, private keys, tokens.

    ## Why
    `COPY . .` copies every file `.dockerignore` does not exclude. A `.env` with production
    credentials, an `id_rsa`, an `.npmrc` holding a registry token or a kubeconfig ends up in a
    layer that anyone who can pull the image can read, even if a later RUN deletes it; so does a
    `.git/config` whose remote URL embeds a token. Files are checked by content, not only by name: a `.pem` is reported only if it holds a private key, an
    `.npmrc` only with a literal token (not `${NPM_TOKEN}`), and `.env.example` never.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    app.py = print(1)
    .env = DATABASE_URL=postgres://admin:hunter2@db/prod
    .dockerignore = .git
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    ```context
    app.py = print(1)
    .env = DATABASE_URL=postgres://admin:hunter2@db/prod
    .env.example = DATABASE_URL=
    .dockerignore = .git\\n.env
    ```
    ```dockerfile
    FROM node:22-slim
    COPY . .
    ```
    ```context
    .npmrc = //registry.npmjs.org/:_authToken=${NPM_TOKEN}
    .dockerignore = .git
    ```

    ## Fix
    Add the files to `.dockerignore` (`.env`, `*.pem`, `id_*`), and pass secrets the build needs
    with `RUN --mount=type=secret`, never in the context.
    """
    build_context = ctx.build_context
    if build_context is None:
        return
    found: dict[Instruction, list[str]] = {}
    for path, (instruction, kind) in ctx.fact(scan_context).secrets.items():
        if build_context.ignore_patterns and reincluding_exception(build_context, path) is not None:
            continue  # brought back by a `!` line: reported there (IL3007)
        found.setdefault(instruction, []).append(f"{path} ({kind})")
    for instruction, secrets in found.items():
        yield Violation(
            f"{instruction.keyword} copies secret files from the build context into the image: {list_names(secrets)}; "
            "add them to .dockerignore and use RUN --mount=type=secret instead",
            instruction,
        )
