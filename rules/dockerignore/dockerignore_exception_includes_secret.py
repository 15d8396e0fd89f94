"""IL3007 dockerignore-exception-includes-secret."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.context_files import dev_folder, secret_kind
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.dockerignore.shared import WALK_LIMIT, list_names, reincluding_exception, shown_dockerignore


@rule(code="IL3007", name="dockerignore-exception-includes-secret", family="dockerignore", severity="error", needs_context=True)
def dockerignore_exception_includes_secret(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A `!` line in `.dockerignore` brings a secret file back into the build context.

    ## Why
    `!` exceptions re-include what earlier lines exclude. `!*.pem` after `*.pem`, or `!.env*`
    meant for `.env.example`, also brings back private keys and real `.env` files, and a
    `COPY . .` then bakes them into a layer. Only files that hold a secret (checked by content)
    are reported, at the exception line.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY . /app
    ```
    ```context
    .env.example = API_KEY=
    .env.production = API_KEY=sk_live_abc123
    .dockerignore = .env*\\n!.env*
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY . /app
    ```
    ```context
    .env.example = API_KEY=
    .env.production = API_KEY=sk_live_abc123
    .dockerignore = .env*\\n!.env.example
    ```

    ## Fix
    Make the exception name only the file you need (`!.env.example`), or move the secret out of
    the context and pass it with `RUN --mount=type=secret`.
    """
    build_context = ctx.build_context
    if build_context is None or not any(p.is_exception for p in build_context.ignore_patterns):
        return
    shown = shown_dockerignore(ctx, build_context)
    found: dict[int, list[str]] = {}
    budget = WALK_LIMIT
    for relative, entry in build_context.walk(prune=lambda r, e: dev_folder(r, e) is not None):
        budget -= 1
        if budget <= 0:
            break
        if not entry.is_file(follow_symlinks=False):
            continue
        kind = secret_kind(relative, entry)
        if kind is None:
            continue
        index = reincluding_exception(build_context, relative)
        if index is not None:
            found.setdefault(index, []).append(f"{relative} ({kind})")
    patterns = build_context.ignore_patterns
    for index, secrets in sorted(found.items()):
        yield Violation(
            f"'{patterns[index].text}' brings secret files back into the build context: {list_names(secrets)}; "
            "narrow the exception to the files you need",
            line=patterns[index].line,
            column=1,
            file=shown,
        )
