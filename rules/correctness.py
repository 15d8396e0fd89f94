"""Rules about Dockerfiles that do not do what their author meant, or do not parse."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import JSON_CAPABLE, KNOWN_INSTRUCTIONS, Instruction, Stage, arg_declarations
from imagelint.rule import Violation, rule
from imagelint.rules._fetch import FETCHERS, reads_program_from_stdin
from imagelint.rules._var_refs import expanded_references, references, with_scope_before
from imagelint.shell import Command
from imagelint.variables import PLATFORM_ARGS, Scope, expand


@rule(code="IL8001", name="invalid-dockerfile-syntax", family="correctness", severity="error", hadolint=("DL3061",))
def invalid_dockerfile_syntax(ctx: LintContext) -> Iterator[Violation]:
    """The Dockerfile does not parse: Docker will refuse it or read it differently than it looks.

    ## Why
    An unterminated heredoc swallows the rest of the file, a misspelt instruction is rejected by
    the builder, a file without FROM cannot be built. imagelint reports the problem at its line
    and still lints the rest of the file.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    echo never terminated
    ```
    ```dockerfile
    FROM alpine:3.20
    RUNN echo typo
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    echo terminated
    EOF
    ```

    ## Fix
    Correct the instruction at the reported line.
    """
    for problem in ctx.dockerfile.problems:
        yield Violation(problem.message, line=problem.line, end_line=problem.end_line, column=1)
    for instruction in ctx.instructions:
        if instruction.keyword not in KNOWN_INSTRUCTIONS:
            yield Violation(
                f"unknown instruction '{instruction.written_keyword}'; Docker rejects it",
                instruction,
            )
        elif instruction.keyword == "ONBUILD" and instruction.trigger and instruction.trigger.keyword not in KNOWN_INSTRUCTIONS:
            yield Violation(f"unknown instruction '{instruction.trigger.written_keyword}' after ONBUILD", instruction)
    if ctx.instructions and not ctx.stages:
        yield Violation("no FROM instruction: every Dockerfile needs a base image", ctx.instructions[0])
    first = next((i for i in ctx.instructions if i.keyword != "ARG"), None)
    if first is not None and ctx.stages and first.keyword != "FROM":
        yield Violation(f"{first.keyword} before the first FROM: only ARG may come before FROM", first)


@rule(
    code="IL8002",
    name="shell-form-entrypoint",
    family="correctness",
    severity="warning",
    hadolint=("DL3025",),
    buildkit=("JSONArgsRecommended",),
)
def shell_form_entrypoint(ctx: LintContext) -> Iterator[Violation]:
    """CMD or ENTRYPOINT in shell form: `docker stop` signals never reach your process.

    ## Why
    Shell form runs your program as a child of `/bin/sh -c`. The shell is PID 1 and does not pass
    SIGTERM on, so `docker stop` waits 10 seconds and kills the container: no graceful shutdown,
    lost requests, slow deploys.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD python -m http.server 8000
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "-m", "http.server", "8000"]
    ```
    ```dockerfile
    FROM mcr.microsoft.com/powershell:lts-7.4-ubuntu-22.04
    SHELL ["pwsh", "-Command"]
    CMD Write-Host "hello"
    ```
    ```dockerfile
    FROM alpine:3.20
    CMD exec /usr/local/bin/app --port "$PORT"
    ```

    ## Fix
    Write the command as a JSON array. If you need shell features, use
    `ENTRYPOINT ["/bin/sh", "-c", "exec my-program \"$@\"", "--"]` so `exec` replaces the shell.
    """
    for instruction in ctx.of("CMD", "ENTRYPOINT"):
        if instruction.is_exec_form or not instruction.value.strip():
            continue
        stage = ctx.stage_of(instruction)
        if stage is not None and (ctx.shell_in_force(stage, instruction) is not None or ctx.is_windows(stage)):
            continue  # a custom SHELL (PowerShell, bash -c) is what the author chose to run it with
        if instruction.value.lstrip().startswith("["):
            continue  # broken JSON is another rule's finding
        if instruction.value.split(None, 1)[0] == "exec":
            continue
        words = instruction.words()
        fix = f'{instruction.keyword} {_json_array(words)}' if words and all('$' not in w for w in words) else None
        yield Violation(
            f"{instruction.keyword} in shell form runs under /bin/sh, which does not forward SIGTERM; "
            f"use the JSON form {instruction.keyword} [\"executable\", \"arg\"]",
            instruction,
            fix=fix,
        )


def _json_array(words: list[str]) -> str:
    return json.dumps(words)


# --- instructions that are ignored or mean something else ---------------------------------------


@rule(
    code="IL8003",
    name="repeated-cmd-entrypoint-healthcheck",
    family="correctness",
    severity="warning",
    hadolint=("DL4003", "DL4004", "DL3012"),
    buildkit=("MultipleInstructionsDisallowed",),
)
def repeated_cmd_entrypoint_healthcheck(ctx: LintContext) -> Iterator[Violation]:
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


@rule(
    code="IL8004",
    name="maintainer-instruction",
    family="correctness",
    severity="warning",
    hadolint=("DL4000",),
    buildkit=("MaintainerDeprecated",),
    checkov=("CKV_DOCKER_6",),
)
def maintainer_instruction(ctx: LintContext) -> Iterator[Violation]:
    """MAINTAINER is deprecated: use a LABEL.

    ## Why
    MAINTAINER only fills a deprecated image-config field that tools no longer read. The OCI label
    `org.opencontainers.image.authors` is what registries and scanners show.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```

    ## Fix
    Replace it with `LABEL org.opencontainers.image.authors="..."` (the suggested fix does that).
    """
    for instruction in ctx.of("MAINTAINER"):
        author = instruction.value.strip().replace('"', '\\"')
        yield Violation(
            "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors instead",
            instruction,
            fix=f'LABEL org.opencontainers.image.authors="{author}"',
        )


def _onbuild_forbidden(instruction: Instruction) -> str | None:
    trigger = instruction.trigger
    if trigger is None or trigger.keyword not in ("ONBUILD", "FROM", "MAINTAINER"):
        return None
    return trigger.keyword


@rule(code="IL8005", name="invalid-onbuild-trigger", family="correctness", severity="error", hadolint=("DL3043",))
def invalid_onbuild_trigger(ctx: LintContext) -> Iterator[Violation]:
    """ONBUILD with ONBUILD, FROM or MAINTAINER as its trigger, which the builder refuses.

    ## Why
    Triggers run in the image built FROM this one; chaining ONBUILD, starting a new stage or setting
    the maintainer there is not allowed, and the downstream build fails.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    ONBUILD ONBUILD RUN npm ci
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    ONBUILD COPY package.json package-lock.json ./
    ONBUILD RUN npm ci
    ```

    ## Fix
    Drop the trigger, or move it to an instruction that may run downstream (RUN, COPY, ENV...).
    """
    for instruction in ctx.of("ONBUILD"):
        forbidden = _onbuild_forbidden(instruction)
        if forbidden is not None:
            yield Violation(f"ONBUILD {forbidden} is not allowed: the downstream build fails; remove this trigger", instruction)


_COMMAND_KEYWORDS = ("CMD", "ENTRYPOINT", "SHELL")
_SMART_QUOTES = "\u201c\u201d\u2018\u2019"


def _looks_like_json_array(instruction: Instruction) -> bool:
    """Whether a non-JSON value was meant as an exec-form array (``CMD ['a', 'b']``, missing ``]``)."""
    value = instruction.value.strip()
    if not value.startswith("["):
        return False
    if instruction.keyword in _COMMAND_KEYWORDS:
        return True
    # RUN [ -f x ] is the shell's test command; only an array-looking value counts.
    return bool(re.match(r"^\[\s*(?:[\"'\u201c\u2018][^\"'\u201d\u2019]*[\"'\u201d\u2019]\s*(?:,|\]\s*$)|\]\s*$)", value))


def _json_problem(value: str) -> str:
    if any(q in value for q in _SMART_QUOTES):
        return "it uses typographic quotes; use straight double quotes"
    if "'" in value and '"' not in value:
        return "JSON strings need double quotes, not single quotes"
    try:
        parsed = json.loads(value)
    except ValueError as err:
        return f"it is not valid JSON ({err.msg.lower()})"
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        return "every element must be a string"
    return "it is not a JSON array of strings"


@rule(code="IL8006", name="invalid-json-arguments", family="correctness", severity="error")
def invalid_json_arguments(ctx: LintContext) -> Iterator[Violation]:
    """An exec-form array that is not valid JSON (`CMD ['app']`, a missing bracket, typographic quotes): Docker runs it as a shell string.

    ## Why
    When the text after CMD/ENTRYPOINT/RUN/COPY does not parse as a JSON array of strings, the
    builder silently falls back to shell form: `CMD ['python', 'app.py']` runs
    `/bin/sh -c "['python', 'app.py']"`, which fails when the container starts. SHELL must be JSON
    and is refused.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD ['python', 'app.py']
    ```
    ```dockerfile
    FROM python:3.12-slim
    ENTRYPOINT ["python", "app.py"
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "app.py"]
    RUN [ -f /etc/os-release ] && cat /etc/os-release
    ```

    ## Fix
    Write a JSON array with double-quoted strings: `CMD ["python", "app.py"]`.
    """
    for instruction in ctx.instructions:
        target = instruction.trigger if instruction.keyword == "ONBUILD" and instruction.trigger else instruction
        if target.keyword not in JSON_CAPABLE or target.is_exec_form or not _looks_like_json_array(target):
            continue
        fallback = "refused by the builder" if target.keyword == "SHELL" else "run as a shell command instead"
        yield Violation(
            f"{target.keyword} arguments look like an exec-form array but {_json_problem(target.value.strip())}, "
            f"so they are {fallback}; write [\"executable\", \"arg\"]",
            target,
            fix=_json_fix(target),
        )


def _json_fix(instruction: Instruction) -> str | None:
    value = instruction.value.strip()
    for quote in _SMART_QUOTES:
        value = value.replace(quote, '"')
    if "'" in value and '"' not in value:
        value = value.replace("'", '"')
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return f"{instruction.keyword} {json.dumps(parsed)}"
    return None


# --- paths -------------------------------------------------------------------------------------------


def _offset_of(instruction: Instruction, word: str) -> int | None:
    """Offset of the last occurrence of ``word`` in the value (the destination of a COPY)."""
    found = instruction.value.rfind(word)
    return found if found >= 0 else None


def _is_absolute(path: str) -> bool:
    # C:\dir, and C:dir as the word splitter leaves it when the escape character is a backtick
    return path.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", path))


def _workdir_value(instruction: Instruction, scope: Scope) -> str | None:
    """The WORKDIR path after ARG/ENV expansion, or None if a variable has no value we know."""
    written = instruction.value.strip().strip("\"'")
    if "$" not in written:
        return written
    expansion = expand(written, scope)
    return None if expansion.undefined else expansion.text


@rule(
    code="IL8007",
    name="relative-workdir",
    family="correctness",
    severity="warning",
    hadolint=("DL3000",),
    buildkit=("WorkdirRelativePath",),
    checkov=("CKV_DOCKER_10",),
)
def relative_workdir(ctx: LintContext) -> Iterator[Violation]:
    """A relative WORKDIR before any absolute one: where it lands depends on the base image.

    ## Why
    `WORKDIR app` is joined to the working directory the base image happens to set (`/` for
    debian, `/go` for golang, `/usr/src/app` for others); when the base image changes it, files
    land elsewhere. Once the stage has set an absolute WORKDIR, relative ones are fine. Variables
    are expanded (`WORKDIR $APP_HOME` with `ENV APP_HOME=/srv/app` is absolute).

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR app
    COPY . .
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    ENV APP_HOME=/srv/app
    WORKDIR $APP_HOME
    WORKDIR server
    ```
    ```dockerfile
    FROM node:22-slim AS base
    WORKDIR /srv/app
    FROM base
    WORKDIR client
    ```

    ## Fix
    Use an absolute path: `WORKDIR /app`.
    """
    absolute_set: dict[int, bool] = {}
    for stage in ctx.stages:
        is_set = bool(stage.parent is not None and absolute_set.get(stage.parent.index))
        for instruction, scope in with_scope_before(stage):
            if instruction.keyword != "WORKDIR":
                continue
            path = _workdir_value(instruction, scope)
            if path is None or _is_absolute(path):
                is_set = True
                continue
            if not is_set:
                yield Violation(
                    f"relative WORKDIR '{path}' is resolved against the base image's working directory; use an absolute "
                    f"path such as /{path.lstrip('./') or 'app'}",
                    instruction,
                    fix=f"WORKDIR /{path.lstrip('./')}" if path.lstrip("./") else None,
                )
                is_set = True  # fixing the first one fixes the ones after it (BuildKit reports it once)
        absolute_set[stage.index] = is_set


def _known_expansion(text: str, scope: Scope) -> str | None:
    """``text`` with ARG/ENV expanded, or None when a variable's value is not known statically."""
    if "$" not in text:
        return text
    for reference in references(text):
        if not reference.fallback and scope.lookup(reference.name) is None:
            return None
    return expand(text, scope).text


