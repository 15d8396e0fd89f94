"""IL7001 final-stage-runs-as-root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.variables import expand

_ROOT_USERS = {"root", "0"}


# Tags of base images that already switch to an unprivileged user (distroless :nonroot, .NET
# chiseled and distroless images).
_NONROOT_TAGS = ("nonroot", "chiseled", "distroless")


# Programs that drop root for the real process (the official images' entrypoint pattern).
_PRIVILEGE_DROPPERS = re.compile(r"(?:^|/)(?:gosu|su-exec|setpriv|chpst|s6-setuidgid)(?![A-Za-z0-9_])")


@rule(
    code="IL7001",
    name="final-stage-runs-as-root",
    family="security",
    severity="warning",
    hadolint=("DL3002",),
    checkov=("CKV_DOCKER_3", "CKV_DOCKER_8"),
)
def final_stage_runs_as_root(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """The final stage ends as root (its last USER is root, or it sets no USER at all).

    ## Why
    A process running as root inside the container is root on every file the container can
    reach and is one kernel bug away from root on the host. Builder stages are exempt: only the
    image you ship runs. Images whose entrypoint drops privileges with `gosu` or `su-exec` (the
    official database images) are exempt from the "no USER" case.

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
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gosu \\
        && rm -rf /var/lib/apt/lists/*
    ENTRYPOINT ["docker-entrypoint.sh"]
    ```

    ## Fix
    Create an unprivileged user and switch to it with `USER` at the end of the final stage.
    """
    stage = ctx.final_stage
    if stage is None or stage.base.is_scratch or ctx.is_windows(stage):
        return
    stages = ctx.final_lineage
    root_base = stages[-1].base
    # Images built to run as non-root say so in their name; their USER comes from the base.
    if any(marker in (root_base.tag or "") for marker in _NONROOT_TAGS) or "rootless" in root_base.resolved:
        return
    for link in stages:
        users = [i for i in link.instructions if i.keyword == "USER"]
        if not users:
            continue
        last = users[-1]
        written = last.value.strip().strip("\"'")
        user = expand(written, last.scope).text if last.scope is not None and "$" in written else written
        if user.split(":", 1)[0] in _ROOT_USERS:
            yield Violation(
                "the final stage's last USER is root; switch to an unprivileged user (USER app) after the root-only steps",
                last,
            )
        return
    if _drops_privileges(ctx):
        return
    yield Violation(
        "the final stage sets no USER, so the container runs as root; add 'USER <non-root user>' before CMD/ENTRYPOINT",
        stage.from_instruction,
    )


def _drops_privileges(ctx: LintContext) -> bool:
    """The image installs or calls gosu/su-exec: its entrypoint starts as root on purpose."""
    for run in ctx.shipped_scripts:
        for command in run.commands():
            if any(_PRIVILEGE_DROPPERS.search(w.value) for w in command.raw_words):
                return True
    for instruction in ctx.instructions:
        if instruction.stage in ctx.shipped_stages and instruction.keyword in ("COPY", "ADD", "ENTRYPOINT", "CMD"):
            if any(_PRIVILEGE_DROPPERS.search(word) for word in instruction.words()):
                return True
    return False
