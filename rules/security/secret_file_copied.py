"""IL7011 secret-file-copied."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.context_sources import is_remote
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import value_offset

_SECRET_FILE_NAMES = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", ".npmrc", ".pypirc",
     ".netrc", "_netrc", ".git-credentials", ".dockercfg", "credentials.json", "client_secret.json",
     ".htpasswd-secret", "kubeconfig", ".vault-token", ".pgpass", ".my.cnf", "secrets.env"}
)  # fmt: skip


_SECRET_DIRS = frozenset({".ssh", ".aws", ".gnupg", ".kube", ".docker", ".azure", ".gcloud"})


_SAFE_IN_SECRET_DIRS = re.compile(r"(?:^|/)(?:config|known_hosts|authorized_keys|[^/]*\.pub)$")


_DOTENV = re.compile(r"^\.env(?:\.(?!example$|sample$|template$|dist$|defaults?$|tpl$)[\w.-]+)?$")


_PRIVATE_KEY_FILE = re.compile(
    r"(?:^|[-_.])(?:priv(?:ate)?|privkey|server|tls|ssl|client)[-_.]?key\.pem$|^key\.pem$"
    r"|(?:^|[-_.])(?:private|privkey|server|tls|ssl|client)\.key$|\.(?:p12|pfx)$",
    re.IGNORECASE,
)
# What a source the rule reports contains, lower-cased (its firing condition): the names and
# directories above, and what the .env and private-key patterns need.
_MENTIONS = (*sorted(_SECRET_FILE_NAMES), *sorted(_SECRET_DIRS), ".env", "key", ".p12", ".pfx")


@rule(
    code="IL7011",
    name="secret-file-copied",
    family="security",
    severity="warning",
    instructions=("COPY", "ADD"),
    mentions=_MENTIONS,
)
def secret_file_copied(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """COPY/ADD puts a credential file (SSH key, `.env`, `.npmrc`, `.aws/`, a private key) into the shipped image.

    ## Why
    A file copied into a layer stays in the image even if a later RUN deletes it: anyone who
    pulls the image can extract it. Only sources named explicitly in COPY/ADD are checked, in the
    stages that ship (a builder stage's files do not reach the image unless copied on).
    Public keys (`id_rsa.pub`), SSH `config`, `known_hosts` and `.env.example` are fine.

    ## Bad
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY .npmrc package.json package-lock.json ./
    RUN npm ci && rm .npmrc
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY id_rsa /root/.ssh/id_rsa
    ```

    ## Good
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY id_rsa.pub /home/app/.ssh/authorized_keys
    COPY ssh/config /root/.ssh/config
    COPY .env.example /app/.env.example
    ```

    ## Fix
    Mount the file for the one RUN that needs it: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc`
    (or `--mount=type=ssh` for SSH keys), and keep it out of the build context with `.dockerignore`.
    """
    for instruction in ctx.of("COPY", "ADD"):
        if instruction.stage not in ctx.shipped_stages or instruction.flag("from") is not None or instruction.heredocs:
            continue
        words = instruction.words()
        for source in words[:-1]:
            if is_remote(source):
                continue
            kind = _secret_file_kind(source)
            if kind is not None:
                yield Violation(
                    f"{instruction.keyword} puts {kind} '{source}' into the image, where it stays even if deleted later; "
                    "mount it with RUN --mount=type=secret (or type=ssh) instead",
                    instruction,
                    offset=value_offset(instruction, source),
                )


def _secret_file_kind(source: str) -> str | None:
    path = posixpath.normpath(source.strip("\"'")).lstrip("/")
    parts = path.split("/")
    name = parts[-1]
    if name in _SECRET_FILE_NAMES:
        return "the private key" if name.startswith("id_") else "the credential file"
    if _DOTENV.match(name):
        return "the environment file"
    if _PRIVATE_KEY_FILE.search(name):
        return "the private key"
    for i, part in enumerate(parts):
        if part in _SECRET_DIRS:
            rest = "/".join(parts[i + 1 :])
            if not rest:
                return f"the directory {part}/ (credentials)"
            if not _SAFE_IN_SECRET_DIRS.search(rest):
                return "the credential file"
    return None
