"""IL8016 pipe-without-pipefail."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.fetch import FETCHERS, reads_program_from_stdin
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import at_script_offset
from imagelint.shell import Command

# Commands whose failure matters when their output is piped on: downloads and builds.
_PRODUCERS_THAT_MATTER = (
    FETCHERS
    | pm.BUILD_TOOL_COMMANDS
    | pm.NODE_PACKAGE_MANAGERS
    | frozenset(pm.PIP.commands)
    | frozenset({"make", "cmake", "ninja", "go", "dotnet", "ant", "sbt", "bazel", "configure", "git", "aws", "gsutil", "az", "gcloud"})
)


# Consumers that fail on empty or truncated input, so a failed producer still fails the pipe.
_CHECKS_ITS_INPUT = pm.LOW_LEVEL_COMMANDS | frozenset(
    {"tar", "bsdtar", "gunzip", "zcat", "unxz", "xzcat", "bunzip2", "bzcat", "unzstd", "zstdcat", "gpg", "gpg2",
     "gpgv", "apt-key", "unzip", "cpio", "busybox"}
)  # fmt: skip


_DECOMPRESSORS = frozenset({"gzip", "xz", "bzip2", "zstd", "lz4", "lzma"})


_CHECKSUMS = frozenset({"sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "md5sum", "shasum", "b2sum"})


def _consumer_checks_input(command: Command) -> bool:
    name = command.name
    if name in _CHECKS_ITS_INPUT:
        return True
    if name in _DECOMPRESSORS:
        return command.has_option("-d", "--decompress")
    if name in _CHECKSUMS:
        return command.has_option("-c", "--check")
    if name in ("grep", "egrep", "fgrep"):
        return not command.has_option("-v", "--invert-match", "-c", "--count")
    if name.startswith("python") and not reads_program_from_stdin(command):
        return True  # python -c 'json.load(sys.stdin)' fails on empty input
    return False


def _producer_matters(command: Command) -> bool:
    first = command.words[0].value if command.words else ""
    return command.name in _PRODUCERS_THAT_MATTER or first.startswith("./") or first.endswith(".sh")


def _pipefail_on(ctx: LintContext, run: RunScript, position: int) -> bool:
    """``set -o pipefail`` earlier in the script, or a SHELL with ``-o pipefail``."""
    if "pipefail" in run.script.sets:
        return True
    for command in run.script.commands:
        if command.start >= position:
            break
        if command.name == "set" and "pipefail" in command.args:
            return True
    stage = ctx.stage_of(run.instruction)
    shell = ctx.shell_in_force(stage, run.instruction) if stage is not None else None
    return bool(shell) and "pipefail" in shell


@rule(
    code="IL8016",
    name="pipe-without-pipefail",
    family="correctness",
    severity="warning",
    hadolint=("DL4006",),
    instructions=("RUN",),
    mentions=("|",),
)
def pipe_without_pipefail(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A download or build is piped into a command that succeeds on empty input, and nothing sets `pipefail`: its failure is ignored.

    ## Why
    `/bin/sh -c` reports only the last command of a pipe. When `curl` fails in
    `curl -fsSL $URL | sh` or `VERSION=$(curl ... | jq -r .tag)`, `sh` runs an empty script and
    `jq` prints nothing, both successfully: the build goes on with nothing installed or an empty
    version. Pipes into commands that reject empty or truncated input (`tar`, `gpg`, `apt-key`,
    `sha256sum -c`, `grep`) do fail, and are not reported; nor are pipes from commands that cannot
    meaningfully fail (`echo`, `printf`).

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN VERSION="$(wget -qO- https://api.example.com/latest | jq -r .tag)" && echo "$VERSION" > /VERSION
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    ```dockerfile
    FROM alpine:3.20
    RUN set -o pipefail && wget -qO- https://api.example.com/latest | jq -r .tag > /VERSION
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin \\
        && curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg \\
        && echo "deb [signed-by=/usr/share/keyrings/example.gpg] https://example.com stable main" | tee /tmp/example.list
    ```

    ## Fix
    Start the RUN with `set -o pipefail &&` (bash, busybox ash) or, on Debian/Ubuntu where `/bin/sh`
    is dash, set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before it.
    """
    for run in ctx.run_scripts:
        stage = ctx.stage_of(run.instruction)
        if stage is not None and ctx.is_windows(stage):
            continue
        for pipeline in run.script.pipelines():
            if len(pipeline) < 2 or _consumer_checks_input(pipeline[-1]):
                continue
            producer = next((c for c in pipeline[:-1] if _producer_matters(c)), None)
            if producer is None or _pipefail_on(ctx, run, producer.start):
                continue
            consumer = pipeline[-1].name or "the last command"
            yield at_script_offset(
                run,
                producer.start,
                f"if {producer.name} fails, the pipe into {consumer} still succeeds because /bin/sh checks only the "
                "last command; add 'set -o pipefail &&' or SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]",
            )
