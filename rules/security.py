"""Rules about what an attacker (or an accident) could do with the image."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Instruction, arg_declarations
from imagelint.rule import Violation, rule
from imagelint.rules._context_sources import is_remote
from imagelint.rules._fetch import FETCHERS, interpreter, reads_program_from_stdin, writes_to_stdout
from imagelint.rules._installs import pip_command
from imagelint.rules._var_refs import references
from imagelint.secrets import SECRET_NAME_HINT, find_tokens, is_literal_secret_value, is_secret_name, redact
from imagelint.shell import Command
from imagelint.variables import expand

_ROOT_USERS = {"root", "0"}
# Tags of base images that already switch to an unprivileged user (distroless :nonroot, .NET
# chiseled and distroless images).
_NONROOT_TAGS = ("nonroot", "chiseled", "distroless")
# Programs that drop root for the real process (the official images' entrypoint pattern).
_PRIVILEGE_DROPPERS = re.compile(r"(?:^|/)(?:gosu|su-exec|setpriv|chpst|s6-setuidgid)(?![A-Za-z0-9_])")


def _with_triggers(ctx: LintContext, *keywords: str) -> Iterator[tuple[Instruction, bool]]:
    """Instructions with these keywords, ONBUILD triggers included: (instruction, is_trigger)."""
    for instruction in ctx.instructions:
        if instruction.keyword in keywords:
            yield instruction, False
        elif instruction.keyword == "ONBUILD" and instruction.trigger and instruction.trigger.keyword in keywords:
            yield instruction.trigger, True


def _value_offset(instruction: Instruction, text: str) -> int | None:
    """Offset of ``text`` in the instruction's value (for pointing at a word)."""
    found = instruction.value.find(text)
    return found if found >= 0 else None


# --- users -----------------------------------------------------------------------------------------


@rule(
    code="IL7001",
    name="final-stage-runs-as-root",
    family="security",
    severity="warning",
    hadolint=("DL3002",),
    checkov=("CKV_DOCKER_3", "CKV_DOCKER_8"),
)
def final_stage_runs_as_root(ctx: LintContext) -> Iterator[Violation]:
    """The final stage ends as root (its last USER is root, or it sets no USER at all).

    ## Why
    A process running as root inside the container is root on every file the container can
    reach and is one kernel bug away from root on the host. Builder stages are exempt: only the
    image you ship runs. Images whose entrypoint drops privileges with `gosu` or `su-exec` (the
    official database images) are exempt from the "no USER" case.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY app.py /app/
    CMD ["python", "/app/app.py"]
    ```
    ```dockerfile
    FROM python:3.12-slim
    USER app
    RUN pip install --no-cache-dir flask
    USER root
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    CMD ["python", "-m", "http.server"]
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /app /app
    ```
    ```dockerfile
    FROM alpine:3.20 AS base
    USER 1000
    FROM base
    CMD ["sh"]
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gosu \\
        && rm -rf /var/lib/apt/lists/*
    ENTRYPOINT ["docker-entrypoint.sh"]
    ```

    ## Fix
    Create an unprivileged user and switch to it with `USER` at the end of the final stage.
    """
    stage = ctx.final_stage
    if stage is None or stage.base.is_scratch or ctx.is_windows(stage):
        return
    stages = ctx.final_lineage
    root_base = stages[-1].base
    # Images built to run as non-root say so in their name; their USER comes from the base.
    if any(marker in (root_base.tag or "") for marker in _NONROOT_TAGS) or "rootless" in root_base.resolved:
        return
    for link in stages:
        users = [i for i in link.instructions if i.keyword == "USER"]
        if not users:
            continue
        last = users[-1]
        written = last.value.strip().strip("\"'")
        user = expand(written, last.scope).text if last.scope is not None and "$" in written else written
        if user.split(":", 1)[0] in _ROOT_USERS:
            yield Violation(
                "the final stage's last USER is root; switch to an unprivileged user (USER app) after the root-only steps",
                last,
            )
        return
    if _drops_privileges(ctx):
        return
    yield Violation(
        "the final stage sets no USER, so the container runs as root; add 'USER <non-root user>' before CMD/ENTRYPOINT",
        stage.from_instruction,
    )


