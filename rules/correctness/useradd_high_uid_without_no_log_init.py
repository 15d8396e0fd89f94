"""IL8018 useradd-high-uid-without-no-log-init."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.user_accounts import USERADD_VALUE_OPTIONS
from imagelint.knowledge.variable_references import expand_defined
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import at_script_offset


@rule(
    code="IL8018",
    name="useradd-high-uid-without-no-log-init",
    family="correctness",
    severity="warning",
    hadolint=("DL3046",),
    instructions=("RUN",),
    mentions=("useradd",),
)
def useradd_high_uid_without_no_log_init(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
            uid = command.option_value("-u", "--uid", value_options=USERADD_VALUE_OPTIONS)
            if uid and "$" in uid:
                uid = expand_defined(uid.strip("\"'"), run.instruction.scope)
            if uid and uid.isdigit() and int(uid) >= 100000:
                yield at_script_offset(
                    run,
                    command.start,
                    f"useradd with UID {uid} and without --no-log-init writes a huge sparse lastlog into the layer; "
                    "add --no-log-init",
                )
