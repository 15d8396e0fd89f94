"""IL1002 package-index-update-alone."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import (
    changes_shell_state,
    command_source,
    connector_between,
    editable_run,
    insert_in_value,
    plain_list,
    remove_commands,
    remove_instruction,
)
from imagelint.fixes import Fix
from imagelint.knowledge.package_managers import family_of, index_use
from imagelint.knowledge.steps import INERT_INSTRUCTIONS, Located, Sequence, run_commands, sequences
from imagelint.rule import Rule, Violation, rule


@rule(
    code="IL1002",
    name="package-index-update-alone",
    family="cache-order",
    severity="warning",
    checkov=("CKV_DOCKER_5",),
    fixes=("safe", "unsafe"),
)
def package_index_update_alone(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get update` (or `apk update`, `yum makecache`) in a RUN without the install.

    ## Why
    The layer holding the package index is cached on its own. Later, when you add a package to the
    install line, Docker reuses the weeks-old index and the install fails with 404s or installs
    stale versions: the classic "stale apt cache" bug. Only reported when a later RUN installs
    from that index without updating it again.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update
    RUN apk add curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add --no-cache curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Run the index update and the install in the same RUN, joined with `&&`.

    `imagelint fix` moves the update: the install RUN starts with `<update> && `, and the lone RUN
    is deleted (or, when it does more, loses the update and its `&&`/`;`). The fix is safe when
    only the layer split changes: the lone RUN held just the update, nothing but LABEL, EXPOSE,
    CMD, ENTRYPOINT, HEALTHCHECK or STOPSIGNAL lies between the two RUNs, and the install RUN's
    commands are joined by `&&`; the same commands then run in the same order, environment and
    failure behaviour, and the image holds the same files. Otherwise it is unsafe. It leaves the
    advice when the RUNs are in different stages (a parent stage's update serves its children),
    a USER or SHELL, or a RUN using the same package manager, comes between, the update uses a
    variable or follows a `cd` or `export` in its RUN (an `http_proxy`), or either RUN is not a
    plain list of commands (heredocs, compound commands).

    ## Fix safety
    With other instructions between the two RUNs the update now runs after them: a COPY of a
    sources list, an ENV (a proxy) or a RUN adding a repository changes what the update fetches,
    and so what the install finds. With `;` or `||` in the install RUN, a failing update no longer
    stops the build by itself. Commands left in the lone RUN after the update run without it.
    """
    reported: set[int] = set()
    for sequence in sequences(ctx):
        lone_updates: dict[str, tuple[Located, int]] = {}  # index -> its update in a RUN that installs nothing
        for index, step in enumerate(sequence.steps):
            if step.keyword != "RUN":
                continue
            verbs = [(v, located) for located in run_commands(ctx, step) if (v := index_use(located.name, located.sub))]
            for (tool, verb), located in verbs:
                if verb == "install" and tool in lone_updates:
                    update, lone = lone_updates.pop(tool)
                    updated_here = any(v == (tool, "update") and o.command.start < located.command.start for v, o in verbs)
                    if index >= sequence.own and not updated_here and id(update.command) not in reported:
                        reported.add(id(update.command))
                        yield update.script.violation(
                            f"'{update.command.name} {update.command.subcommand()}' runs in its own layer but the "
                            f"install is in the RUN at line {step.instruction.line}: the cached index goes stale; "
                            f"update and install in one RUN",
                            update.command,
                            fix=_move_update(ctx, sequence, lone, update, index),
                        )
            tools_installing = {tool for (tool, verb), _ in verbs if verb == "install"}
            for (tool, verb), located in verbs:
                if verb == "update" and tool not in tools_installing:
                    lone_updates[tool] = (located, index)


def _move_update(ctx: LintContext, sequence: Sequence, lone: int, update: Located, install: int) -> Fix | None:
    """The update moved to the front of the install RUN; None (advice) when that is not exact."""
    source, target = sequence.steps[lone], sequence.steps[install]
    if source.stage is not target.stage or not (editable_run(ctx, source) and editable_run(ctx, target)):
        return None
    text = command_source(update.script, update.command)
    if text is None or update.command.depth or any(ch in text for ch in "$`") or text.rstrip().endswith(ctx.dockerfile.escape):
        return None
    scripts = ctx.scripts_of(source.instruction), ctx.scripts_of(target.instruction)
    if any(len(found) != 1 for found in scripts):
        return None
    alone, installing = plain_list(scripts[0][0]), plain_list(scripts[1][0])
    if alone is None or installing is None or not any(c is update.command for c in alone):
        return None
    family = family_of(update.name)
    position = next(i for i, c in enumerate(alone) if c is update.command)
    if any(family_of(c.name) == family for c in alone[position + 1 :]):
        return None  # the lone RUN still uses the index after the update
    if changes_shell_state(alone[:position]):
        return None  # an ``export http_proxy=...`` or a ``cd`` there sets up the update
    between = sequence.steps[lone + 1 : install]
    if any(s.keyword in ("USER", "SHELL") for s in between) or any(
        family_of(c.name) == family for s in between if s.keyword == "RUN" for c in run_commands(ctx, s)
    ):
        return None
    only_update = all(c is update.command or c.name == "set" for c in alone)
    removal = (
        remove_instruction(ctx.dockerfile, source.instruction)
        if only_update
        else remove_commands(ctx.dockerfile, scripts[0][0], alone, position, position)
    )
    if removal is None:
        return None
    joints = {connector_between(scripts[1][0], a, b) for a, b in zip(installing, installing[1:])}
    safe = only_update and all(s.keyword in INERT_INSTRUCTIONS for s in between) and joints <= {"&&", "|", "|&"}
    prefix = insert_in_value(target.instruction, 0, f"{text} && ")
    return Fix(
        f"run {update.name} {update.sub} in the RUN at line {target.instruction.line}",
        "safe" if safe else "unsafe",
        (prefix, removal),
    )

