"""IL6011 unpinned-apt-package."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import APT_FRONTENDS, APT_GET, manager
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import is_local_or_variable, pin_violation


@rule(
    code="IL6011",
    name="unpinned-apt-package",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3008",),
    instructions=("RUN",),
    mentions=tuple(sorted(APT_FRONTENDS)),
)
def unpinned_apt_package(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt-get install` (or `apt`, `aptitude install`) of packages without `=version`.

    ## Why
    An unpinned package is whatever the archive serves today, so two builds of one commit can
    differ. Pinning (`curl=7.88.1-10+deb12u8`) makes changes visible in review. The trade-off is
    real: Debian removes superseded versions from its archive, so exact pins break builds until
    updated (Renovate can do that); this is informational. Versions given through a variable,
    local `.deb` files, `pkg/release` selections and names the build computes (`$(...)`,
    backticks, or a variable holding one) are not reported.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM debian:12-slim
    ARG CURL_VERSION=7.88.1-10+deb12u8
    RUN apt-get update && apt-get install -y --no-install-recommends "curl=${CURL_VERSION}" ./vendor/tool.deb \\
     && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Add `=<version>` to each package (`apt-cache policy <pkg>` shows the candidate version).
    """
    for run in runs(ctx):
        for script, command in run.commands(*sorted(APT_FRONTENDS)):  # apt-get, apt, aptitude
            if subcommand(command) not in manager(command.name).installs:
                continue
            packages = run.package_words(command, command.positionals()[1:])
            pin = manager(command.name).pin_separator  # curl=8.5.0-2 for each of them
            unpinned = [p for p in packages if pin not in p and not is_local_or_variable(p) and not p.endswith(".deb")]
            if unpinned:
                yield pin_violation(script, command, command.name, unpinned, f"{unpinned[0]}{pin}<version>")
