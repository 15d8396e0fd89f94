"""Rules about what an attacker (or an accident) could do with the image."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Violation, rule

_ROOT_USERS = {"root", "0", "root:root", "0:0", "root:0", "0:root"}


@rule(
    code="IL7001",
    name="final-stage-runs-as-root",
    family="security",
    severity="warning",
    hadolint=("DL3002",),
    checkov=("CKV_DOCKER_3", "CKV_DOCKER_8"),
)
def final_stage_runs_as_root(ctx: LintContext) -> Iterator[Violation]:
    """The final stage ends as root (its last USER is root, or it sets no USER at all).

    ## Why
    A process running as root inside the container is root on every file the container can
    reach and is one kernel bug away from root on the host. Builder stages are exempt: only the
    image you ship runs.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY app.py /app/
    CMD ["python", "/app/app.py"]
    ```
    ```dockerfile
    FROM python:3.12-slim
    USER app
    RUN pip install --no-cache-dir flask
    USER root
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    CMD ["python", "-m", "http.server"]
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /app /app
    ```
    ```dockerfile
    FROM alpine:3.20 AS base
    USER 1000
    FROM base
    CMD ["sh"]
    ```

    ## Fix
    Create an unprivileged user and switch to it with `USER` at the end of the final stage.
    """
    stage = ctx.final_stage
    if stage is None or stage.base.is_scratch:
        return
    # Images built to run as non-root say so in their tag; their USER comes from the base.
    if "nonroot" in (stage.base.tag or "") or "rootless" in stage.base.resolved:
        return
    chain = []
    current = stage
    while current is not None:
        chain.append(current)
        current = current.parent
    for link in chain:
        users = [i for i in link.instructions if i.keyword == "USER"]
        if users:
            last = users[-1]
            if last.value.strip().strip("\"'") in _ROOT_USERS:
                yield Violation("the final stage's last USER is root; switch to an unprivileged user", last)
            return
    yield Violation(
        "the final stage sets no USER, so the container runs as root; add 'USER <non-root user>'",
        stage.from_instruction,
    )
