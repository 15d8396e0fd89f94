"""IL4001 copy-from-unknown-stage."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.stages import from_value
from imagelint.rule import Rule, Violation, rule

# Names people give build stages; as a bare --from they are a typo'd or missing stage, not an image.
_TYPICAL_STAGE_NAMES = frozenset(
    {"build", "builder", "base", "deps", "dependencies", "compile", "compiler", "runtime", "release",
     "production", "prod", "assets", "frontend", "backend", "installer", "downloader"}
)  # fmt: skip


@rule(
    code="IL4001",
    name="copy-from-unknown-stage",
    family="multi-stage",
    severity="error",
    hadolint=("DL3022", "DL3023"),
)
def copy_from_unknown_stage(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`COPY --from` names its own stage, a later stage, a stage index that does not exist, or a
    misspelt stage.

    ## Why
    A stage cannot copy from itself (BuildKit stops with a circular-dependency error), and
    `--from=3` in a file with three stages (0 to 2) fails with "invalid stage index". A name
    that matches no stage is read as an image to pull, so a typo such as `--from=buidler` fails
    late with "pull access denied". A stage defined *later* cannot be used either: BuildKit stops
    with "cannot copy from stage, it needs to be defined before current stage" (older builders
    pulled an image of that name instead). The same applies to `RUN --mount=from=...`.
    An unknown name that looks like an image (`--from=nginx:1.27`, `--from=ghcr.io/org/tool`)
    or a BuildKit named context is fine.

    ## Bad
    ```dockerfile
    FROM golang:1.22 AS build
    COPY --from=build /src /src
    ```
    ```dockerfile
    FROM alpine:3.20 AS app
    COPY --from=build /out/app /app
    FROM golang:1.22 AS build
    ```
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=buidler /out/app /app
    ```
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=2 /out/app /app
    ```

    ## Good
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
    ```
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .
    FROM alpine:3.20
    COPY --from=0 /out/app /app
    ```
    ```dockerfile
    ARG BUILDER=build
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM alpine:3.20
    ARG BUILDER
    COPY --from=${BUILDER} /out/app /app
    ```

    ## Fix
    Name an earlier stage (check the spelling), or move the stage you copy from above this one.
    """
    names = [s.name for s in ctx.stages if s.name]
    named_contexts = {name.lower() for name in ctx.options.named_contexts}
    if any(s.name and "$" in s.name for s in ctx.stages):
        return  # stage names set by ARGs: any --from may name them
    for stage in ctx.stages:
        for instruction in stage.instructions:
            if not instruction.flags:
                continue  # --from and --mount are flags: most instructions have none
            references = []
            if instruction.keyword in ("COPY", "ADD") and instruction.flag("from"):
                references.append((f"{instruction.keyword} --from", from_value(instruction)))
            references += [
                ("RUN --mount from", mount.from_stage)
                for mount in instruction.mounts()
                if mount.from_stage and "$" not in mount.from_stage
            ]
            for what, source in references:
                if not source:
                    continue
                if source.isdigit():
                    index = int(source)
                    if index >= len(ctx.stages):
                        yield Violation(
                            f"{what}={source}: there is no stage {index} (the file has stages 0 to {len(ctx.stages) - 1}); "
                            "use a stage name or a valid index",
                            instruction,
                        )
                        continue
                    target = ctx.stages[index]
                else:
                    target = ctx.dockerfile.stage_by_name(source)
                if target is None and source.lower() in named_contexts:
                    continue  # a build context given by name (Compose additional_contexts), not a stage
                if target is None:
                    hint = _misspelt_stage(source, names)
                    if hint:
                        yield Violation(
                            f"{what}={source} names no stage, so it is pulled as an image; {hint}",
                            instruction,
                        )
                    continue
                if target.index == stage.index:
                    yield Violation(
                        f"{what}={source} reads from its own stage (a circular dependency); name an earlier stage",
                        instruction,
                    )
                elif target.index > stage.index:
                    yield Violation(
                        f"{what}={source} names the stage defined later at line {target.line}; a stage can only "
                        "use stages defined before it, so move that stage above this one",
                        instruction,
                    )


def _misspelt_stage(source: str, names: list[str]) -> str | None:
    """A hint when an unknown ``--from`` is a likely typo rather than an image or named context."""
    if any(ch in source for ch in ":/@.") or "$" in source:
        return None
    close = difflib.get_close_matches(source.lower(), names, n=1, cutoff=0.75)
    if close:
        return f"did you mean stage '{close[0]}'?"
    if source.lower() in _TYPICAL_STAGE_NAMES:
        return f"define a stage named '{source}' before this line or fix the name"
    return None