def _drops_privileges(ctx: LintContext) -> bool:
    """The image installs or calls gosu/su-exec: its entrypoint starts as root on purpose."""
    for run in ctx.shipped_scripts:
        for command in run.commands():
            if any(_PRIVILEGE_DROPPERS.search(w.value) for w in command.raw_words):
                return True
    for instruction in ctx.instructions:
        if instruction.stage in ctx.shipped_stages and instruction.keyword in ("COPY", "ADD", "ENTRYPOINT", "CMD"):
            if any(_PRIVILEGE_DROPPERS.search(word) for word in instruction.words()):
                return True
    return False


@rule(code="IL7008", name="sudo-in-run", family="security", severity="warning", hadolint=("DL3004",), checkov=("CKV2_DOCKER_1",))
def sudo_in_run(ctx: LintContext) -> Iterator[Violation]:
    """`sudo` in a RUN: switch users with USER instead.

    ## Why
    Builds run without a terminal, so `sudo` behaves unpredictably (password prompts, `requiretty`,
    lost environment), and an image that needs `sudo` during the build usually keeps a sudo-capable
    user at run time, which turns any code execution in the container into root.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    USER ubuntu
    RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl sudo \\
        && echo 'app ALL=(ALL) NOPASSWD: /usr/bin/apt-get' > /etc/sudoers.d/app
    USER ubuntu
    ```

    ## Fix
    Run the root-only steps before `USER <name>` (or switch with `USER root` and back), and drop
    `sudo` from the commands.
    """
    for run in ctx.run_scripts:
        for command in run.commands():
            if ("sudo" in command.wrappers or command.name == "sudo") and not _drops_to_other_user(command):
                yield _at_command_start(
                    run,
                    command,
                    f"'sudo{'' if command.name == 'sudo' else ' ' + command.name}' in a RUN; run root-only steps "
                    "as USER root (before switching users) instead of using sudo",
                )


def _drops_to_other_user(command: Command) -> bool:
    """``sudo -u builder makepkg``: sudo used to give up root, like ``runuser``; not an escalation."""
    words = [w.value for w in command.raw_words]
    if "sudo" not in words:
        return False
    options = words[words.index("sudo") + 1 :]
    for i, arg in enumerate(options):
        if not arg.startswith("-"):
            return False
        user = None
        if arg in ("-u", "--user"):
            user = options[i + 1] if i + 1 < len(options) else None
        elif arg.startswith("--user="):
            user = arg.partition("=")[2]
        elif arg.startswith("-u"):
            user = arg[2:]
        if user:
            return user.lstrip("#") not in ("root", "0")
    return False


def _at_command_start(run: RunScript, command: Command, message: str, fix: str | None = None) -> Violation:
    """A violation at the first character of a command, wrappers and env prefixes included."""
    line, column = run.position(command.start)
    end_line, _ = run.position(max(command.start, command.end - 1))
    return Violation(message, run.instruction, line=line, column=column, end_line=end_line, fix=fix)


# --- secrets ---------------------------------------------------------------------------------------


