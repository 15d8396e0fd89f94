"""IL7014 final-user-not-numeric."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.edits import replace_value
from imagelint.fixes import Fix
from imagelint.knowledge.base_images import known_uid, repository_with_registry
from imagelint.knowledge.runs import WHOLE_VARIABLE, Run, runs
from imagelint.knowledge.user_accounts import USERADD_VALUE_OPTIONS
from imagelint.rule import Rule, Violation, rule
from imagelint.variables import expand

# Options of Debian's adduser and BusyBox's adduser that take a value (BusyBox's -g is the GECOS
# field, not a group).
_ADDUSER_VALUE_OPTIONS = frozenset(
    "--uid --gid --home --shell --gecos --comment --ingroup --add-extra-groups --firstuid --lastuid "
    "--firstgid --lastgid --conf -h -g -s -G -u -k".split()
)
_ROOT = frozenset({"root", "0"})


@rule(
    code="IL7014",
    name="final-user-not-numeric",
    family="security",
    severity="info",
    hadolint=("DL3066",),
    fixes=("safe", "unsafe"),
    instructions=("USER",),
)
def final_user_not_numeric(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """The image runs as a user named by name (`USER app`) rather than by numeric UID.

    ## Why
    Kubernetes' `runAsNonRoot: true` (required by the "restricted" Pod Security Standard) has to
    prove the container does not run as root before starting it. From the image it only reads the
    `USER` setting: with `USER app` it cannot tell whether `app` is UID 0 and refuses to start the
    pod ("image has non-numeric user, cannot verify user is non-root"). `USER 10001` (a group may
    follow as a name, `10001:app`) passes. Only the user the shipped image runs as matters: a
    builder stage's USER, or one that a later USER replaces, is not reported (hadolint reports every
    USER). `USER root` is IL7001's finding, and Windows images, whose users only have names, are
    not checked.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN useradd --uid 10001 --create-home app
    USER app
    ```
    ```dockerfile
    FROM nginx:1.27
    USER nginx:nginx
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN useradd --uid 10001 --create-home app
    USER 10001:app
    ```
    ```dockerfile
    FROM debian:12-slim AS build
    USER builder
    FROM gcr.io/distroless/static-debian12
    USER 65532
    ```

    ## Fix
    Write the numeric UID. When the Dockerfile itself creates the user with a literal UID
    (`useradd -u 10001 app`, `adduser -D -u 10001 app`) and never changes it, `imagelint fix`
    replaces the name with that number: Docker looks the UID up in the same `/etc/passwd`, so the
    process gets the same home, group and supplementary groups. A UID given as a build argument
    with a numeric value (`ARG UID=10001` then `adduser --uid "${UID}" appuser`, as `docker init`
    writes it) becomes `USER ${UID}`, which follows a `--build-arg UID=...` as the RUN does.
    For a user the base image brings
    (`nginx`, `node`, `www-data`), the message gives its UID where imagelint knows the base image's
    (`node` 1000 in the node images, `nginx` 101, `nonroot` 65532 in distroless and Chainguard
    images, `nobody` 65534, `www-data` 33 in Debian-based images), with an unsafe fix, since only the
    published image says so for sure; otherwise look it up in the image (`id -u nginx`).

    ## Fix safety
    The UID for a user the base image brings comes from what imagelint knows of the published
    image. A mirror or a rebuilt image of the same name may give that user another UID: the
    container would then run as whichever account has this UID (or none). Check with
    `docker run --rm --entrypoint id IMAGE -u USER`, or in the image's /etc/passwd where it has no
    `id` (distroless).
    """
    instruction = _final_user(ctx)
    if instruction is None or ctx.final_stage is None or ctx.is_windows(ctx.final_stage):
        return  # Windows has no UIDs: users are names there (ContainerUser)
    written = instruction.value.strip()
    value = written
    if "$" in written:
        if instruction.scope is None:
            return
        expansion = expand(written, instruction.scope)
        if expansion.undefined or expansion.unset or "$" in expansion.text:
            return
        value = expansion.text
    user, sep, group = value.partition(":")
    if not user or user.isdigit() or user in _ROOT:
        return
    created, uid = _created_uid(ctx, user, instruction)
    base = ctx.final_lineage[-1].base
    inherited = None if created or base.is_scratch else known_uid(base, user)
    image = repository_with_registry(base)  # no tag, no digest
    if uid:
        advice = f"USER {uid}{sep}{group}"
    elif inherited:
        advice = f"USER {inherited}{sep}{group} ({user}'s UID in the {image} image)"
    else:
        advice = "its numeric UID"
    yield Violation(
        f"USER {user} is a name: Kubernetes' runAsNonRoot cannot prove it is not root and refuses to start "
        f"the container; use {advice}",
        instruction,
        fix=_numeric_user(instruction, written, user, uid, inherited and (inherited, image)),
    )


def _final_user(ctx: LintContext) -> Instruction | None:
    """The USER the shipped image runs as: the last one in the final stage or a stage it is built FROM."""
    for stage in ctx.final_lineage:
        users = [i for i in stage.instructions if i.keyword == "USER"]
        if users:
            return users[-1]
    return None


def _created_uid(ctx: LintContext, user: str, at: Instruction) -> tuple[bool, str | None]:
    """Whether the image's own RUNs create or change ``user`` (``useradd``, ``adduser``,
    ``usermod``), and the UID they give it (``-u``, ``--uid``) when it is written as a number, or
    as a build argument (``--uid "${UID}"``) that is a number both there and at the USER ``at``:
    then as written, since ``USER ${UID}`` follows a ``--build-arg UID=...`` as the RUN does."""
    touched = False
    uid: str | None = None
    lineage = {stage.index for stage in ctx.final_lineage}
    for run in runs(ctx):
        if run.instruction.stage not in lineage or run.onbuild:
            continue
        for _, command in run.commands("useradd", "adduser", "usermod"):
            options = USERADD_VALUE_OPTIONS if command.name != "adduser" else _ADDUSER_VALUE_OPTIONS
            names = command.positionals(options)
            login = names[-1] if command.name != "adduser" else (names[0] if names else None)
            if login != user:
                continue
            touched = True
            given = command.option_value("-u", "--uid", value_options=options)
            if given is not None:
                uid = given if given.isdigit() or _same_number(given, run, at) else None
            elif command.name != "usermod":
                uid = None  # created with a UID the system picks
    return touched, uid


def _same_number(word: str, run: Run, at: Instruction) -> bool:
    """``$UID`` or ``${UID}``: a variable with the same numeric value in the RUN and at ``at``."""
    match = WHOLE_VARIABLE.match(word)
    if match is None or run.scope is None or at.scope is None:
        return False
    here, there = expand(word, run.scope), expand(word, at.scope)
    return here.text.isdigit() and here.text == there.text and not (here.undefined or there.undefined)


def _numeric_user(
    instruction: Instruction, written: str, user: str, uid: str | None, inherited: tuple[str, str] | None
) -> Fix | str:
    """The user name replaced by the UID the Dockerfile gave it: safe, Docker finds that UID's
    passwd entry (home, group, supplementary groups) just as it found the name's. With the UID the
    base image is known to give it (``inherited``: the UID and the image): unsafe, as only that
    image's /etc/passwd says so for sure."""
    applicability, description = "safe", f"write USER {uid}"
    if uid is None and inherited is not None:
        uid = inherited[0]
        applicability, description = "unsafe", f"write USER {uid}, {user}'s UID in the {inherited[1]} image"
    if uid is None:
        return "USER <uid>, the user's numeric UID"
    start = instruction.value.find(written)
    if not written.startswith(user) or start < 0:
        return f"USER {uid}{written[len(user):] if written.startswith(user) else ''}"
    return Fix(description, applicability, (replace_value(instruction, start, start + len(user), uid),))
