"""IL8011 undefined-variable."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction, Stage
from imagelint.findings import Severity
from imagelint.knowledge.base_images import known_env, may_be_image_env
from imagelint.knowledge.variable_references import expanded_references, with_scope_before
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import pairs_defined, variable_definitions
from imagelint.variables import PLATFORM_ARGS, Scope


def _distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# BuildKit's suggestion (util/suggest): the first candidate at the smallest edit distance below 3.
_MAX_SUGGESTED_DISTANCE = 2


def _similar(name: str, candidates: list[str]) -> str | None:
    """The defined name ``name`` is probably a typo of, as BuildKit suggests it: the first one
    spelled the same but for case (BuildKit on Windows ignores case), else the first one within
    two edits (``APPDRI`` -> ``APPDIR``, ``PAHT`` -> ``PATH``)."""
    lowered = {c.lower(): c for c in reversed(candidates)}
    if name.lower() in lowered:
        return lowered[name.lower()]
    best, best_distance = None, _MAX_SUGGESTED_DISTANCE + 1
    for candidate in candidates:
        distance = _distance(name, candidate)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


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

    def in_chain(index: int) -> bool:
        return index >= 0 and ctx.is_built_from(stage, ctx.stages[index])

    for defined, stage_index in definitions.get(name, []):
        if in_chain(stage_index) and defined.index > instruction.index:
            return f"it is only defined at line {defined.line}, after this use; move the {defined.keyword} up"
    for defined, stage_index in definitions.get(name, []):
        if not in_chain(stage_index) and stage_index >= 0:
            other = ctx.stages[stage_index]
            label = f"'{other.written_name}'" if other.written_name else f"#{stage_index}"
            return f"it is defined in stage {label} (line {defined.line}), and ARG/ENV do not carry over to other stages"
    base = ctx.root_stage(stage).base
    known = None if base.is_scratch else known_env(base)
    if known is None and not base.is_scratch and may_be_image_env(name):
        return None  # ``$JAVA_HOME``, ``$GOPATH``: the base image's ENV, which only the builder reads
    if known is not None and name in known:
        return None
    visible = list(dict.fromkeys([*scope.envs, *scope.args, *_ALWAYS_IN_ENV]))
    suggestion = _similar(name, visible)
    if suggestion is not None:
        return f"did you mean {suggestion}?"
    if base.is_scratch:
        return "nothing defines it (the stage starts FROM scratch)"
    shown = base.raw if base.unresolved or not base.resolved else base.resolved
    if known is not None:
        return f"nothing in this Dockerfile defines it and {shown} sets only {', '.join(sorted(known))}; declare it with ARG or ENV first"
    return f"{UNLESS_THE_BASE} {shown} sets it, declare it with ARG or ENV first"


# Names in every image's environment: BuildKit offers them as suggestions too (``$PAHT``).
_ALWAYS_IN_ENV = ("PATH",)
# The reason given when only the base image, unknown here, could define the name: the finding is
# then information, not a warning.
UNLESS_THE_BASE = "nothing in this Dockerfile defines it; unless the base image"


@rule(
    code="IL8011",
    name="undefined-variable",
    family="correctness",
    severity="warning",
    buildkit=("UndefinedVar",),
    mentions=("$",),
)
def undefined_variable(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An instruction expands a `$VARIABLE` that nothing defines at that point, so it becomes an empty string.

    ## Why
    The builder expands variables in ENV, ARG, COPY, ADD, WORKDIR, USER, EXPOSE, LABEL, VOLUME and
    STOPSIGNAL, and in the `--chown`, `--chmod`, `--from`, `--checksum`, `--exclude` and `--mount`
    flags (not in RUN, CMD or ENTRYPOINT, where the shell does, nor in ONBUILD triggers, which
    expand in the child image): the instructions BuildKit's UndefinedVar check covers. An
    undefined one silently expands to nothing: `COPY app /opt/$APP_DIR/` copies to `/opt/`.

    Reported: a global ARG not re-declared inside the stage, `$TARGETARCH` without
    `ARG TARGETARCH`, a definition after the use or in another stage, a typo (with BuildKit's
    suggestion: a defined name within two edits, or the same but for case), and a name nothing
    in the file defines. The builder also reads the base image's ENV, which imagelint cannot:
    the distribution images (`alpine`, `debian`, `ubuntu`, `busybox`) set only PATH; on other
    bases a name that images conventionally set (`$PATH`, `$HOME`, `$JAVA_HOME`, `$NODE_VERSION`,
    `$PHP_INI_DIR`, `$LC_ALL`...) is not reported, and for any other name the message says the
    base image may set it. The proxy build args (`$HTTP_PROXY`) are always defined.

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
    ```dockerfile
    FROM debian:12-slim
    COPY $SRC /srv/app/
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
    ```dockerfile
    FROM debian:12-slim
    ARG SRC=dist
    ENV http_proxy=$HTTP_PROXY
    COPY $SRC /srv/app/
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
                    severity_cap=Severity.INFO if reason.startswith(UNLESS_THE_BASE) else None,
                )