@rule(
    code="IL7002",
    name="secret-in-arg-or-env",
    family="security",
    severity="warning",
    hadolint=("DL3064",),
    buildkit=("SecretsUsedInArgOrEnv",),
)
def secret_in_arg_or_env(ctx: LintContext) -> Iterator[Violation]:
    """A password, token or API key passed through ARG or ENV, where `docker history` and `docker inspect` show it.

    ## Why
    ENV values are stored in the image config; every RUN after an `ARG` records the build args in
    the image history. Anyone who can pull the image can read them. Only credential-shaped names
    (`DB_PASSWORD`, `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`) with a literal value, an ENV copying a
    variable into the image, or a build arg that a shipped RUN uses are reported: public GPG key
    ids (`GPG_KEYS`), user names, `*_FILE` paths and placeholders (`changeme`) are not secrets.

    ## Bad
    ```dockerfile
    FROM postgres:16
    ENV POSTGRES_PASSWORD=s3cr3t-pa55
    ```
    ```dockerfile
    FROM node:22-slim
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    ```
    ```dockerfile
    FROM python:3.12-slim
    ARG API_TOKEN
    ENV API_TOKEN=$API_TOKEN
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
    ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password
    ARG USERNAME=vscode
    ```
    ```dockerfile
    FROM node:22-slim
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    ARG GITHUB_TOKEN
    RUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/" \\
        && go build -o /app .
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /app /app
    ```

    ## Fix
    Pass credentials at run time (`docker run -e`, a secrets manager, `*_FILE` variables) and at
    build time with `RUN --mount=type=secret,id=name[,env=NAME]` and `docker build --secret`.
    """
    for instruction, onbuild in _with_triggers(ctx, "ENV", "ARG"):
        if not SECRET_NAME_HINT.search(instruction.value):
            continue
        ships = onbuild or instruction.stage in ctx.shipped_stages  # triggers run in (and ship with) the downstream image
        if instruction.keyword == "ENV":
            pairs = [(k, v) for k, v in instruction.key_values()]
        else:
            pairs = [(k, v) for k, v in arg_declarations(instruction)]
        for name, value in pairs:
            if not is_secret_name(name):
                continue
            offset = _value_offset(instruction, name)
            if value and find_tokens(value):
                continue  # IL7003 reports a recognised token with a stronger severity
            if value and "$" not in value and is_literal_secret_value(value):
                store = "the image config" if instruction.keyword == "ENV" else "the Dockerfile and the image history"
                yield Violation(
                    f"{instruction.keyword} {name} sets a literal secret ('{redact(value)}') that is stored in {store}; "
                    "pass it at run time or with RUN --mount=type=secret",
                    instruction,
                    offset=offset,
                )
            elif instruction.keyword == "ENV" and value and "$" in value and ships:
                source = next((r.name for r in references(_raw_value(instruction, name) or value)), None)
                if source is None:
                    continue
                yield Violation(
                    f"ENV {name} copies ${source} into the image config, where anyone who pulls the image can read it; "
                    "read the secret at run time or with RUN --mount=type=secret instead",
                    instruction,
                    offset=offset,
                )
            elif instruction.keyword == "ARG" and not value and ships and not onbuild:
                user = _run_using(ctx, instruction, name)
                if user is not None:
                    yield Violation(
                        f"build arg {name} is used by the RUN at line {user.line}, so its value is saved in the image "
                        f"history; use RUN --mount=type=secret,id={name.lower()},env={name} and docker build --secret",
                        instruction,
                        offset=offset,
                    )


def _raw_value(instruction: Instruction, name: str) -> str | None:
    """The text after ``name=`` in an ENV value, quotes kept (for finding references)."""
    match = re.search(rf"(?:^|\s){re.escape(name)}(?:=|\s+)(\S+)", instruction.value)
    return match.group(1) if match else None


def _run_using(ctx: LintContext, arg: Instruction, name: str) -> Instruction | None:
    """The first later RUN of the ARG's stage that reads ``$name`` without a secret mount providing it."""
    for run in ctx.run_scripts:
        instruction = run.instruction
        if instruction.stage != arg.stage or instruction.index < arg.index:
            continue
        if not any(r.name == name for r in references(run.script.text)):
            continue
        if _secret_mount_provides(instruction, name):
            continue
        return instruction
    return None


def _secret_mount_provides(instruction: Instruction, name: str) -> bool:
    for mount in instruction.mounts():
        if mount.type == "secret" and name.lower() in (mount.fields.get("env", "").lower(), mount.fields.get("id", "").lower()):
            return True
    return False


@rule(code="IL7003", name="hardcoded-secret", family="security", severity="error")
def hardcoded_secret(ctx: LintContext) -> Iterator[Violation]:
    """A recognisable credential (AWS key, GitHub/GitLab/Slack/Stripe token, private key, URL password) written in the Dockerfile.

    ## Why
    The Dockerfile sits in version control and the value ends up in the image layers, history or
    config. Known token formats (`AKIA...`, `ghp_...`, `glpat-...`, `xoxb-...`, `sk_live_...`,
    `AIza...`, `-----BEGIN PRIVATE KEY-----`) and passwords inside URLs (`https://user:pass@host`)
    are reported wherever they appear: ARG, ENV, LABEL, RUN, heredocs. The finding shows only the
    first characters of the value.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    ```
    ```dockerfile
    FROM alpine/git:2.45.2
    RUN git clone https://ci:glpat-Zx8vQm2LrT5nW9yK3hPd@gitlab.example.com/team/app.git /src
    ```

    ## Good
    ```dockerfile
    FROM alpine/git:2.45.2
    RUN --mount=type=secret,id=gitlab_token \\
        git clone "https://ci:$(cat /run/secrets/gitlab_token)@gitlab.example.com/team/app.git" /src
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list
    ARG DB_URL=postgres://app:${DB_PASSWORD}@db:5432/app
    ```

    ## Fix
    Revoke the credential (it is already leaked), then supply it at build time with
    `RUN --mount=type=secret` or at run time through the environment or a secrets manager.
    """
    for instruction in ctx.instructions:
        target = instruction.trigger if instruction.keyword == "ONBUILD" and instruction.trigger else instruction
        for token in find_tokens(target.value):
            yield Violation(
                f"{token.kind} ('{redact(token.text)}') is written in the {target.keyword}; revoke it and pass it with "
                "RUN --mount=type=secret or at run time",
                target,
                offset=token.start,
                end_offset=token.end,
            )
        for heredoc in target.heredocs:
            for token in find_tokens(heredoc.content):
                before = heredoc.content[: token.start]
                line = heredoc.line + before.count("\n")
                column = token.start - (before.rfind("\n") + 1) + 1
                yield Violation(
                    f"{token.kind} ('{redact(token.text)}') is written in a heredoc of the {target.keyword}; revoke it "
                    "and pass it with RUN --mount=type=secret or at run time",
                    target,
                    line=line,
                    column=column,
                )


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


