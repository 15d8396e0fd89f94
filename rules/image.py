"""Rules about a built image (``imagelint analyze``): bytes it ships for nothing, what it runs as,
what it gives away, and the CI budgets. They never run on a Dockerfile alone (``target="image"``);
with ``--dockerfile`` their findings point at the instruction that made the layer."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Violation, rule
from imagelint.units import format_size

if TYPE_CHECKING:
    # Only for annotations: `imagelint lint` loads this module to list the rules, and must not pay
    # for importing the image analysis it never runs.
    from imagelint.image.context import ImageContext

_PACKAGE_CATEGORIES = frozenset(
    {"apt-lists", "apt-cache", "apk-cache", "yum-cache", "zypper-cache", "pip-cache", "npm-cache", "yarn-cache",
     "go-cache"}
)  # fmt: skip
_ROOT_USERS = {"", "root", "0", "root:root", "0:0", "root:0", "0:root"}


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


@rule(code="IL9001", name="hidden-bytes-in-layer", family="image", severity="warning", target="image",
      options={"min-bytes": 1_000_000})  # fmt: skip
def hidden_bytes_in_layer(ctx: ImageContext) -> Iterator[Violation]:
    """A layer ships bytes that a later layer deletes or replaces: they are pulled but never seen.

    ## Why
    Deleting or changing a file in a later layer does not shrink the image: the first layer still
    carries the bytes, every pull downloads them, and the later layer adds a whiteout or a second copy
    (a `chmod`, `chown` or `touch` copies the whole file). Reported per layer that shipped the bytes,
    from `min-bytes` (default 1 MB) up.

    ## Bad
    ```dockerfile
    FROM debian:12
    RUN curl -o /tmp/sdk.tar.gz https://example.com/sdk.tar.gz && tar -xzf /tmp/sdk.tar.gz -C /opt
    RUN rm /tmp/sdk.tar.gz
    ```

    ## Good
    ```dockerfile
    FROM debian:12
    RUN curl -o /tmp/sdk.tar.gz https://example.com/sdk.tar.gz && tar -xzf /tmp/sdk.tar.gz -C /opt \\
        && rm /tmp/sdk.tar.gz
    ```

    ## Fix
    Create and remove temporary files in the same `RUN`; set modes and owners with `COPY --chmod`/
    `--chown` instead of a later `RUN chmod`; or build in one stage and `COPY --from` the result.
    """
    minimum = ctx.option("IL9001", "min-bytes", 1_000_000)
    for row in ctx.analysis.layers:
        if row.index is None or row.wasted_bytes < minimum or not row.wasted_bytes:
            continue
        hider, hidden = max(row.hidden_by.items(), key=lambda item: (item[1], -item[0]))
        others = " (and later layers)" if len(row.hidden_by) > 1 else ""
        by = "itself" if hider == row.index else ctx.describe(hider)
        yield ctx.violation(
            f"{ctx.describe(row)} ships {format_size(row.wasted_bytes)} that are deleted or replaced by {by}{others}; "
            "create and clean up files in the same RUN",
            row,
        )


@rule(code="IL9002", name="package-cache-in-image", family="image", severity="warning", target="image",
      options={"min-bytes": 10_000})  # fmt: skip
def package_cache_in_image(ctx: ImageContext) -> Iterator[Violation]:
    """The image keeps a package manager's lists or download cache (apt, apk, yum/dnf, pip, npm, yarn, Go).

    ## Why
    Package indexes and downloaded archives are only needed while installing. Left in a layer they add
    megabytes to every pull (apt lists alone are often 20-40 MB) and go stale at once. Reported from
    `min-bytes` (default 10 kB) of visible files per folder and layer.

    ## Bad
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Clean up in the same `RUN` that installs (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`,
    `pip install --no-cache-dir`, `dnf clean all`), or use `RUN --mount=type=cache`.
    """
    minimum = ctx.option("IL9002", "min-bytes", 10_000)
    yield from _leftover_findings(ctx, minimum, lambda category: category in _PACKAGE_CATEGORIES)


@rule(code="IL9003", name="build-leftovers-in-image", family="image", severity="info", target="image",
      options={"min-bytes": 10_000})  # fmt: skip
def build_leftovers_in_image(ctx: ImageContext) -> Iterator[Violation]:
    """The image keeps build debris: `.git` folders, `__pycache__` folders, files in `/tmp`.

    ## Why
    A `.git` folder ships the project's whole history (and sometimes credentials in its config);
    temporary files and bytecode caches are rebuilt on demand. Reported from `min-bytes` (default
    10 kB) of visible files per folder and layer.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY . /app
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ENV PYTHONDONTWRITEBYTECODE=1
    COPY . /app
    ```
    ```context
    .dockerignore = .git\\n__pycache__\\n
    ```

    ## Fix
    Keep `.git` and caches out with `.dockerignore`, delete temporary files in the `RUN` that made
    them, and set `PYTHONDONTWRITEBYTECODE=1` where bytecode is written at build time.
    """
    minimum = ctx.option("IL9003", "min-bytes", 10_000)
    yield from _leftover_findings(ctx, minimum, lambda category: category not in _PACKAGE_CATEGORIES)


def _leftover_findings(ctx: ImageContext, minimum: int, wanted) -> Iterator[Violation]:
    from imagelint.image import leftovers

    for item in ctx.analysis.leftovers:
        if not wanted(item.category) or item.visible_bytes < max(minimum, 1):
            continue
        kind = leftovers.by_category(item.category)
        yield ctx.violation(
            f"{ctx.describe(item.layer)} left {format_size(item.visible_bytes)} of {kind.description} in {item.path}; "
            f"{kind.remedy}, in the same RUN",
            item.layer,
        )


@rule(code="IL9004", name="compiler-in-final-image", family="image", severity="warning", target="image")
def compiler_in_final_image(ctx: ImageContext) -> Iterator[Violation]:
    """The final image holds a compiler toolchain (gcc, clang, rustc, go, javac...).

    ## Why
    Compilers are needed to build, not to run. In the image you ship they add tens to hundreds of
    megabytes and give an intruder a ready-made toolchain.

    ## Bad
    ```dockerfile
    FROM python:3.12
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Good
    ```dockerfile
    FROM python:3.12 AS build
    RUN pip wheel --wheel-dir /wheels -r requirements.txt
    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir /wheels/*
    ```

    ## Fix
    Build in a builder stage and copy only the artifacts into a slim or distroless final stage.
    """
    compilers = ctx.analysis.compilers
    if not compilers:
        return
    names = ", ".join(item.path for item in compilers[:4]) + (f" and {len(compilers) - 4} more" if len(compilers) > 4 else "")
    first = compilers[0]
    yield ctx.violation(
        f"the final image holds compilers ({names}), installed by {ctx.describe(first.layer)}; "
        "build in a separate stage and copy only the results",
        first.layer,
    )


@rule(code="IL9005", name="image-without-healthcheck", family="image", severity="info", target="image")
def image_without_healthcheck(ctx: ImageContext) -> Iterator[Violation]:
    """The image defines no HEALTHCHECK.

    ## Why
    Without a health check the engine only knows whether the process runs, not whether it serves.
    (Orchestrators with their own probes, such as Kubernetes, ignore it: then this is only a hint.)

    ## Bad
    ```dockerfile
    FROM nginx:1.27
    ```

    ## Good
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    ```

    ## Fix
    Add a `HEALTHCHECK` that exercises the service.
    """
    healthcheck = ctx.runtime_config.get("Healthcheck") or {}
    test = healthcheck.get("Test") or []
    if not test or test == ["NONE"]:
        yield ctx.violation("the image defines no HEALTHCHECK; add one so the engine can tell a hung service")


@rule(code="IL7101", name="image-runs-as-root", family="security", severity="warning", target="image")
def image_runs_as_root(ctx: ImageContext) -> Iterator[Violation]:
    """The image's configured user is root (or no user is set).

    ## Why
    A container running as root is root on every file it can reach and one kernel bug away from root
    on the host. This checks what the image really says, base image included.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "-m", "http.server"]
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    ```

    ## Fix
    Create an unprivileged user and end the final stage with `USER <name or uid>`.
    """
    user = str(ctx.runtime_config.get("User") or "").strip()
    if user in _ROOT_USERS:
        shown = f"is '{user}'" if user else "is not set"
        yield ctx.violation(f"the image's user {shown}, so containers run as root; add 'USER <non-root user>'")


@rule(code="IL7102", name="secret-in-image-metadata", family="security", severity="error", target="image")
def secret_in_image_metadata(ctx: ImageContext) -> Iterator[Violation]:
    """A secret-looking value is stored in the image's ENV or recorded in its build history.

    ## Why
    Anyone who can pull the image reads its environment (`docker inspect`) and its history
    (`docker history --no-trunc`), build arguments included. Deleting the variable later does not
    remove it from the history. The value is shown as REDACTED in every output of imagelint.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV DB_PASSWORD=hunter2-but-longer
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    RUN --mount=type=secret,id=db_password cat /run/secrets/db_password > /dev/null
    ```

    ## Fix
    Pass secrets at run time (environment, mounted files) or use build secrets
    (`RUN --mount=type=secret`), never `ENV` or `ARG`; then rotate the exposed credential.
    """
    from imagelint.image.secrets import find_secrets

    for secret in find_secrets(ctx.image):  # imagelint.analyze has already registered them for redaction
        row = ctx.row_of_history(secret.history_index) if secret.history_index is not None else None
        if secret.where == "build step":
            what = f"{ctx.describe(row)} contains {secret.kind} (REDACTED)"
        elif secret.where == "build argument":
            what = f"build argument {secret.name} holds {secret.kind} (REDACTED), recorded in the history by {ctx.describe(row)}"
        else:
            what = f"ENV {secret.name} holds {secret.kind} (REDACTED)"
        yield ctx.violation(f"{what}; anyone who pulls the image can read it: pass secrets at run time", row)


@rule(code="IL7103", name="image-exposes-ssh", family="security", severity="warning", target="image")
def image_exposes_ssh(ctx: ImageContext) -> Iterator[Violation]:
    """The image exposes port 22 (SSH).

    ## Why
    An SSH daemon in a container is a second way in, with its own keys and passwords to manage;
    `docker exec` (or `kubectl exec`) already gives operators a shell.

    ## Bad
    ```dockerfile
    FROM debian:12
    EXPOSE 22
    ```

    ## Good
    ```dockerfile
    FROM debian:12
    EXPOSE 8080
    ```

    ## Fix
    Drop the SSH server and `EXPOSE 22`; use `docker exec` for debugging.
    """
    ports = ctx.runtime_config.get("ExposedPorts") or {}
    if any(str(port).split("/")[0] == "22" for port in ports):
        yield ctx.violation("the image exposes port 22 (SSH); use 'docker exec' instead of an SSH server")


# --- CI budgets (--max-*, --min-efficiency, --dive-ci) ------------------------------------------


@rule(code="IL9101", name="wasted-bytes-over-budget", family="image", severity="error", target="image")
def wasted_bytes_over_budget(ctx: ImageContext) -> Iterator[Violation]:
    """The image hides more bytes than `--max-wasted-bytes` allows.

    ## Why
    A CI budget: hidden bytes (deleted or replaced in a later layer, the true waste) are downloaded
    with every pull for nothing. Sizes accept `20MB` (powers of 1000) or `5MiB` (powers of 1024).

    ## Fix
    See IL9001 for the layers that ship the hidden bytes.
    """
    limit = ctx.budgets.max_wasted_bytes
    wasted = ctx.analysis.wasted_bytes
    if limit is not None and wasted > limit:
        yield ctx.violation(
            f"wasted bytes {wasted} ({format_size(wasted)}) exceed --max-wasted-bytes {limit} "
            f"({format_size(limit)}) by {wasted - limit} bytes"
        )


@rule(code="IL9102", name="wasted-percent-over-budget", family="image", severity="error", target="image")
def wasted_percent_over_budget(ctx: ImageContext) -> Iterator[Violation]:
    """Hidden bytes are a larger share of the image than `--max-wasted-percent` allows.

    ## Why
    A CI budget relative to the image: hidden bytes as a percentage of all the file bytes the layers
    ship (`wasted_bytes / size`).

    ## Fix
    See IL9001 for the layers that ship the hidden bytes.
    """
    limit = ctx.budgets.max_wasted_percent
    percent = ctx.analysis.wasted_percent
    if limit is not None and percent > limit:
        yield ctx.violation(
            f"wasted bytes are {percent:.2f}% of the image, over --max-wasted-percent {limit:g}% by {percent - limit:.2f} points"
        )


@rule(code="IL9103", name="efficiency-under-budget", family="image", severity="error", target="image")
def efficiency_under_budget(ctx: ImageContext) -> Iterator[Violation]:
    """The image's efficiency (visible bytes / shipped bytes) is below `--min-efficiency`.

    ## Why
    A CI budget: an efficiency of 0.9 means a tenth of what is pulled is never seen.

    ## Fix
    See IL9001 for the layers that ship the hidden bytes.
    """
    limit = ctx.budgets.min_efficiency
    efficiency = ctx.analysis.efficiency
    if limit is not None and efficiency < limit:
        yield ctx.violation(
            f"efficiency {efficiency:.4f} is below --min-efficiency {limit:g} by {limit - efficiency:.4f}"
        )


@rule(code="IL9104", name="image-size-over-budget", family="image", severity="error", target="image")
def image_size_over_budget(ctx: ImageContext) -> Iterator[Violation]:
    """The image's layers ship more file bytes than `--max-size` allows.

    ## Why
    A CI budget on the total size: the sum of the file bytes of every layer (what a pull unpacks).

    ## Fix
    Use a smaller base image, a multi-stage build, and remove what the application does not need.
    """
    limit = ctx.budgets.max_size
    size = ctx.analysis.size
    if limit is not None and size > limit:
        yield ctx.violation(
            f"image size {size} ({format_size(size)}) exceeds --max-size {limit} ({format_size(limit)}) by {size - limit} bytes"
        )


@rule(code="IL9111", name="dive-lowest-efficiency", family="image", severity="error", target="image")
def dive_lowest_efficiency(ctx: ImageContext) -> Iterator[Violation]:
    """dive's `lowestEfficiency` rule fails (from `--dive-ci FILE`): dive's efficiency is below it.

    ## Why
    Lets a team keep its `.dive-ci` file: the efficiency is computed exactly as dive 0.13.1 computes
    it, and the rule fails when `lowestEfficiency > efficiency`, as in dive.

    ## Fix
    See IL9001; dive counts a file's every copy, so also avoid rewriting big files in later layers.
    """
    rules = ctx.budgets.dive_ci
    if rules is None or rules.lowest_efficiency is None:
        return
    efficiency = ctx.analysis.dive.efficiency
    if rules.lowest_efficiency > efficiency:
        yield ctx.violation(
            f"dive lowestEfficiency: efficiency {efficiency:.4f} is below {rules.lowest_efficiency:g} "
            f"by {rules.lowest_efficiency - efficiency:.4f} ({rules.source})"
        )


@rule(code="IL9112", name="dive-highest-wasted-bytes", family="image", severity="error", target="image")
def dive_highest_wasted_bytes(ctx: ImageContext) -> Iterator[Violation]:
    """dive's `highestWastedBytes` rule fails (from `--dive-ci FILE`): dive's wastedBytes is above it.

    ## Why
    Keeps a `.dive-ci` budget working unchanged. dive's wastedBytes counts every copy of a file that
    appears in more than one layer (the surviving copy too); imagelint's own `wasted_bytes` counts
    only hidden bytes.

    ## Fix
    See IL9001.
    """
    rules = ctx.budgets.dive_ci
    if rules is None or rules.highest_wasted_bytes is None:
        return
    wasted = ctx.analysis.dive.wasted_bytes
    if wasted > rules.highest_wasted_bytes:
        yield ctx.violation(
            f"dive highestWastedBytes: wasted-bytes={wasted} > threshold={rules.highest_wasted_bytes} "
            f"(by {wasted - rules.highest_wasted_bytes} bytes, {rules.source})"
        )


@rule(code="IL9113", name="dive-highest-user-wasted-percent", family="image", severity="error", target="image")
def dive_highest_user_wasted_percent(ctx: ImageContext) -> Iterator[Violation]:
    """dive's `highestUserWastedPercent` rule fails (from `--dive-ci FILE`).

    ## Why
    Keeps a `.dive-ci` budget working unchanged: dive's userWastedPercent is its wastedBytes divided
    by the size of every layer but the first. When those layers are empty dive computes NaN (never
    fails) or infinity (fails); imagelint does the same.

    ## Fix
    See IL9001.
    """
    rules = ctx.budgets.dive_ci
    if rules is None or rules.highest_user_wasted_percent is None:
        return
    value = ctx.analysis.dive.user_wasted_percent
    if not math.isnan(value) and value > rules.highest_user_wasted_percent:
        shown = "infinite (no bytes after the first layer)" if math.isinf(value) else f"{value:.4f}"
        yield ctx.violation(
            f"dive highestUserWastedPercent: {shown} > threshold {rules.highest_user_wasted_percent:g} "
            f"({rules.source})"
        )


@rule(code="IL9006", name="layers-not-matched-to-dockerfile", family="image", severity="info", target="image")
def layers_not_matched_to_dockerfile(ctx: ImageContext) -> Iterator[Violation]:
    """`--dockerfile` was given, but the image's build steps do not match its instructions.

    ## Why
    Findings can only point at Dockerfile lines when every build step of the image lines up with an
    instruction. When they do not (another Dockerfile, another version of it, a squashed or
    committed image), imagelint says so and reports by layer instead of guessing.

    ## Fix
    Analyze the image built from this Dockerfile, or leave out `--dockerfile`.
    """
    if ctx.join is not None and ctx.join.problem:
        yield ctx.violation(f"layers are not matched to Dockerfile lines: {ctx.join.problem}")
