"""IL2003 cleanup-in-later-layer."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.edits import (
    append_to_command_line,
    changes_shell_state,
    editable_run,
    plain_list,
    remove_commands,
    remove_instruction,
)
from imagelint.fixes import Fix
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import pip_command
from imagelint.knowledge.steps import (
    Located,
    Sequence,
    Step,
    cache_mount_targets,
    is_under,
    run_commands,
    size_rule_stages,
    strip_glob,
    walk,
)
from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.layer_merging.shared import (
    CREATORS,
    GO_CACHES,
    SIZE_OPTIONS,
    covers,
    created_paths,
    instruction_text,
    movable_text,
    only_plumbing,
    rm_targets,
)


class Created(Record):
    __slots__ = ("path", "what", "step", "located")

    def __init__(
        self,
        path: str,
        what: str,  # "the apt-get update", "the curl download"
        step: Step,
        located: Located,
    ) -> None:
        self.path = path
        self.what = what
        self.step = step
        self.located = located


def _cleaning(manager: pm.PackageManager, subcommands: tuple[str, ...], caches: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(command, sub): caches for command in manager.commands for sub in subcommands}


# (program, subcommand) -> the caches it empties. ``apt-get clean`` is not one: it empties
# /var/cache/apt, which the base images' docker-clean hook keeps empty anyway.
_CLEAN_COMMANDS = {
    **_cleaning(pm.APK, ("cache",), pm.APK.cache_dirs[:1]),
    **{(command, "clean"): pm.RPM_CACHES for command in sorted(pm.RPM_FRONTENDS)},
    **_cleaning(pm.ZYPPER, ("clean", "cc"), pm.ZYPPER.cache_dirs),
    **_cleaning(pm.NPM, ("cache",), pm.NPM.cache_dirs),
    **_cleaning(pm.YARN, ("cache",), pm.YARN.cache_dirs),
    ("go", "clean"): GO_CACHES,
}


_CLEANERS = frozenset(name for name, _ in _CLEAN_COMMANDS)
# Programs that may create or clean up what the rule follows (pip and python aside: pm.may_run_pip);
# the rule asks nothing of any other command.
_FOLLOWED = CREATORS | _CLEANERS | {"rm"}


def _cleaned_paths(located: Located, step: Step) -> list[str]:
    """Paths (globs kept) a cleanup command empties."""
    name = located.name
    if name == "rm":
        return rm_targets(located, step)
    if pm.may_run_pip(name):
        pip = pip_command(located.command)
        return list(pm.PIP.cache_dirs) if pip is not None and pip.subcommand() == "cache" else []
    if name not in _CLEANERS:
        return []
    return list(_CLEAN_COMMANDS.get((name, located.sub), ()))


_HOME_DIRECTORY = LazyPattern(r"^/home/[^/]+(?=/|$)")


def _home(path: str) -> str:
    """Caches under any home directory compare equal: ``/home/app/.npm`` is ``/root/.npm``."""
    return _HOME_DIRECTORY.sub("/root", path) if path.startswith("/home/") else path


@rule(
    code="IL2003",
    name="cleanup-in-later-layer",
    family="layer-merging",
    severity="warning",
    options=SIZE_OPTIONS,
    fixes=("unsafe",),
    instructions=("RUN",),
    # What created_paths follows: a cleanup finding needs a path one of them made.
    mentions=tuple(sorted(CREATORS | {pm.PIP.name})),
)
def cleanup_in_later_layer(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN deletes caches or downloads that an earlier RUN created: the bytes stay in that layer.

    ## Why
    A layer stores what its RUN wrote. `rm -rf /var/lib/apt/lists/*`, `yum clean all`,
    `npm cache clean` or `rm /tmp/app.tar.gz` in a *later* RUN only hides the files: the earlier
    layer still holds them and the image is just as big (plus a layer of whiteouts). Cleanup only
    saves space in the RUN that created the files. A lone `apt-get update` RUN is reported here
    too when a later RUN removes its lists, besides IL1002's finding about its stale index: both
    are true, and fixing one does not fix the other.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    RUN rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v22.9.0/node-v22.9.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
    RUN rm /tmp/node.tar.xz
    ```
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask
    RUN pip cache purge
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update \\
        && apt-get install -y --no-install-recommends curl
    RUN rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM python:3.12-slim
    ENV PIP_NO_CACHE_DIR=1
    RUN pip install flask
    RUN rm -rf /root/.cache
    ```
    ```dockerfile
    FROM debian:12-slim AS build
    RUN apt-get update && apt-get install -y --no-install-recommends build-essential
    RUN rm -rf /var/lib/apt/lists/*

    FROM debian:12-slim
    COPY --from=build /usr/bin/make /usr/bin/make
    ```

    ## Fix
    Delete the files at the end of the RUN that created them (`&& rm -rf ...`), or keep them out of
    the layer with `RUN --mount=type=cache,target=...`.

    `imagelint fix --unsafe` moves the cleanup command there: it appends `&& <cleanup>` to the RUN
    that created the files (in that RUN's continuation style) and deletes it from the later RUN,
    with its `&&`/`;`, or deletes the later RUN when the cleanup (and `set` options) was all it
    did. It leaves the advice instead when the cleanup also removes files another step made, uses
    a variable or a relative path, when the creating RUN exports variables (`export`, `source`)
    that could point it elsewhere, when a USER or SHELL, a COPY into the cleaned directories or a
    RUN that names them or uses the same program comes between, when a command before it in its
    RUN may use the files, or when either RUN is not a plain `&&`/`;` list (compound commands,
    heredocs, comments at the end).

    ## Fix safety
    The files are gone from the moment the creating RUN ends, not from the later RUN on: a step in
    between (or a command earlier in the later RUN) that still reads them, without naming them
    the way the fix checks, no longer finds them.
    """
    for sequence, index, step, state in walk(ctx, _Created, size_rule_stages(ctx, rule)):
        if step.keyword != "RUN":
            continue
        created = state.created
        kept_out: list[str] | None = None  # the step's cache mounts, looked up once a command creates something
        for located in run_commands(ctx, step):
            if located.name not in _FOLLOWED and not pm.may_run_pip(located.name):
                continue
            # Nothing created yet (the first RUNs): no need to ask what a command cleans up.
            cleaned = _cleaned_paths(located, step) if created else ()
            if cleaned:  # most commands clean nothing: the lists below are made for the few that do
                removed = [
                    created.pop(path) for home in map(_home, cleaned) for path in [p for p in created if covers(home, p)]
                ]
                earlier = [origin for origin in removed if origin.step is not step]
                if earlier and index >= sequence.own:
                    origin = earlier[0]
                    yield located.script.violation(
                        f"{_describe_cleanup(located)} removes {origin.path}, which the {origin.what} in the RUN at "
                        f"line {origin.step.instruction.line} created: the files stay in that layer; clean up in that RUN",
                        located.command,
                        fix=_move_cleanup(ctx, sequence, index, located, removed),
                    )
            for path, what in created_paths(located, step):
                path = _home(path)
                if kept_out is None:
                    kept_out = [_home(target) for target in cache_mount_targets(step)]
                if any(is_under(path, target) for target in kept_out):
                    continue
                created[path] = Created(path, what, step, located)


