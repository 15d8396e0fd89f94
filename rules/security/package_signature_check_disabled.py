"""IL7007 package-signature-check-disabled."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge import package_managers as pm
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start
from imagelint.shell import Command

_LOCAL_PACKAGE = re.compile(r"^(?:\.{0,2}/|\$|\{).*|.*\.(?:apk|rpm|deb)$")


_REPOSITORY_WRITERS = frozenset({"echo", "printf", "sed", "tee"})
# Every program _signature_switch has a test for: the other commands of a script, most of them,
# are passed over by a set lookup.
_CHECKED_PROGRAMS = (
    pm.APT_FRONTENDS | frozenset(pm.APK.commands) | pm.RPM_INSTALLERS | frozenset(pm.RPM.commands) | _REPOSITORY_WRITERS
)


def _signature_switch(command: Command) -> str | None:
    name = command.name
    if name not in _CHECKED_PROGRAMS:
        return None
    if name in pm.APT_FRONTENDS:
        if command.has_option("--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"):
            return f"{name} --allow-unauthenticated/--force-yes"
        for value in command.option_values("-o", "--option"):
            key, _, setting = value.partition("=")
            unsigned = key.lower().endswith(("allowunauthenticated", "allowinsecurerepositories", "allow-insecure"))
            if unsigned and setting.lower() in ("true", "1", "yes"):
                return f"{name} -o {key}=true"
    if name in pm.APK.commands and command.has_option("--allow-untrusted"):
        # Installing or indexing packages this build made (official nginx images) is not a download.
        positionals = command.positionals()
        if positionals[:1] == ["index"] or (len(positionals) > 1 and all(_LOCAL_PACKAGE.match(p) for p in positionals[1:])):
            return None
        return "apk --allow-untrusted"
    if name in pm.RPM_INSTALLERS:
        if command.has_option("--nogpgcheck", "--no-gpg-checks", "--no-gpgcheck"):
            positionals = command.positionals()
            if len(positionals) > 1 and all(_LOCAL_PACKAGE.match(p) and "://" not in p for p in positionals[1:]):
                return None
            return f"{name} --nogpgcheck"
        if any(re.match(r"^(?:[\w.-]+\.)?gpgcheck=(?:0|false|no)$", v, re.IGNORECASE) for v in command.option_values("--setopt")):
            return f"{name} --setopt=gpgcheck=0"
    if name in pm.RPM.commands and command.has_option("--nosignature", "--nodigest", "--noverify"):
        return "rpm --nosignature/--nodigest"
    if name in _REPOSITORY_WRITERS:
        text = " ".join(command.args).replace("\\n", "\n")
        if re.search(r"\[[^\]]*trusted\s*=\s*yes[^\]]*\]", text) and not re.search(r"\b(?:file|copy):/", text):
            return "an apt source marked [trusted=yes]"
        if re.search(r"\b(?:repo_)?gpgcheck\s*=\s*(?:0|false|no)\b", text, re.IGNORECASE) and "file://" not in text:
            return "a repository with gpgcheck=0"
    return None


# The rule's firing condition: a command _signature_switch reports contains one of these, lower-cased.
# apt's --allow-unauthenticated, --force-yes, --allow-insecure-repositories and -o ...AllowUnauthenticated
# / AllowInsecureRepositories; apk --allow-untrusted; --nogpgcheck, --no-gpg-checks and gpgcheck=0;
# rpm --nosignature/--nodigest/--noverify; an apt source marked [trusted=yes].
_MENTIONS = ("unauthenticated", "force-yes", "insecure", "trusted", "gpgcheck", "gpg-check", "nosignature", "nodigest", "noverify")


@rule(
    code="IL7007",
    name="package-signature-check-disabled",
    family="security",
    severity="warning",
    checkov=("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"),
    instructions=("RUN",),
    mentions=_MENTIONS,
)
def package_signature_check_disabled(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A package manager is told to install unsigned packages (`--allow-unauthenticated`, `--force-yes`, `--allow-untrusted`, `--nogpgcheck`, `rpm --nosignature`, `[trusted=yes]`, `gpgcheck=0`).

    ## Why
    Package signatures are what make an HTTP mirror safe: with them off, a compromised mirror or a
    man in the middle can install anything. Local packages the build itself produced (`apk add
    --allow-untrusted /tmp/pkgs/*.apk`, `deb [trusted=yes] file:/...`) are not reported.

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends --allow-unauthenticated libfoo
    ```
    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y --nogpgcheck sbt && dnf clean all
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    COPY --from=build /packages/ /tmp/packages/
    RUN apk add --no-cache --allow-untrusted /tmp/packages/*.apk
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN echo "deb [ trusted=yes ] file:///tmp/debs ./" > /etc/apt/sources.list.d/local.list
    ```

    ## Fix
    Import the repository's signing key (`/etc/apt/keyrings/*.gpg` with `signed-by=`, `rpm --import`,
    `/etc/apk/keys/`) and drop the switch.
    """
    for run in ctx.run_scripts:
        for command in run.commands():
            switch = _signature_switch(command)
            if switch is not None:
                yield at_command_start(
                    run,
                    command,
                    f"{switch} installs packages without checking their signatures; import the repository's signing "
                    "key instead",
                )
