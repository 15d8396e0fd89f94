"""IL7003 hardcoded-secret."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.secrets import TOKEN_MENTIONS, find_tokens, redact


@rule(code="IL7003", name="hardcoded-secret", family="security", severity="error", mentions=TOKEN_MENTIONS)
def hardcoded_secret(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A recognisable credential (AWS key, GitHub/GitLab/Slack/Stripe token, private key, URL or command-line password) written in the Dockerfile.

    ## Why
    The Dockerfile sits in version control and the value ends up in the image layers, history or
    config. Known token formats (`AKIA...`, `ghp_...`, `glpat-...`, `xoxb-...`, `sk_live_...`,
    `AIza...`, `-----BEGIN PRIVATE KEY-----`), passwords inside URLs (`https://user:pass@host`) and
    passwords given on a command line (`curl -u user:pass`, `--user`, `wget --password` and its
    `--http-`, `--ftp-`, `--proxy-` forms) are reported wherever they appear: ARG, ENV, LABEL, RUN,
    heredocs. The finding shows only the first characters of the value.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    ```
    ```dockerfile
    FROM alpine/git:2.45.2
    RUN git clone https://ci:glpat-Zx8vQm2LrT5nW9yK3hPd@gitlab.example.com/team/app.git /src
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN wget -q --user=deploy --password=Tr0ub4dor-3 https://files.example.com/app.tgz \\
        && curl -fsS -u deploy:Tr0ub4dor-3 https://files.example.com/ok
    ```

    ## Good
    ```dockerfile
    FROM alpine/git:2.45.2
    RUN --mount=type=secret,id=gitlab_token \\
        git clone "https://ci:$(cat /run/secrets/gitlab_token)@gitlab.example.com/team/app.git" /src
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list
    ARG DB_URL=postgres://app:${DB_PASSWORD}@db:5432/app
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN --mount=type=secret,id=deploy,env=DEPLOY_PASSWORD \\
        curl -fsS -u "deploy:${DEPLOY_PASSWORD}" https://files.example.com/ok
    ```

    ## Fix
    Revoke the credential (it is already leaked), then supply it at build time with
    `RUN --mount=type=secret` or at run time through the environment or a secrets manager.
    """
    for instruction in ctx.instructions:
        target = instruction.trigger if instruction.keyword == "ONBUILD" and instruction.trigger else instruction
        for token in find_tokens(target.value):
            yield Violation(
                f"{token.kind} ('{redact(token.text)}') is written in the {target.keyword}; revoke it and pass it with "
                "RUN --mount=type=secret or at run time",
                target,
                offset=token.start,
                end_offset=token.end,
            )
        for heredoc in target.heredocs:
            for token in find_tokens(heredoc.content):
                before = heredoc.content[: token.start]
                line = heredoc.line + before.count("\n")
                column = token.start - (before.rfind("\n") + 1) + 1
                yield Violation(
                    f"{token.kind} ('{redact(token.text)}') is written in a heredoc of the {target.keyword}; revoke it "
                    "and pass it with RUN --mount=type=secret or at run time",
                    target,
                    line=line,
                    column=column,
                )
