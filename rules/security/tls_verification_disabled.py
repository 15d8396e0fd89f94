"""IL7005 tls-verification-disabled."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import pip_command
from imagelint.lazy_pattern import LazyPattern
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import FALSE, at_command_start
from imagelint.shell import Command

_SSL_VERIFY_SETTING = LazyPattern(r"^(?:[\w.-]+\.)?sslverify\s*=\s*(?:false|0|no|off)$", re.IGNORECASE)


_CONDA_TOOLS = pm.family_commands(pm.CONDA.family)  # conda, mamba, micromamba
_REGISTRY_TOOLS = frozenset({"skopeo", "podman", "buildah", "crane", "oras", "regctl"})
_CONFIG_WRITERS = frozenset({"echo", "printf", "sed", "tee"})
# Every program _tls_switch has a test for, pip aside (pm.may_run_pip): the other commands of a
# script, most of them, are passed over by a set lookup.
_TLS_PROGRAMS = (
    frozenset({"curl", "wget", "git", "helm", "kubectl", "oc", "go"})
    | pm.NODE_PACKAGE_MANAGERS
    | pm.RPM_FRONTENDS
    | _CONDA_TOOLS
    | frozenset(pm.COMPOSER.commands)
    | _REGISTRY_TOOLS
    | _CONFIG_WRITERS
)


def _tls_switch(command: Command) -> str | None:
    """The option or setting by which a command turns TLS certificate checks off, if any."""
    name = command.name
    if name not in _TLS_PROGRAMS and not pm.may_run_pip(name):
        return None
    if name == "curl" and command.has_option("-k", "--insecure"):
        return "curl -k/--insecure"
    if name == "wget" and command.has_option("--no-check-certificate"):
        return "wget --no-check-certificate"
    if pip_command(command) is not None:
        if command.has_option("--trusted-host"):
            return "pip --trusted-host"
        args = [a.lower() for a in command.args]
        if "config" in args and "set" in args and any(a.endswith("trusted-host") for a in args):
            return "pip config set trusted-host"
    if name == "git":
        if any(_SSL_VERIFY_SETTING.match(v) for v in command.option_values("-c")):
            return "git -c http.sslVerify=false"
        positionals = [a.lower() for a in command.positionals()]
        if positionals[:1] == ["config"] and len(positionals) >= 3:
            if positionals[-2].endswith("sslverify") and positionals[-1] in FALSE:
                return "git config http.sslVerify false"
    if name in pm.NODE_PACKAGE_MANAGERS:
        args = [a.lower() for a in command.args]
        for i, arg in enumerate(args):
            if arg in ("strict-ssl", "enablestrictssl", "strict_ssl") and i + 1 < len(args) and args[i + 1] in FALSE:
                return f"{name} config set strict-ssl false"
            if arg in ("--strict-ssl=false", "strict-ssl=false", "--no-strict-ssl"):
                return f"{name} --strict-ssl=false"
    if name in pm.RPM_FRONTENDS and any(
        _SSL_VERIFY_SETTING.match(v) for v in command.option_values("--setopt")
    ):
        return f"{name} --setopt=sslverify=false"
    if name in _CONDA_TOOLS:
        args = [a.lower() for a in command.args]
        if "ssl_verify" in args and args.index("ssl_verify") + 1 < len(args) and args[args.index("ssl_verify") + 1] in FALSE:
            return f"{name} config --set ssl_verify false"
    if name in pm.COMPOSER.commands:
        args = [a.lower() for a in command.args]
        if ("disable-tls" in args and "true" in args) or ("secure-http" in args and "false" in args):
            return "composer config disable-tls/secure-http"
    if name in ("helm", "kubectl", "oc") and command.has_option("--insecure-skip-tls-verify"):
        return f"{name} --insecure-skip-tls-verify"
    if name in _REGISTRY_TOOLS:
        no_verify = any(a.split("=")[0].endswith("tls-verify") and a.endswith("=false") for a in command.args)
        if no_verify or command.has_option("--insecure"):
            return f"{name} --tls-verify=false"
    if name == "go" and command.has_option("-insecure"):
        return "go get -insecure"
    return _tls_switch_in_config(command)


def _tls_switch_in_config(command: Command) -> str | None:
    """``echo insecure >> ~/.curlrc``, ``echo check_certificate=off >> ~/.wgetrc``, ``sslverify=0`` in a .repo."""
    if command.name not in _CONFIG_WRITERS:
        return None
    text = " ".join(command.args).replace("\\n", "\n").lower()
    targets = [r.target.value.lower() for r in command.redirects if r.target is not None and r.op in (">", ">>")]
    if command.name == "tee":
        targets += [a.lower() for a in command.args if not a.startswith("-")]
    if any(t.endswith(".curlrc") for t in targets) and re.search(r"(?:^|\s)(?:--)?insecure\b|(?:^|\s)-k\b", text):
        return ".curlrc insecure"
    if any(t.endswith(".wgetrc") for t in targets) and re.search(r"check_certificate\s*=\s*(?:off|0|no)", text):
        return ".wgetrc check_certificate=off"
    if re.search(r"\bsslverify\s*=\s*(?:false|0|no|off)\b", text):
        return "sslverify=0"
    return None


# The rule's firing condition: a command _tls_switch reports contains one of these, lower-cased.
# curl (also .curlrc), wget, pip, git and yum/dnf (sslverify), npm/yarn/pnpm (strict-ssl), conda,
# composer, helm/kubectl/oc and skopeo and friends (insecure, tls-verify), go -insecure, .wgetrc.
_MENTIONS = (
    "curl", "no-check-certificate", "trusted-host", "sslverify", "strict", "ssl_verify", "disable-tls", "secure-http",
    "insecure", "tls-verify", "wgetrc",
)  # fmt: skip


@rule(
    code="IL7005",
    name="tls-verification-disabled",
    family="security",
    severity="warning",
    checkov=("CKV2_DOCKER_2", "CKV2_DOCKER_3", "CKV2_DOCKER_4", "CKV2_DOCKER_13", "CKV2_DOCKER_15"),
    instructions=("RUN",),
    mentions=_MENTIONS,
)
def tls_verification_disabled(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A command turns off TLS certificate checks (`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `git http.sslVerify=false`, `strict-ssl false`).

    ## Why
    Without certificate checks anyone on the network path can impersonate the server and hand the
    build a different file, package or repository. It is usually added to get past a corporate
    TLS-intercepting proxy: install the proxy's CA certificate instead.

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSLk -o /tmp/tool.tgz https://downloads.example.org/tool.tgz
    ```
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir --trusted-host pypi.internal.example -r requirements.txt
    ```
    ```dockerfile
    FROM node:22-slim
    RUN npm config set strict-ssl false && npm ci
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
    RUN update-ca-certificates \\
        && curl -fsSL -o /tmp/tool.tgz https://downloads.example.org/tool.tgz
    ```
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir --index-url https://pypi.internal.example/simple -r requirements.txt
    ```

    ## Fix
    Remove the switch. If a proxy re-signs TLS traffic, add its CA certificate to the image
    (`update-ca-certificates`) or point the tool at it (`--cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`).
    """
    for run in ctx.run_scripts:
        for command in run.commands():
            switch = _tls_switch(command)
            if switch is not None:
                yield at_command_start(
                    run,
                    command,
                    f"{switch} turns off TLS certificate checks, so a man in the middle can swap what is downloaded; "
                    "remove it and trust the needed CA certificate instead",
                )
