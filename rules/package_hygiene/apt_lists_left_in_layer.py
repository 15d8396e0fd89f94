"""IL6003 apt-lists-left-in-layer."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.fixes import Fix
from imagelint.knowledge.package_managers import APT_FRONTENDS, APT_GET, family_commands, index_use
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import LaterRuns, append_to_run
from imagelint.shell import Command

# The apt tools that refresh and install from the lists: apt-get, apt and aptitude.
_APT_TOOLS = tuple(sorted(APT_FRONTENDS))
# Every program that reads the lists (apt-get, apt, aptitude): a later install by any of them needs them.
_APT_FAMILY = tuple(sorted(family_commands(APT_GET.family)))


def _needs_lists_later(ctx: LintContext, run: Run) -> bool:
    """Whether a later RUN of this stage, of a stage built FROM it, or an ONBUILD trigger there
    installs from the package lists without refreshing them first in its own RUN."""
    return ctx.fact(_runs_needing_lists).after(run)


def _runs_needing_lists(ctx: LintContext) -> LaterRuns:
    return LaterRuns(ctx, _installs_from_old_lists)


def _installs_from_old_lists(run: Run) -> bool:
    """Whether the RUN installs from the package lists before it refreshes them (if it does)."""
    for _, command in run.commands(*_APT_FAMILY):
        use = index_use(command.name, subcommand(command))
        if use is not None and use[1] == "update":
            return False
        if use is not None and use[1] == "install":
            return True
    return False


def _remove_lists(ctx: LintContext, run: Run, script: RunScript, command: Command) -> Fix | None:
    """`` && rm -rf /var/lib/apt/lists/*`` at the end of the RUN."""
    if _needs_lists_later(ctx, run):
        return None  # removing them would fail that later install: only the advice is shown
    edit = append_to_run(ctx, run, script, command, f"rm -rf {APT_GET.cache_dirs[0]}/*")
    if edit is None:
        return None
    return Fix(f"end the RUN with rm -rf {APT_GET.cache_dirs[0]}/*", "safe", (edit,))


@rule(
    code="IL6003",
    name="apt-lists-left-in-layer",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3009",),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=_APT_TOOLS,
)
def apt_lists_left_in_layer(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get update` in a RUN that does not remove `/var/lib/apt/lists`: the index ships.

    ## Why
    `apt-get update` downloads the package index (tens of MB) into `/var/lib/apt/lists`. Removing it
    in a later RUN does not help: the layer that wrote it is already in the image. Remove it at the
    end of the same RUN, or, with BuildKit, mount a cache on `/var/lib/apt` (which also makes
    rebuilds faster). Only stages whose layers ship are checked.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:12-slim
    RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \\
        --mount=type=cache,target=/var/cache/apt,sharing=locked \\
        apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl
    ```
    ```dockerfile
    FROM debian:12 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc
    FROM gcr.io/distroless/base-debian12
    COPY --from=build /out /out
    ```

    ## Fix
    End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use
    `RUN --mount=type=cache,target=/var/lib/apt,sharing=locked`.
    `imagelint fix` appends `&& rm -rf /var/lib/apt/lists/*` to the RUN, in the RUN's own
    continuation style, or as the last line of a heredoc script (after `set -e`, else joined to
    its last line with `&&`). It only shows the advice when the removal would not run last or
    not as root: an ONBUILD trigger, `sudo apt-get update`, a trailing `;`, `&` or comment, a
    RUN of several scripts.

    No fix is offered when a later RUN of the stage (or of a stage built FROM it, or an ONBUILD
    trigger) installs with apt without its own `apt-get update`: it relies on the lists this RUN
    leaves and would fail without them. Add `apt-get update &&` to that RUN first. Otherwise the
    fix is safe: the image only loses the package index.
    """
    for run in runs(ctx, shipped_only=True):
        apt = [(s, c) for s, c in run.commands(*_APT_TOOLS) if subcommand(c) in ("update", "dist-clean", "distclean")]
        updates = [(s, c) for s, c in apt if subcommand(c) == "update"]
        if not updates or len(updates) != len(apt):  # `apt-get dist-clean` (apt >= 2.7) removes the lists
            continue
        if run.keeps_out(*APT_GET.cache_dirs):
            continue
        script, command = updates[0]
        yield script.violation(
            f"{command.name} update leaves the package lists in this layer; end the RUN with "
            "'rm -rf /var/lib/apt/lists/*' or use RUN --mount=type=cache,target=/var/lib/apt",
            command,
            fix=_remove_lists(ctx, run, script, command),
        )