class _Created:
    """Paths the RUNs so far created and no RUN has removed yet."""

    def __init__(self, created: dict[str, Created] | None = None) -> None:
        self.created = created or {}

    def fork(self) -> _Created:
        return _Created(dict(self.created))


def _describe_cleanup(located: Located) -> str:
    return located.name if located.name == "rm" else f"{located.name} {located.sub or ''}".strip()


def _move_cleanup(ctx: LintContext, sequence: Sequence, index: int, located: Located, removed: list[Created]) -> Fix | None:
    """The cleanup appended to the RUN that created the files and taken out of its own RUN; None
    (the message says what to do) when that is not surely the same cleanup."""
    origin = removed[0]
    step, first = sequence.steps[index], origin.step
    if any(r.step is not first for r in removed) or first.stage is not step.stage:
        return None  # it also cleans up after another RUN (or after this one)
    if not (editable_run(ctx, first) and editable_run(ctx, step)):
        return None
    text = movable_text(located, ctx.dockerfile.escape)
    cleaned = _cleaned_paths(located, step)
    if text is None or not cleaned or not all(any(covers(_home(c), r.path) for r in removed) for c in cleaned):
        return None  # nothing to go by, or it removes more than that RUN made
    if located.name == "rm" and not all(a.startswith("/") for a in located.command.positionals(())):
        return None
    later, creating = plain_list(located.script), plain_list(origin.located.script)
    if later is None or creating is None or not any(c is located.command for c in later):
        return None
    if changes_shell_state([c for c in creating if c.name != "cd"]):
        return None  # an ``export`` there (``PIP_CACHE_DIR``, ``HOME``) could point the cleanup elsewhere
    directories = sorted({strip_glob(c) for c in cleaned} | {strip_glob(_home(c)) for c in cleaned})
    family = pm.family_of(origin.located.name) or origin.located.name
    between = sequence.steps[sequence.steps.index(first) + 1 : index]
    before = [c for c in run_commands(ctx, step) if c.command.start < located.command.start]
    if any(not _leaves_alone(ctx, s, directories, family) for s in between) or any(
        _uses(c, directories, family) for c in before
    ):
        return None
    position = next(i for i, c in enumerate(later) if c is located.command)
    if only_plumbing(later, located.command):
        removal = remove_instruction(ctx.dockerfile, step.instruction)
    else:
        removal = remove_commands(ctx.dockerfile, located.script, later, position, position)
    if removal is None:
        return None
    append = append_to_command_line(ctx.dockerfile, first.instruction, text)
    return Fix(f"move {_describe_cleanup(located)} into the RUN at line {first.instruction.line}", "unsafe", (append, removal))


def _leaves_alone(ctx: LintContext, step: Step, directories: list[str], family: str) -> bool:
    """Whether a step between the two RUNs neither needs nor adds files in the cleaned directories."""
    if step.keyword in ("USER", "SHELL"):
        return False
    copy = step.copy
    if copy is not None:
        return copy.destination is not None and not any(
            is_under(copy.destination, d) or is_under(d, copy.destination) for d in directories
        )
    if step.keyword != "RUN":
        return True
    if any(is_under(step.workdir, d) for d in directories) or any(d in instruction_text(step.instruction) for d in directories):
        return False
    return not any(_uses(c, directories, family) for c in run_commands(ctx, step))


def _uses(located: Located, directories: list[str], family: str) -> bool:
    """Whether a command names a cleaned directory or runs the program (family) that made the files."""
    if (pm.family_of(located.name) or located.name) == family:
        return True
    return any(d in w.value for w in located.command.raw_words or located.command.words for d in directories)