@rule(code="IL8008", name="relative-copy-without-workdir", family="correctness", severity="warning", hadolint=("DL3045",))
def relative_copy_without_workdir(ctx: LintContext) -> Iterator[Violation]:
    """COPY/ADD to a relative destination before the stage sets a WORKDIR: the files land where the base image says.

    ## Why
    `COPY . .` or `COPY app.py app/` is resolved against the base image's working directory,
    which you do not control and which differs between images (`/` for debian, `/go` for golang).
    A WORKDIR set in an earlier stage this one is built FROM counts.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    ```
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt /app/
    COPY --from=ghcr.io/astral-sh/uv:0.4.20 /uv /bin/uv
    ```

    ## Fix
    Add `WORKDIR /app` (any absolute path) before the COPY, or give an absolute destination.
    """
    has_workdir: dict[int, bool] = {}
    for stage in ctx.stages:
        # FROM scratch starts in /, which is as well defined as any WORKDIR.
        workdir = ctx.lineage(stage)[-1].base.is_scratch or bool(stage.parent is not None and has_workdir.get(stage.parent.index))
        for instruction, scope in with_scope_before(stage):
            if instruction.keyword == "WORKDIR":
                workdir = True
            elif instruction.keyword in ("COPY", "ADD") and not workdir:
                words = instruction.words()
                if len(words) < 2:
                    continue
                destination = _known_expansion(words[-1], scope)
                if destination is None:
                    continue  # a build arg without default, or set by the base image: nothing to say
                if not _is_absolute(destination):
                    yield Violation(
                        f"{instruction.keyword} to the relative destination '{words[-1]}' with no WORKDIR set in this stage; "
                        "add WORKDIR /app before it or use an absolute path",
                        instruction,
                        offset=_offset_of(instruction, words[-1]),
                    )
        has_workdir[stage.index] = workdir