@rule(code="IL7011", name="secret-file-copied", family="security", severity="warning")
def secret_file_copied(ctx: LintContext) -> Iterator[Violation]:
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
                    offset=_value_offset(instruction, source),
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


# --- downloads ---------------------------------------------------------------------------------------


@rule(code="IL7004", name="curl-pipe-to-shell", family="security", severity="warning")
def curl_pipe_to_shell(ctx: LintContext) -> Iterator[Violation]:
    """A script downloaded and run in one go (`curl ... | sh`, `bash <(curl ...)`) with no check of what was fetched.

    ## Why
    Whatever the server (or anyone in between, or whoever took over the domain) returns is executed
    as root in the build, and a truncated download runs half a script. Nothing pins what you ran,
    so the same Dockerfile builds different images over time.

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN bash <(curl -fsSL https://sh.rustup.rs) -y
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    ARG RUSTUP_SHA256=6aeece6993e902708983b209d04c0d1dbb14ebb405ddb87def578d41f920f56d
    RUN curl -fsSLo rustup-init.sh https://sh.rustup.rs \\
        && echo "$RUSTUP_SHA256  rustup-init.sh" | sha256sum -c - \\
        && sh rustup-init.sh -y && rm rustup-init.sh
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSL https://api.github.com/repos/cli/cli/releases/latest | python3 -c "import json,sys; print(json.load(sys.stdin)['tag_name'])"
    ```

    ## Fix
    Download to a file, verify it against a pinned checksum or signature, then run it. Better,
    install the tool from a package or copy it from an official image (`COPY --from=...`).
    """
    for run in ctx.run_scripts:
        commands = run.script.commands
        for pipeline in run.script.pipelines():
            fetcher = next((c for c in pipeline if c.name in FETCHERS and writes_to_stdout(c)), None)
            if fetcher is None:
                continue
            after = pipeline[pipeline.index(fetcher) + 1 :]
            runner = next((c for c in after if reads_program_from_stdin(c)), None)
            if runner is not None:
                yield _at_command_start(
                    run,
                    fetcher,
                    f"'{fetcher.name} ... | {runner.name}' runs a downloaded script unchecked; download it to a file, "
                    "verify its checksum or signature, then run it",
                )
        for runner in commands:
            if interpreter(runner) is None and runner.name not in ("source", "."):
                continue
            for fetcher in commands:
                if fetcher.name in FETCHERS and fetcher.depth > runner.depth and _substituted_as_program(runner, fetcher):
                    yield _at_command_start(
                        run,
                        runner,
                        f"'{runner.name}' runs the output of {fetcher.name} unchecked; download it to a file, verify "
                        "its checksum or signature, then run it",
                    )
                    break


def _substituted_as_program(runner: Command, fetcher: Command) -> bool:
    """``bash <(curl ...)``, ``source <(curl ...)``, ``sh -c "$(curl ...)"``: the fetch *is* the program."""
    for index, word in enumerate(runner.words[1:], start=1):
        if not (word.start <= fetcher.start < word.end):
            continue
        if word.raw.startswith("<("):
            return not any(not w.value.startswith("-") for w in runner.words[1:index])
        previous = runner.words[index - 1].value
        return previous.startswith("-") and "c" in previous[1:] and word.value.lstrip().startswith(("$(", "`"))
    return False


