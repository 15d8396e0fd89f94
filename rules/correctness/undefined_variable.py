"""IL8011 undefined-variable."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, Stage
from imagelint.knowledge.variable_references import expanded_references, with_scope_before
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import pairs_defined, variable_definitions
from imagelint.variables import PLATFORM_ARGS, Scope


def _similar(name: str, candidates: list[str]) -> str | None:
    lowered = {c.lower(): c for c in candidates}
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.85)
    return close[0] if close else None


def _undefined_reason(
    ctx: LintContext, stage: Stage, instruction: Instruction, name: str, scope: Scope, definitions: dict
) -> str | None:
    """Why ``$name`` expands to nothing at this instruction, or None when the base image may define it."""
    if name in PLATFORM_ARGS:
        return f"add 'ARG {name}' in this stage: the automatic platform args are only visible after an ARG line"
    if name in ctx.dockerfile.global_args.args:
        return (
            f"ARG {name} is declared before the first FROM, which does not reach inside a stage; "
            f"add 'ARG {name}' in this stage"
        )
    in_chain = {s.index for s in ctx.lineage(stage)}
    for defined, stage_index in definitions.get(name, []):
        if stage_index in in_chain and defined.index > instruction.index:
            return f"it is only defined at line {defined.line}, after this use; move the {defined.keyword} up"
    for defined, stage_index in definitions.get(name, []):
        if stage_index not in in_chain and stage_index >= 0:
            other = ctx.stages[stage_index]
            label = f"'{other.written_name}'" if other.written_name else f"#{stage_index}"
            return f"it is defined in stage {label} (line {defined.line}), and ARG/ENV do not carry over to other stages"
    visible = list(scope.args) + list(scope.envs)
    suggestion = _similar(name, visible)
    if suggestion is not None:
        return f"did you mean {suggestion}?"
    if ctx.lineage(stage)[-1].base.is_scratch:
        return "nothing defines it (the stage starts FROM scratch)"
    return None  # the base image may set it; BuildKit knows, we do not


@rule(code="IL8011", name="undefined-variable", family="correctness", severity="warning", buildkit=("UndefinedVar",))
def undefined_variable(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An instruction expands a `$VARIABLE` that nothing defines at that point, so it becomes an empty string.

    ## Why
    The builder expands variables in ENV, ARG, COPY, ADD, WORKDIR, USER, EXPOSE, LABEL, VOLUME and
    STOPSIGNAL (not in RUN, where the shell does). An undefined one silently expands to nothing:
    `COPY app /opt/$APP_DIR/` copies to `/opt/`. The usual causes are reported: a global ARG not
    re-declared inside the stage, `$TARGETARCH` without `ARG TARGETARCH`, a definition after the
    use or in another stage, and typos. Names the base image may set (`$JAVA_HOME`, `$PATH`) are
    not reported, since only the builder knows the base image's environment.

    ## Bad
    ```dockerfile
    ARG APP_VERSION=1.4.2
    FROM alpine:3.20
    COPY dist/app-${APP_VERSION}.tar.gz /opt/
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY bin/tool-$TARGETARCH /usr/local/bin/tool
    ```
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME=/srv/app
    WORKDIR $APP_HOEM
    ```

    ## Good
    ```dockerfile
    ARG APP_VERSION=1.4.2
    FROM alpine:3.20
    ARG APP_VERSION
    ARG TARGETARCH
    COPY dist/app-${APP_VERSION}.tar.gz bin/tool-$TARGETARCH /opt/
    ```
    ```dockerfile
    FROM eclipse-temurin:21-jre
    ENV PATH=$JAVA_HOME/bin:$PATH
    ENV OPT_DIR=${OPT_DIR:-/opt}
    RUN echo "$UNDEFINED_IN_SHELL is the shell's business"
    ```

    ## Fix
    Declare the variable where it is used (`ARG NAME` inside the stage, before the use), or fix
    its spelling.
    """
    definitions: dict | None = None  # only needed to explain a finding
    escape = ctx.dockerfile.escape
    for stage in ctx.stages:
        dynamic_names = False
        for instruction, scope in with_scope_before(stage):
            if "$" not in instruction.original:
                continue
            own = {n for n, _ in pairs_defined(instruction)}
            dynamic_names = dynamic_names or any("$" in n for n in own)
            if dynamic_names:
                break  # `ARG ${NAME}=...` defines names we cannot know
            for reference, offset in expanded_references(instruction, escape):
                name = reference.name
                if reference.fallback or scope.is_defined(name) or name in own:
                    continue
                if definitions is None:
                    definitions = variable_definitions(ctx)
                reason = _undefined_reason(ctx, stage, instruction, name, scope, definitions)
                if reason is None:
                    continue
                yield Violation(
                    f"${name} is not defined here and expands to an empty string: {reason}",
                    instruction,
                    offset=offset,
                    end_offset=reference.end if offset is not None else None,
                )