@rule(code="IL8009", name="copy-multiple-sources-to-file", family="correctness", severity="error", hadolint=("DL3021",))
def copy_multiple_sources_to_file(ctx: LintContext) -> Iterator[Violation]:
    """COPY/ADD with several sources and a destination that does not end in `/`.

    ## Why
    With more than one source the destination must be a directory, written with a trailing `/`:
    `COPY a.txt b.txt /data` fails ("the destination must be a directory and end with a /").
    `.` and `..` are directories already and accepted by BuildKit.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY package.json package-lock.json /app
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    COPY tsconfig.json src/ /app/
    ```

    ## Fix
    End the destination with `/` (the suggested fix adds it).
    """
    for instruction in ctx.of("COPY", "ADD"):
        words = instruction.words()
        if len(words) < 3:
            continue
        destination = words[-1]
        if "$" in destination and instruction.scope is not None:
            expanded = expand(destination, instruction.scope)
            if expanded.undefined:
                continue
            destination = expanded.text
        if destination.endswith(("/", "\\")) or destination in (".", "..") or destination.endswith(("/.", "/..")):
            continue
        yield Violation(
            f"{instruction.keyword} of {len(words) - 1} sources needs a directory destination ending in '/'; "
            f"write '{words[-1]}/'",
            instruction,
            offset=None if instruction.is_exec_form else _offset_of(instruction, words[-1]),
        )


