"""IL7006 verification-disabled-by-env."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import arg_declarations
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import FALSE, at_command_start, value_offset

_VERIFICATION_ENV_HINTS = (
    "TLS_REJECT", "SSL_NO_VERIFY", "HTTPSVERIFY", "STRICT_SSL", "TRUSTED_HOST", "SSL_VERIFY", "GOINSECURE", "GOSUMDB", "GOFLAGS",
)


# The rule's firing condition: what _mentions_verification_env looks for, lower-cased.
_MENTIONS = tuple(hint.lower() for hint in _VERIFICATION_ENV_HINTS)


def _mentions_verification_env(text: str) -> bool:
    # Plain substring tests on the upper-cased text: a case-insensitive regex alternation is ~10x slower
    # on the long RUN scripts of the corpus.
    upper = text.upper()
    return any(hint in upper for hint in _VERIFICATION_ENV_HINTS)


def _env_disables_verification(name: str, value: str) -> str | None:
    upper, lowered = name.upper(), value.strip().lower()
    if upper == "NODE_TLS_REJECT_UNAUTHORIZED" and lowered == "0":
        return "turns off TLS certificate checks in Node.js"
    if upper == "GIT_SSL_NO_VERIFY":
        return "turns off TLS certificate checks in git (any value, even 0 or false)"
    if upper == "PYTHONHTTPSVERIFY" and lowered == "0":
        return "turns off HTTPS certificate checks in Python"
    if upper in ("NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL", "YARN_ENABLE_STRICT_SSL") and lowered in FALSE:
        return "turns off TLS certificate checks in npm/yarn"
    if upper == "PIP_TRUSTED_HOST" and lowered:
        return "makes pip skip TLS certificate checks for those hosts"
    if upper == "CONDA_SSL_VERIFY" and lowered in FALSE:
        return "turns off TLS certificate checks in conda"
    if upper == "GOINSECURE" and lowered:
        return "lets go fetch those modules without TLS checks"
    if upper == "GOSUMDB" and lowered == "off":
        return "turns off the Go checksum database, so tampered modules are not detected"
    if upper == "GOFLAGS" and "-insecure" in lowered:
        return "lets go fetch modules without TLS checks"
    return None


@rule(
    code="IL7006",
    name="verification-disabled-by-env",
    family="security",
    severity="warning",
    checkov=("CKV2_DOCKER_5", "CKV2_DOCKER_6", "CKV2_DOCKER_12", "CKV2_DOCKER_14", "CKV2_DOCKER_16"),
    instructions=("ENV", "ARG", "RUN"),
    mentions=_MENTIONS,
)
def verification_disabled_by_env(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """An environment variable turns off TLS or checksum verification (`NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY`, `PYTHONHTTPSVERIFY=0`, `PIP_TRUSTED_HOST`, `GOSUMDB=off`).

    ## Why
    Set with ENV, the switch stays in the image: every HTTPS connection the application makes at
    run time accepts any certificate. Set with ARG or in a RUN, it still exposes the build to a man
    in the middle.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    ```
    ```dockerfile
    FROM golang:1.22
    RUN GOSUMDB=off go mod download
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    COPY corp-ca.pem /usr/local/share/ca-certificates/corp-ca.pem
    ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.pem
    ```
    ```dockerfile
    FROM golang:1.22
    ENV GOPRIVATE=git.example.com GOFLAGS=-mod=readonly
    ```

    ## Fix
    Remove the variable; trust a proxy's CA certificate with `NODE_EXTRA_CA_CERTS`, `PIP_CERT`,
    `GIT_SSL_CAINFO` or `update-ca-certificates` instead.
    """
    for instruction in ctx.of("ENV", "ARG"):
        if not _mentions_verification_env(instruction.value):
            continue
        pairs = instruction.key_values() if instruction.keyword == "ENV" else arg_declarations(instruction)
        for name, value in pairs:
            if value is None:
                continue
            effect = _env_disables_verification(name, value)
            if effect is not None:
                lasts = " and stays set when the container runs" if instruction.keyword == "ENV" else ""
                yield Violation(
                    f"{instruction.keyword} {name}={value} {effect}{lasts}; "
                    "remove it and trust the needed CA certificate instead",
                    instruction,
                    offset=value_offset(instruction, name),
                )
    for run in ctx.run_scripts:
        if not _mentions_verification_env(run.script.text):
            continue
        for command in run.commands():
            assignments = list(command.assignments)
            if command.name == "export":
                assignments += [tuple(a.split("=", 1)) for a in command.args if "=" in a]  # type: ignore[misc]
            for name, value in assignments:
                effect = _env_disables_verification(name, value)
                if effect is not None:
                    yield at_command_start(
                        run, command, f"{name}={value} {effect}; remove it and trust the needed CA certificate instead"
                    )
                    break
