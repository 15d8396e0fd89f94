"""IL6012 unpinned-apk-package."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import APK
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import is_local_or_variable, pin_violation


@rule(
    code="IL6012",
    name="unpinned-apk-package",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3018",),
    instructions=("RUN",),
    mentions=APK.commands,
)
def unpinned_apk_package(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apk add` of packages without a version constraint.

    ## Why
    Without a version, `apk add` installs whatever the branch has today. `pkg=1.2.3-r0` pins exactly;
    `pkg~1.2` allows patch updates. Alpine keeps only the newest version of each package per
    branch, so exact pins break when it moves on; this is informational. The name given to
    `--virtual`, local `.apk` files, variables with no known value and names the build computes
    (`$(...)`, backticks, or a variable holding one) are not reported.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache curl
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache curl~8.14
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache --virtual .build-deps gcc=14.2.0-r6 "musl-dev=${MUSL_VERSION}"
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN runDeps="$(scanelf --needed --nobanner --format '%n#p' --recursive /usr/local \\
            | tr ',' '\\n' | sort -u | awk '{ print "so:" $1 }')" \\
        && apk add --no-cache --virtual .run-deps $runDeps
    ```

    ## Fix
    Add `=<version>` (exact) or `~<version>` (that release line) to each package.
    """
    for run in runs(ctx):
        for script, command in run.commands(*APK.commands):
            if subcommand(command) not in APK.installs:
                continue
            packages = run.package_words(command, command.positionals()[1:])
            unpinned = [
                p for p in packages if not re.search(r"[=~<>]", p) and not is_local_or_variable(p) and not p.endswith(".apk")
            ]
            if unpinned:
                yield pin_violation(script, command, "apk add", unpinned, f"{unpinned[0]}{APK.pin_separator}<version>")