_VERIFIERS = frozenset({"sha256sum", "sha512sum", "sha1sum", "md5sum", "shasum", "gpg", "gpgv", "cosign", "minisign", "signify"})
_LOCAL_HOSTS = re.compile(r"^https?://(?:localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.|host\.docker\.internal|\$)")


@rule(code="IL7012", name="download-over-http", family="security", severity="warning")
def download_over_http(ctx: LintContext) -> Iterator[Violation]:
    """A file fetched over plain `http://` with no checksum or signature check.

    ## Why
    Anyone on the network path can replace an HTTP download. `ADD http://...` without
    `--checksum`, or `curl`/`wget` of an `http://` URL in a RUN that never verifies what it got
    (`sha256sum -c`, `gpg --verify`), puts whatever arrived into the image. Package-manager
    sources (`deb http://...`) are not reported: apt and friends verify signatures.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ADD http://downloads.example.org/tool-1.2.tar.gz /tmp/
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSLo /tmp/tool.tgz http://downloads.example.org/tool-1.2.tgz && tar -xzf /tmp/tool.tgz -C /opt
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d http://downloads.example.org/tool-1.2.tar.gz /tmp/
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSLo /tmp/tool.tgz http://archive.apache.org/dist/tool/tool-1.2.tgz \\
        && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/tool.tgz" | sha256sum -c - \\
        && tar -xzf /tmp/tool.tgz -C /opt
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsS http://localhost:8080/health || true
    ```

    ## Fix
    Use `https://`, and pin the content: `ADD --checksum=sha256:...` or a `sha256sum -c` /
    `gpg --verify` step right after the download.
    """
    for instruction in ctx.of("ADD"):
        if instruction.flag("checksum") is not None:
            continue
        for source in instruction.words()[:-1]:
            if source.lower().startswith("http://") and not _LOCAL_HOSTS.match(source):
                yield Violation(
                    f"ADD downloads {source} over plain HTTP without --checksum; use https:// and ADD --checksum=sha256:<digest>",
                    instruction,
                    offset=_value_offset(instruction, source),
                )
    for run in ctx.run_scripts:
        if any(c.name in _VERIFIERS for c in run.script.commands):
            continue
        for command in run.commands(*FETCHERS):
            url = next((a for a in command.args if a.lower().startswith("http://") and not _LOCAL_HOSTS.match(a)), None)
            if url is not None:
                yield _at_command_start(
                    run,
                    command,
                    f"{command.name} downloads {url} over plain HTTP and nothing verifies it; use https:// and check a "
                    "pinned sha256sum or signature",
                )


# --- verification switched off -------------------------------------------------------------------

_FALSE = frozenset({"false", "0", "no", "off"})
_SSL_VERIFY_SETTING = re.compile(r"^(?:[\w.-]+\.)?sslverify\s*=\s*(?:false|0|no|off)$", re.IGNORECASE)


def _tls_switch(command: Command) -> str | None:
    """The option or setting by which a command turns TLS certificate checks off, if any."""
    name = command.name
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
            if positionals[-2].endswith("sslverify") and positionals[-1] in _FALSE:
                return "git config http.sslVerify false"
    if name in ("npm", "yarn", "pnpm"):
        args = [a.lower() for a in command.args]
        for i, arg in enumerate(args):
            if arg in ("strict-ssl", "enablestrictssl", "strict_ssl") and i + 1 < len(args) and args[i + 1] in _FALSE:
                return f"{name} config set strict-ssl false"
            if arg in ("--strict-ssl=false", "strict-ssl=false", "--no-strict-ssl"):
                return f"{name} --strict-ssl=false"
    if name in ("yum", "dnf", "microdnf", "tdnf") and any(
        _SSL_VERIFY_SETTING.match(v) for v in command.option_values("--setopt")
    ):
        return f"{name} --setopt=sslverify=false"
    if name in ("conda", "mamba", "micromamba"):
        args = [a.lower() for a in command.args]
        if "ssl_verify" in args and args.index("ssl_verify") + 1 < len(args) and args[args.index("ssl_verify") + 1] in _FALSE:
            return f"{name} config --set ssl_verify false"
    if name == "composer":
        args = [a.lower() for a in command.args]
        if ("disable-tls" in args and "true" in args) or ("secure-http" in args and "false" in args):
            return "composer config disable-tls/secure-http"
    if name in ("helm", "kubectl", "oc") and command.has_option("--insecure-skip-tls-verify"):
        return f"{name} --insecure-skip-tls-verify"
    if name in ("skopeo", "podman", "buildah", "crane", "oras", "regctl"):
        no_verify = any(a.split("=")[0].endswith("tls-verify") and a.endswith("=false") for a in command.args)
        if no_verify or command.has_option("--insecure"):
            return f"{name} --tls-verify=false"
    if name == "go" and command.has_option("-insecure"):
        return "go get -insecure"
    return _tls_switch_in_config(command)