@rule(
    code="IL8010",
    name="invalid-expose",
    family="correctness",
    severity="error",
    hadolint=("DL3011",),
    buildkit=("ExposeInvalidFormat", "ExposeProtoCasing"),
)
def invalid_expose(ctx: LintContext) -> Iterator[Violation]:
    """EXPOSE with a port outside 0-65535, a `host:container` mapping, an IP address or a bad protocol.

    ## Why
    EXPOSE documents which ports the container listens on; it cannot publish or map them
    (`docker run -p` does). `EXPOSE 8080:80` and `EXPOSE 0.0.0.0:80` are not what they look like,
    and an out-of-range port or an unknown protocol fails the build. Protocols are lower case
    (`80/tcp`, `53/udp`).

    ## Bad
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 8080:80
    ```
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 80/TCP 70000
    ```

    ## Good
    ```dockerfile
    FROM nginx:1.27
    ARG PORT=8080
    EXPOSE 80 443/tcp 53/udp 8000-8010 ${PORT}
    ```

    ## Fix
    List container ports only (`EXPOSE 80/tcp`) and publish them at run time with `-p 8080:80`.
    """
    for instruction in ctx.of("EXPOSE"):
        for word in instruction.words():
            text = word
            if "$" in word:
                expansion = expand(word, instruction.scope) if instruction.scope is not None else None
                if expansion is None or expansion.undefined or not expansion.text:
                    continue
                text = expansion.text
            problem = _expose_problem(text)
            if problem is not None:
                yield Violation(f"EXPOSE {word}: {problem}", instruction, offset=instruction.value.find(word))


def _expose_problem(text: str) -> str | None:
    port, slash, protocol = text.partition("/")
    if slash and protocol.lower() not in ("tcp", "udp", "sctp"):
        return f"unknown protocol '{protocol}'; use tcp, udp or sctp"
    if slash and protocol != protocol.lower():
        return f"write the protocol in lower case ({port}/{protocol.lower()})"
    if ":" in port:
        return "EXPOSE takes container ports only; it cannot map or bind them, publish with docker run -p instead"
    low, dash, high = port.partition("-")
    for part in (low, high) if dash else (low,):
        if not part.isdigit():
            return "not a port number; write a number from 0 to 65535"
        if int(part) > 65535:
            return "port out of range; ports go from 0 to 65535"
    return None


# --- variables ---------------------------------------------------------------------------------------


def _definitions(ctx: LintContext) -> dict[str, list[tuple[Instruction, int]]]:
    """Every ARG/ENV name defined in the file: name -> [(instruction, stage index)]."""
    found: dict[str, list[tuple[Instruction, int]]] = {}
    for instruction in ctx.instructions:
        if instruction.keyword == "ARG":
            names = [name for name, _ in arg_declarations(instruction)]
        elif instruction.keyword == "ENV":
            names = [name for name, _ in instruction.key_values()]
        else:
            continue
        for name in names:
            found.setdefault(name, []).append((instruction, instruction.stage))
    return found


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
def undefined_variable(ctx: LintContext) -> Iterator[Violation]:
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
            own = {n for n, _ in _pairs_defined(instruction)}
            dynamic_names = dynamic_names or any("$" in n for n in own)
            if dynamic_names:
                break  # `ARG ${NAME}=...` defines names we cannot know
            for reference, offset in expanded_references(instruction, escape):
                name = reference.name
                if reference.fallback or scope.is_defined(name) or name in own:
                    continue
                if definitions is None:
                    definitions = _definitions(ctx)
                reason = _undefined_reason(ctx, stage, instruction, name, scope, definitions)
                if reason is None:
                    continue
                yield Violation(
                    f"${name} is not defined here and expands to an empty string: {reason}",
                    instruction,
                    offset=offset,
                    end_offset=reference.end if offset is not None else None,
                )


def _pairs_defined(instruction: Instruction) -> list[tuple[str, str | None]]:
    if instruction.keyword == "ARG":
        return arg_declarations(instruction)
    if instruction.keyword == "ENV":
        return [(k, v) for k, v in instruction.key_values()]
    return []


_REFERENCE_SHAPE = re.compile(
    r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+:[0-9a-fA-F]{32,})?$"
)


