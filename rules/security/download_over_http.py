"""IL7012 download-over-http."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.fetch import FETCHERS
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start, value_offset

_VERIFIERS = frozenset({"sha256sum", "sha512sum", "sha1sum", "md5sum", "shasum", "gpg", "gpgv", "cosign", "minisign", "signify"})


_LOCAL_HOSTS = re.compile(r"^https?://(?:localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.|host\.docker\.internal|\$)")


@rule(
    code="IL7012",
    name="download-over-http",
    family="security",
    severity="warning",
    instructions=("ADD", "RUN"),
    mentions=("http://",),
)
def download_over_http(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
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
                    offset=value_offset(instruction, source),
                )
    for run in ctx.run_scripts:
        if any(c.name in _VERIFIERS for c in run.script.commands):
            continue
        for command in run.commands(*FETCHERS):
            url = next((a for a in command.args if a.lower().startswith("http://") and not _LOCAL_HOSTS.match(a)), None)
            if url is not None:
                yield at_command_start(
                    run,
                    command,
                    f"{command.name} downloads {url} over plain HTTP and nothing verifies it; use https:// and check a "
                    "pinned sha256sum or signature",
                )