def _tls_switch_in_config(command: Command) -> str | None:
    """``echo insecure >> ~/.curlrc``, ``echo check_certificate=off >> ~/.wgetrc``, ``sslverify=0`` in a .repo."""
    if command.name not in ("echo", "printf", "sed", "tee"):
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


@rule(
    code="IL7005",
    name="tls-verification-disabled",
    family="security",
    severity="warning",
    checkov=("CKV2_DOCKER_2", "CKV2_DOCKER_3", "CKV2_DOCKER_4", "CKV2_DOCKER_13", "CKV2_DOCKER_15"),
)
def tls_verification_disabled(ctx: LintContext) -> Iterator[Violation]:
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
                yield _at_command_start(
                    run,
                    command,
                    f"{switch} turns off TLS certificate checks, so a man in the middle can swap what is downloaded; "
                    "remove it and trust the needed CA certificate instead",
                )


_VERIFICATION_ENV_HINTS = (
    "TLS_REJECT", "SSL_NO_VERIFY", "HTTPSVERIFY", "STRICT_SSL", "TRUSTED_HOST", "SSL_VERIFY", "GOINSECURE", "GOSUMDB", "GOFLAGS",
)


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
    if upper in ("NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL", "YARN_ENABLE_STRICT_SSL") and lowered in _FALSE:
        return "turns off TLS certificate checks in npm/yarn"
    if upper == "PIP_TRUSTED_HOST" and lowered:
        return "makes pip skip TLS certificate checks for those hosts"
    if upper == "CONDA_SSL_VERIFY" and lowered in _FALSE:
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
)
def verification_disabled_by_env(ctx: LintContext) -> Iterator[Violation]:
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
                    offset=_value_offset(instruction, name),
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
                    yield _at_command_start(
                        run, command, f"{name}={value} {effect}; remove it and trust the needed CA certificate instead"
                    )
                    break


_LOCAL_PACKAGE = re.compile(r"^(?:\.{0,2}/|\$|\{).*|.*\.(?:apk|rpm|deb)$")


def _signature_switch(command: Command) -> str | None:
    name = command.name
    if name in ("apt-get", "apt", "aptitude"):
        if command.has_option("--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"):
            return f"{name} --allow-unauthenticated/--force-yes"
        for value in command.option_values("-o", "--option"):
            key, _, setting = value.partition("=")
            unsigned = key.lower().endswith(("allowunauthenticated", "allowinsecurerepositories", "allow-insecure"))
            if unsigned and setting.lower() in ("true", "1", "yes"):
                return f"{name} -o {key}=true"
    if name == "apk" and command.has_option("--allow-untrusted"):
        # Installing or indexing packages this build made (official nginx images) is not a download.
        positionals = command.positionals()
        if positionals[:1] == ["index"] or (len(positionals) > 1 and all(_LOCAL_PACKAGE.match(p) for p in positionals[1:])):
            return None
        return "apk --allow-untrusted"
    if name in ("yum", "dnf", "microdnf", "tdnf", "zypper"):
        if command.has_option("--nogpgcheck", "--no-gpg-checks", "--no-gpgcheck"):
            positionals = command.positionals()
            if len(positionals) > 1 and all(_LOCAL_PACKAGE.match(p) and "://" not in p for p in positionals[1:]):
                return None
            return f"{name} --nogpgcheck"
        if any(re.match(r"^(?:[\w.-]+\.)?gpgcheck=(?:0|false|no)$", v, re.IGNORECASE) for v in command.option_values("--setopt")):
            return f"{name} --setopt=gpgcheck=0"
    if name == "rpm" and command.has_option("--nosignature", "--nodigest", "--noverify"):
        return "rpm --nosignature/--nodigest"
    if name in ("echo", "printf", "sed", "tee"):
        text = " ".join(command.args).replace("\\n", "\n")
        if re.search(r"\[[^\]]*trusted\s*=\s*yes[^\]]*\]", text) and not re.search(r"\b(?:file|copy):/", text):
            return "an apt source marked [trusted=yes]"
        if re.search(r"\b(?:repo_)?gpgcheck\s*=\s*(?:0|false|no)\b", text, re.IGNORECASE) and "file://" not in text:
            return "a repository with gpgcheck=0"
    return None