@rule(
    code="IL8012",
    name="undefined-arg-in-from",
    family="correctness",
    severity="warning",
    buildkit=("UndefinedArgInFrom", "InvalidDefaultArgInFrom"),
)
def undefined_arg_in_from(ctx: LintContext) -> Iterator[Violation]:
    """FROM uses an ARG that is not declared before the first FROM, or whose default leaves no valid image name.

    ## Why
    FROM only sees ARGs declared before the first FROM (and the automatic `BUILDPLATFORM`,
    `TARGETARCH`...). Anything else expands to an empty string, and so does a global ARG without
    a default: `FROM alpine:${TAG}` becomes `alpine:`, which fails unless every build passes
    `--build-arg TAG=...`.

    ## Bad
    ```dockerfile
    FROM golang:${GO_VERSION}-alpine
    ```
    ```dockerfile
    ARG BASE_TAG
    FROM alpine:${BASE_TAG}
    ```

    ## Good
    ```dockerfile
    ARG GO_VERSION=1.22
    ARG REGISTRY
    FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
    FROM ${REGISTRY:-docker.io}/library/alpine:3.20
    ```

    ## Fix
    Declare the ARG before the first FROM and give it a default: `ARG GO_VERSION=1.22`.
    """
    global_args = ctx.dockerfile.global_args
    escape = ctx.dockerfile.escape
    for stage in ctx.stages:
        instruction = stage.from_instruction
        missing = []
        for reference in references(instruction.value, escape) + [r for f in instruction.flags for r in references(f, escape)]:
            if reference.fallback or reference.name in global_args.args or reference.name in PLATFORM_ARGS:
                continue
            missing.append(reference.name)
            later = "" if reference.name not in _definitions(ctx) else " (declaring it inside a stage is too late)"
            yield Violation(
                f"FROM uses ${reference.name}, which is not declared before the first FROM{later}; "
                f"add 'ARG {reference.name}=<default>' at the top of the file",
                instruction,
            )
        image = instruction.value.split()[0] if instruction.value.split() else ""
        if missing or "$" not in image:
            continue
        # The builder removes quotes from the FROM word (FROM alpine:"${TAG}"); the core keeps them.
        resolved = stage.base.resolved.replace('"', "").replace("'", "")
        if not resolved or not _REFERENCE_SHAPE.match(resolved):
            empty = list(dict.fromkeys(r.name for r in references(image, escape) if not global_args.args.get(r.name)))
            verb = "has" if len(empty) == 1 else "have"
            cause = f"ARG {', '.join(empty)} {verb} no default, so " if empty else "with the ARG defaults "
            yield Violation(
                f"{cause}the base image is '{resolved}', not a valid image name, unless every build passes "
                "--build-arg; give the ARG a default value",
                instruction,
            )


