"""IL2006 package-removed-in-later-layer."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.installs import installed_names, package_removal
from imagelint.knowledge.package_managers import MANAGERS, manager as manager_of, may_run_pip
from imagelint.knowledge.steps import Step, run_commands, size_rule_stages, walk
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import SIZE_OPTIONS

# Programs whose removals package_removal follows (``python -m pip uninstall`` names pip too).
_REMOVERS = tuple(sorted(command for m in MANAGERS if m.removes for command in m.commands))
_REMOVING = frozenset(_REMOVERS)


@rule(
    code="IL2006",
    name="package-removed-in-later-layer",
    family="layer-merging",
    severity="warning",
    options=SIZE_OPTIONS,
    instructions=("RUN",),
    mentions=_REMOVERS,
)
def package_removed_in_later_layer(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Packages are purged in a later RUN than the one that installed them: nothing is saved.

    ## Why
    Build dependencies (compilers, `-dev` headers) installed in one RUN and removed in another
    stay in the image: the first layer stores them and the second only hides them. Install,
    use and remove them in a single RUN (as the official images do with `apk add --virtual
    .build-deps ... && apk del .build-deps`), or build in a separate stage.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev
    RUN make -C /src && make -C /src install
    RUN apt-get purge -y gcc libc6-dev && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev
    RUN pip install --no-cache-dir psycopg2
    RUN apk del .build-deps
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\
        && pip install --no-cache-dir psycopg2 \\
        && apk del .build-deps
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    RUN apt-get purge -y --auto-remove wget
    ```

    ## Fix
    Move the removal into the RUN that installs the packages (after the commands that need them),
    or install them in a builder stage and copy only the result.
    """
    if not _removes_packages(ctx):
        return  # only a removal is reported: without one, the installs need not be followed
    for sequence, index, step, state in walk(ctx, _Installed, size_rule_stages(ctx, rule)):
        if step.keyword != "RUN":
            continue
        installed = state.installed
        here: dict[tuple[str, str], Step] = {}
        for located in run_commands(ctx, step):
            if manager_of(located.name) is None and not may_run_pip(located.name):
                continue  # most commands: neither an install nor a removal, no need to ask both
            removal = package_removal(located.command, located.name)
            if removal is not None:
                manager, names = removal
                earlier = [(n, installed.pop((manager, n))) for n in names if (manager, n) in installed]
                for name in names:
                    here.pop((manager, name), None)
                if earlier and index >= sequence.own:
                    shown = ", ".join(n for n, _ in earlier[:3]) + (f" and {len(earlier) - 3} more" if len(earlier) > 3 else "")
                    yield located.script.violation(
                        f"{located.name} {located.sub} of {shown} in a later layer than the RUN at "
                        f"line {earlier[0][1].instruction.line} that installed it saves no space; install, use and "
                        f"remove in one RUN",
                        located.command,
                    )
                continue
            found = installed_names(located.command, located.name)
            if found is not None:
                manager, names = found
                for name in names:
                    here[(manager, name)] = step
        installed.update(here)


def _removes_packages(ctx: LintContext) -> bool:
    """Whether any RUN removes packages it names (the walk's commands are those of these scripts);
    only the commands that may (by name) are asked in full."""
    return any(
        (command.name in _REMOVING or may_run_pip(command.name)) and package_removal(command) is not None
        for script in ctx.run_scripts
        for command in script.commands()
    )


class _Installed:
    """(manager, package) -> the RUN that installed it, for the packages not removed since."""

    def __init__(self, installed: dict[tuple[str, str], Step] | None = None) -> None:
        self.installed = installed or {}

    def fork(self) -> _Installed:
        return _Installed(dict(self.installed))
