"""IL8003 repeated-cmd-entrypoint-healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL8003",
    name="repeated-cmd-entrypoint-healthcheck",
    family="correctness",
    severity="warning",
    hadolint=("DL4003", "DL4004", "DL3012"),
    buildkit=("MultipleInstructionsDisallowed",),
    instructions=("CMD", "ENTRYPOINT", "HEALTHCHECK"),
)
def repeated_cmd_entrypoint_healthcheck(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A stage has several CMD, ENTRYPOINT or HEALTHCHECK instructions: all but the last are ignored.

    ## Why
    Each of these sets one field of the image config; a later one silently replaces an earlier
    one. Usually the earlier one is a leftover or a mistaken attempt to run two processes. Each
    stage is checked on its own (a builder stage's CMD does not clash with the final one).

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "migrate.py"]
    CMD ["python", "app.py"]
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS build
    CMD ["go", "test", "./..."]
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /go/bin/app /app
    CMD ["/app"]
    ```
    ```dockerfile
    FROM python:3.12-slim
    ENTRYPOINT ["python"]
    CMD ["app.py"]
    ```

    ## Fix
    Keep only the last one (run several processes through a script or a process manager).
    """
    for stage in ctx.stages:
        for keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            found = [i for i in stage.instructions if i.keyword == keyword]
            for earlier in found[:-1]:
                yield Violation(
                    f"this {keyword} is ignored: the {keyword} at line {found[-1].line} of the same stage replaces it; "
                    f"remove one of them",
                    earlier,
                )