def _raw_pairs(value: str) -> list[tuple[str, int, int]]:
    """``A=1 B="x $A"`` -> [(name, value start, value end)] with offsets into the raw value."""
    pairs: list[tuple[str, int, int]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and value[i].isspace():
            i += 1
        start = i
        quote = ""
        while i < n and (quote or not value[i].isspace()):
            ch = value[i]
            if ch == "\\" and i + 1 < n:
                i += 2
                continue
            if quote and ch == quote:
                quote = ""
            elif not quote and ch in "\"'":
                quote = ch
            i += 1
        word = value[start:i]
        name, eq, _ = word.partition("=")
        if eq and name:
            pairs.append((name, start + len(name) + 1, i))
    return pairs


def _keeps_value(name: str, new_value: str | None, scope: Scope) -> bool:
    """``ENV V=$V`` (promoting an ARG) or re-setting the same value: old and new value are equal."""
    if new_value is None:
        return True
    if new_value.strip("\"'") in (f"${name}", f"${{{name}}}"):
        return True
    old = scope.lookup(name)
    return old is not None and old == expand(new_value, scope).text


@rule(code="IL8013", name="variable-used-in-same-instruction", family="correctness", severity="warning", hadolint=("DL3044",))
def variable_used_in_same_instruction(ctx: LintContext) -> Iterator[Violation]:
    """An ENV or ARG uses a variable that the same instruction sets: it gets the old value, not the new one.

    ## Why
    The builder expands every value of one ENV/ARG instruction before setting any of them, so in
    `ENV APP_HOME=/srv/app PATH=$APP_HOME/bin:$PATH` the PATH gets `/bin`, not `/srv/app/bin`.
    When the variable already had the very same value before, nothing changes and nothing is
    reported.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME=/srv/app PATH=$APP_HOME/bin:$PATH
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME=/srv/app
    ENV PATH=$APP_HOME/bin:$PATH
    ENV PATH=/opt/bin:$PATH LANG=C.UTF-8
    ```

    ## Fix
    Split the instruction: define the variable in one ENV and use it in the next.
    """
    escape = ctx.dockerfile.escape
    for stage in ctx.stages:
        for instruction, scope in with_scope_before(stage):
            if instruction.keyword not in ("ENV", "ARG") or "$" not in instruction.value or instruction.is_legacy_key_value:
                continue
            pairs = _raw_pairs(instruction.value)
            new_values = dict(_pairs_defined(instruction))
            for index, (name, start, end) in enumerate(pairs):
                for reference in references(instruction.value[start:end], escape):
                    other = reference.name
                    set_here = any(p[0] == other for j, p in enumerate(pairs) if j != index)
                    if other == name or other not in new_values or not set_here:
                        continue
                    if _keeps_value(other, new_values[other], scope):
                        continue
                    yield Violation(
                        f"${other} in {name}={instruction.value[start:end]} gets the value from before this "
                        f"{instruction.keyword}, not the one it sets; set {other} in an earlier {instruction.keyword}",
                        instruction,
                        offset=start + reference.start,
                        end_offset=start + reference.end,
                    )


@rule(code="IL8014", name="legacy-key-value-format", family="correctness", severity="info", buildkit=("LegacyKeyValueFormat",))
def legacy_key_value_format(ctx: LintContext) -> Iterator[Violation]:
    """`ENV key value` / `LABEL key value` without `=`: deprecated, and one instruction sets one variable only.

    ## Why
    In the legacy form everything after the first word is the value: `ENV A 1 B 2` sets `A` to
    `1 B 2`. BuildKit warns about it and documents it as deprecated.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV LANG C.UTF-8
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    ENV LANG=C.UTF-8 LC_ALL=C.UTF-8
    LABEL org.opencontainers.image.title="my app"
    ```

    ## Fix
    Write `ENV key=value` (quote values with spaces); the suggested fix does that.
    """
    for instruction in ctx.instructions:
        target = instruction.trigger if instruction.keyword == "ONBUILD" and instruction.trigger else instruction
        if not target.is_legacy_key_value:
            continue
        pairs = target.key_values()
        fix = None
        if len(pairs) == 1 and not any(c in pairs[0][1] for c in "\"'\\\n"):
            key, value = pairs[0]
            prefix = "ONBUILD " if target is not instruction else ""
            shown = f'"{value}"' if " " in value or not value else value
            fix = f"{prefix}{target.keyword} {key}={shown}"
        yield Violation(
            f"'{target.keyword} key value' is the deprecated legacy form; write {target.keyword} "
            f"{pairs[0][0] if pairs else 'key'}=value",
            target,
            fix=fix,
        )


@rule(
    code="IL8015",
    name="inconsistent-instruction-casing",
    family="correctness",
    severity="style",
    buildkit=("ConsistentInstructionCasing", "FromAsCasing"),
)
def inconsistent_instruction_casing(ctx: LintContext) -> Iterator[Violation]:
    """Instructions (or FROM's `AS`) written in a different case than the rest of the file.

    ## Why
    Instructions are case-insensitive, but a file mixing `RUN` and `run` (or `FROM x as y`) is
    harder to read and grep. The majority casing of the file wins, as in BuildKit's check.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    run apk add --no-cache curl
    CMD ["sh"]
    ```
    ```dockerfile
    FROM golang:1.22 as build
    RUN go build -o /app .
    ```

    ## Good
    ```dockerfile
    from alpine:3.20 as base
    run apk add --no-cache curl
    cmd ["sh"]
    ```

    ## Fix
    Write every instruction, and `AS`, in upper case (or all in lower case).
    """
    written = [i.written_keyword for i in ctx.instructions]
    upper = sum(1 for w in written if w.isupper())
    lower = sum(1 for w in written if w.islower())
    majority_upper = upper >= lower
    for instruction in ctx.instructions:
        word = instruction.written_keyword
        if instruction.keyword not in KNOWN_INSTRUCTIONS:
            continue  # IL8001 reports unknown instructions
        if (majority_upper and not word.isupper()) or (not majority_upper and not word.islower()):
            expected = word.upper() if majority_upper else word.lower()
            yield Violation(
                f"'{word}' does not match the casing of the other instructions; write {expected}",
                instruction,
                line=instruction.line,
                column=instruction.segments[0][2],
            )
    for stage in ctx.stages:
        instruction = stage.from_instruction
        words = instruction.value.split()
        if len(words) >= 3 and words[1].lower() == "as":
            keyword, as_word = instruction.written_keyword, words[1]
            if (keyword.isupper() and not as_word.isupper()) or (keyword.islower() and not as_word.islower()):
                yield Violation(
                    f"'{as_word}' does not match the casing of '{keyword}'; write {keyword} ... "
                    f"{'AS' if keyword.isupper() else 'as'} {words[2]}",
                    instruction,
                    offset=instruction.value.find(as_word, len(words[0])),
                )


# --- RUN scripts -------------------------------------------------------------------------------------

# Commands whose failure matters when their output is piped on: downloads and builds.
_PRODUCERS_THAT_MATTER = FETCHERS | frozenset(
    {"make", "cmake", "ninja", "mvn", "mvnw", "gradle", "gradlew", "npm", "yarn", "pnpm", "pip", "pip3", "go",
     "cargo", "dotnet", "ant", "sbt", "bazel", "configure", "git", "aws", "gsutil", "az", "gcloud"}
)  # fmt: skip
# Consumers that fail on empty or truncated input, so a failed producer still fails the pipe.
_CHECKS_ITS_INPUT = frozenset(
    {"tar", "bsdtar", "gunzip", "zcat", "unxz", "xzcat", "bunzip2", "bzcat", "unzstd", "zstdcat", "gpg", "gpg2",
     "gpgv", "apt-key", "dpkg", "rpm", "unzip", "cpio", "busybox"}
)  # fmt: skip
_DECOMPRESSORS = frozenset({"gzip", "xz", "bzip2", "zstd", "lz4", "lzma"})
_CHECKSUMS = frozenset({"sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "md5sum", "shasum", "b2sum"})


def _consumer_checks_input(command: Command) -> bool:
    name = command.name
    if name in _CHECKS_ITS_INPUT:
        return True
    if name in _DECOMPRESSORS:
        return command.has_option("-d", "--decompress")
    if name in _CHECKSUMS:
        return command.has_option("-c", "--check")
    if name in ("grep", "egrep", "fgrep"):
        return not command.has_option("-v", "--invert-match", "-c", "--count")
    if name.startswith("python") and not reads_program_from_stdin(command):
        return True  # python -c 'json.load(sys.stdin)' fails on empty input
    return False


def _producer_matters(command: Command) -> bool:
    first = command.words[0].value if command.words else ""
    return command.name in _PRODUCERS_THAT_MATTER or first.startswith("./") or first.endswith(".sh")


def _pipefail_on(ctx: LintContext, run: RunScript, position: int) -> bool:
    """``set -o pipefail`` earlier in the script, or a SHELL with ``-o pipefail``."""
    if "pipefail" in run.script.sets:
        return True
    for command in run.script.commands:
        if command.start >= position:
            break
        if command.name == "set" and "pipefail" in command.args:
            return True
    stage = ctx.stage_of(run.instruction)
    shell = ctx.shell_in_force(stage, run.instruction) if stage is not None else None
    return bool(shell) and "pipefail" in shell


@rule(code="IL8016", name="pipe-without-pipefail", family="correctness", severity="warning", hadolint=("DL4006",))
def pipe_without_pipefail(ctx: LintContext) -> Iterator[Violation]:
    """A download or build is piped into a command that succeeds on empty input, and nothing sets `pipefail`: its failure is ignored.

    ## Why
    `/bin/sh -c` reports only the last command of a pipe. When `curl` fails in
    `curl -fsSL $URL | sh` or `VERSION=$(curl ... | jq -r .tag)`, `sh` runs an empty script and
    `jq` prints nothing, both successfully: the build goes on with nothing installed or an empty
    version. Pipes into commands that reject empty or truncated input (`tar`, `gpg`, `apt-key`,
    `sha256sum -c`, `grep`) do fail, and are not reported; nor are pipes from commands that cannot
    meaningfully fail (`echo`, `printf`).

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN VERSION="$(wget -qO- https://api.example.com/latest | jq -r .tag)" && echo "$VERSION" > /VERSION
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN set -o pipefail && wget -qO- https://api.example.com/latest | jq -r .tag > /VERSION
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin \\
        && curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg \\
        && echo "deb [signed-by=/usr/share/keyrings/example.gpg] https://example.com stable main" | tee /tmp/example.list
    ```

    ## Fix
    Start the RUN with `set -o pipefail &&` (bash, busybox ash) or, on Debian/Ubuntu where `/bin/sh`
    is dash, set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before it.
    """
    for run in ctx.run_scripts:
        stage = ctx.stage_of(run.instruction)
        if stage is not None and ctx.is_windows(stage):
            continue
        for pipeline in run.script.pipelines():
            if len(pipeline) < 2 or _consumer_checks_input(pipeline[-1]):
                continue
            producer = next((c for c in pipeline[:-1] if _producer_matters(c)), None)
            if producer is None or _pipefail_on(ctx, run, producer.start):
                continue
            consumer = pipeline[-1].name or "the last command"
            line, column = run.position(producer.start)
            yield Violation(
                f"if {producer.name} fails, the pipe into {consumer} still succeeds because /bin/sh checks only the "
                "last command; add 'set -o pipefail &&' or SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]",
                run.instruction,
                line=line,
                column=column,
            )


_SCRATCH_DIRS = re.compile(r"^(?:/tmp|/var/tmp|/dev/shm|/root|~|\$HOME|\$\{HOME\}|-)(?:/|$)")


def _mount_targets(instruction: Instruction) -> set[str]:
    return {mount.target.rstrip("/") for mount in instruction.mounts() if mount.target}


@rule(code="IL8017", name="cd-instead-of-workdir", family="correctness", severity="info", hadolint=("DL3003",))
def cd_instead_of_workdir(ctx: LintContext) -> Iterator[Violation]:
    """A RUN starts by `cd`-ing into a directory for the whole script (or only `cd`s): WORKDIR says that better.

    ## Why
    Every RUN starts in the WORKDIR again, so `RUN cd /app` alone does nothing for the next
    instruction, and `RUN cd /app && npm ci` repeats a directory that WORKDIR would set once for
    RUN, COPY, CMD and the running container. Scripts that move around (several `cd`s, `cd` into
    a just-unpacked source tree, `cd /tmp`) are left alone: there WORKDIR would not do.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    COPY . /srv/app
    RUN cd /srv/app && npm ci --omit=dev
    ```
    ```dockerfile
    FROM node:22-slim
    RUN cd /srv/app
    RUN npm ci --omit=dev
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /srv/app
    COPY . .
    RUN npm ci --omit=dev
    RUN curl -fsSL https://example.com/src.tgz | tar -xz && cd src-1.2 && ./configure && make install
    RUN cd /tmp && curl -fsSLO https://example.com/tool.deb && dpkg -i tool.deb && rm tool.deb
    ```

    ## Fix
    Replace the `cd` with `WORKDIR <dir>` before the RUN.
    """
    for run in ctx.run_scripts:
        top = [c for c in run.script.commands if c.depth == 0 and not c.subshell]
        if not top or top[0].name != "cd" or top[0].wrappers:
            continue
        stage = ctx.stage_of(run.instruction)
        if stage is not None and ctx.is_windows(stage):
            continue
        cd = top[0]
        targets = [a for a in cd.args if a not in ("-P", "-L", "-e", "-@")]
        if len(targets) != 1 or _SCRATCH_DIRS.match(targets[0]) or "$(" in targets[0] or "`" in targets[0]:
            continue
        if targets[0].rstrip("/") in _mount_targets(run.instruction):
            continue  # a cache or bind mount exists only during this RUN; WORKDIR cannot point there
        if any(c.name == "cd" for c in top[1:]):
            continue  # a script that moves around
        target = targets[0]
        if len(top) == 1:
            message = f"'RUN cd {target}' has no effect: the next instruction starts in the WORKDIR again; use WORKDIR {target}"
        else:
            message = f"the RUN starts with 'cd {target}'; set WORKDIR {target} before it so every later instruction runs there"
        line, column = run.position(cd.start)
        yield Violation(message, run.instruction, line=line, column=column, fix=f"WORKDIR {target}")


@rule(code="IL8018", name="useradd-high-uid-without-no-log-init", family="correctness", severity="warning", hadolint=("DL3046",))
def useradd_high_uid_without_no_log_init(ctx: LintContext) -> Iterator[Violation]:
    """`useradd` with a large UID and without `--no-log-init` (`-l`): the image grows by gigabytes.

    ## Why
    `useradd` reserves a record for the UID in the sparse files `/var/log/lastlog` and
    `/var/log/faillog`. Image layers do not keep files sparse, so UID 1000000 stores a
    ~300 MB file of zeros. UIDs from 100000 up are reported (as hadolint does).

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN useradd --uid 1000000 --create-home app
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    ARG APP_UID=10001
    RUN useradd --no-log-init --uid 1000000 --create-home app \\
        && useradd --uid "$APP_UID" worker
    ```

    ## Fix
    Add `--no-log-init` (`-l`) to the useradd.
    """
    for run in ctx.run_scripts:
        for command in run.commands("useradd"):
            if command.has_option("-l", "--no-log-init"):
                continue
            uid = command.option_value("-u", "--uid", value_options=_USERADD_VALUE_OPTIONS)
            if uid and "$" in uid and run.instruction.scope is not None:
                expansion = expand(uid.strip("\"'"), run.instruction.scope)
                uid = None if expansion.undefined else expansion.text
            if uid and uid.isdigit() and int(uid) >= 100000:
                line, column = run.position(command.start)
                yield Violation(
                    f"useradd with UID {uid} and without --no-log-init writes a huge sparse lastlog into the layer; "
                    "add --no-log-init",
                    run.instruction,
                    line=line,
                    column=column,
                )


_USERADD_VALUE_OPTIONS = frozenset(
    "-u --uid -g --gid -G --groups -d --home-dir -s --shell -c --comment -e --expiredate -f --inactive -k "
    "--skel -K --key -p --password -R --root -P --prefix -b --base-dir -Z --selinux-user".split()
)


@rule(code="IL8019", name="empty-continuation-line", family="correctness", severity="warning", buildkit=("NoEmptyContinuation",))
def empty_continuation_line(ctx: LintContext) -> Iterator[Violation]:
    """An empty line inside a `\\`-continued instruction: the builder skips it today and will reject it, and it can swallow the next instruction.

    ## Why
    After a line ending in `\\`, an empty line does not end the instruction: the builder skips it
    and keeps joining lines. A stray `\\` before a blank line therefore glues the next
    instruction into this one (`apt-get install -y curl RUN echo done` installs a package named
    RUN). BuildKit warns that empty continuation lines will become an error.

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update \\

        && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update \\
        # comment lines inside a continuation are fine
        && apt-get install -y --no-install-recommends curl
    RUN <<EOF
    echo "heredoc bodies may contain empty lines"

    echo done
    EOF
    ```

    ## Fix
    Delete the empty line, or the trailing `\\` before it if the instruction was meant to end there.
    """
    lines = ctx.dockerfile.lines
    for instruction in ctx.instructions:
        if instruction.end_line <= instruction.line:
            continue
        # Only empty lines followed by more of the instruction count (not trailing ones at the end of
        # the file); heredoc bodies come after the last continued line and may hold empty lines.
        last_content = instruction.segments[-1][1]
        empty: list[int] = []
        swallowed: tuple[int, str] | None = None
        for number in range(instruction.line + 1, last_content + 1):
            text = lines[number - 1] if number - 1 < len(lines) else ""
            if not text.strip():
                empty.append(number)
            elif empty and swallowed is None:
                word = text.split()[0]
                if word.upper() in KNOWN_INSTRUCTIONS and word.upper() == word:
                    swallowed = (number, word)
        if not empty:
            continue
        if swallowed is not None:
            message = (
                f"the empty continuation line {empty[0]} does not end the {instruction.keyword}: the {swallowed[1]} at line "
                f"{swallowed[0]} becomes part of it; remove the trailing '\\' before the empty line"
            )
        else:
            message = f"empty continuation line inside the {instruction.keyword}; remove it (BuildKit will reject it)"
        yield Violation(message, instruction, line=empty[0], column=1)