@rule(
    code="IL7007",
    name="package-signature-check-disabled",
    family="security",
    severity="warning",
    checkov=("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"),
)
def package_signature_check_disabled(ctx: LintContext) -> Iterator[Violation]:
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
                yield _at_command_start(
                    run,
                    command,
                    f"{switch} installs packages without checking their signatures; import the repository's signing "
                    "key instead",
                )


# --- permissions and exposure -------------------------------------------------------------------


def _world_writable(mode: str) -> bool:
    """Whether a chmod mode gives write access to everyone (sticky-bit modes like 1777 excepted)."""
    if re.fullmatch(r"[0-7]{3,4}", mode):
        others = int(mode[-1])
        sticky = len(mode) == 4 and int(mode[0]) & 1
        return bool(others & 2) and not sticky
    writable = sticky = False
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)", clause)
        if not match:
            return False
        who = match.group(1)
        for op, perms in re.findall(r"([-+=])([rwxXstugo]*)", match.group(2)):
            if op in "+=" and "w" in perms and ("o" in who or "a" in who):
                writable = True
            if op in "+=" and "t" in perms:
                sticky = True
    return writable and not sticky


@rule(code="IL7009", name="world-writable-permissions", family="security", severity="warning")
def world_writable_permissions(ctx: LintContext) -> Iterator[Violation]:
    """`chmod 777` (or `a+w`, `COPY --chmod=777`): every user in the container can change those files.

    ## Why
    A world-writable program, config or directory lets any process in the container (including a
    compromised unprivileged one) replace code that root or the application later runs. Shared
    scratch directories should use the sticky bit (`1777`, like `/tmp`); for images that run under
    an arbitrary UID, give the group write access (`chgrp 0` + `chmod g=u`).

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    COPY entrypoint.sh /usr/local/bin/
    RUN chmod 777 /usr/local/bin/entrypoint.sh
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY --chmod=777 app/ /srv/app/
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    RUN mkdir -p /var/run/app && chmod 1777 /var/run/app
    ```
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal
    RUN mkdir -p /opt/app && chgrp -R 0 /opt/app && chmod -R g=u /opt/app
    ```
    ```dockerfile
    FROM golang:1.22 AS build
    RUN chmod -R 777 /go
    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /go/bin/app /app
    ```

    ## Fix
    Use the narrowest mode that works (`755`, `775` with the right group), set the owner with
    `chown`/`COPY --chown`, or `1777` for shared scratch directories.
    """
    for run in ctx.shipped_scripts:
        # A scratch directory the same RUN deletes again never reaches the image (official nginx).
        removed = {a for c in run.commands("rm") for a in c.args if not a.startswith("-")}
        for command in run.commands("chmod"):
            mode = next((a for a in command.args if not a.startswith("-") or re.fullmatch(r"-[rwxXst]+", a)), None)
            if mode is not None and _world_writable(mode):
                paths = [a for a in command.args[command.args.index(mode) + 1 :] if not a.startswith("-")]
                if paths and all(p in removed for p in paths):
                    continue
                shown = " ".join(paths[:2]) + (" ..." if len(paths) > 2 else "")
                yield _at_command_start(
                    run,
                    command,
                    f"chmod {mode} makes {shown or 'the files'} writable by every user; use 755/775 with the right "
                    "owner, or 1777 for a shared scratch directory",
                )
    for instruction in ctx.of("COPY", "ADD"):
        mode = instruction.flag("chmod")
        if instruction.stage in ctx.shipped_stages and mode and _world_writable(mode):
            yield Violation(
                f"{instruction.keyword} --chmod={mode} makes the copied files writable by every user; use 755 or 644",
                instruction,
            )


@rule(code="IL7010", name="ssh-port-exposed", family="security", severity="warning", checkov=("CKV_DOCKER_1",))
def ssh_port_exposed(ctx: LintContext) -> Iterator[Violation]:
    """The image EXPOSEs port 22: it runs an SSH server.

    ## Why
    An SSH daemon in a container is one more service with credentials to manage and attack, and
    it is not needed to get a shell: `docker exec` and `kubectl exec` do that with the platform's
    access control.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    EXPOSE 22
    CMD ["/usr/sbin/sshd", "-D"]
    ```

    ## Good
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 80 443
    ```
    ```dockerfile
    FROM gitea/gitea:1.22
    EXPOSE 2222
    ```

    ## Fix
    Drop the SSH server and `EXPOSE 22`; use `docker exec` / `kubectl exec` for shell access.
    """
    for instruction in ctx.of("EXPOSE"):
        if instruction.stage not in ctx.shipped_stages:
            continue
        for word in instruction.words():
            text = expand(word, instruction.scope).text if instruction.scope is not None and "$" in word else word
            port = text.split("/", 1)[0]
            low, _, high = port.partition("-")
            if low.isdigit() and (int(low) == 22 or (high.isdigit() and int(low) <= 22 <= int(high))):
                yield Violation(
                    "EXPOSE 22 publishes an SSH server; drop sshd and use docker exec / kubectl exec for shell access",
                    instruction,
                    offset=_value_offset(instruction, word),
                )


@rule(code="IL7013", name="hardcoded-password-in-run", family="security", severity="warning", checkov=("CKV2_DOCKER_17",))
def hardcoded_password_in_run(ctx: LintContext) -> Iterator[Violation]:
    """A RUN sets an account password from a literal (`echo 'root:pw' | chpasswd`, `useradd -p`, `openssl passwd pw`).

    ## Why
    The password is readable in the Dockerfile, in the image history and (as a hash) in
    `/etc/shadow` of every container: every copy of the image shares it. Containers rarely need
    account passwords at all.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN useradd -m app && echo 'app:Sup3rS3cret' | chpasswd
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN useradd -m -p "$(openssl passwd -6 hunter2)" app
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN useradd --create-home --shell /usr/sbin/nologin app
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN --mount=type=secret,id=app_password \\
        echo "app:$(cat /run/secrets/app_password)" | chpasswd
    ```

    ## Fix
    Do not give accounts passwords in the image; if one is needed, set it at run time or from a
    build secret (`RUN --mount=type=secret`).
    """
    for run in ctx.run_scripts:
        for pipeline in run.script.pipelines():
            for index, command in enumerate(pipeline):
                if command.name not in ("chpasswd", "passwd"):
                    continue
                if command.name == "passwd" and not command.has_option("--stdin"):
                    continue
                feeds = [c for c in pipeline[:index] if c.name in ("echo", "printf")]
                texts = [" ".join(a for a in c.args if not a.startswith("-")) for c in feeds]
                texts += [r.target.value for r in command.redirects if r.op == "<<<" and r.target is not None]
                if any(_literal_password_line(t, command.name) for t in texts):
                    yield _at_command_start(
                        run,
                        feeds[0] if feeds else command,
                        f"{command.name} sets a password written in the Dockerfile; avoid account passwords or read it "
                        "from RUN --mount=type=secret",
                    )
        for command in run.commands("useradd", "usermod"):
            password = command.option_value("-p", "--password", value_options=_USERADD_VALUE_OPTIONS)
            if password and not password.startswith("$(") and "`" not in password and (
                "$" not in password or re.match(r"^\$(?:1|2[aby]?|5|6|y)\$", password)
            ):
                yield _at_command_start(
                    run,
                    command,
                    f"{command.name} -p sets a password hash written in the Dockerfile; avoid account passwords in images",
                )
        for command in run.commands("openssl"):
            positionals = command.positionals(value_options={"-salt", "-in"})
            if positionals[:1] == ["passwd"] and len(positionals) > 1 and "$" not in positionals[-1]:
                yield _at_command_start(
                    run, command, "openssl passwd hashes a password written in the Dockerfile; avoid account passwords in images"
                )


_USERADD_VALUE_OPTIONS = frozenset(
    "-u --uid -g --gid -G --groups -d --home-dir -s --shell -c --comment -e --expiredate -f --inactive -k "
    "--skel -K --key -p --password -R --root -P --prefix -b --base-dir -Z --selinux-user".split()
)


def _literal_password_line(text: str, program: str) -> bool:
    """``user:password`` (chpasswd) or ``password`` (passwd --stdin) with no variable or substitution."""
    text = text.strip().replace("\\n", "\n")
    if not text or "$" in text or "`" in text:
        return False
    if program == "passwd":
        return True
    return any(":" in line and line.split(":", 1)[1].strip() for line in text.splitlines())
