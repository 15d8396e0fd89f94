"""IL1004 add-url-without-checksum."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.installs import URL
from imagelint.knowledge.steps import is_git_source
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.cache_order.shared import adds, violation_at

# Display-only: the digest must come from a source the user trusts, never from fetching the URL now.
_CHECKSUM_ADVICE = "ADD --checksum=sha256:<digest> <url> <dest> (imagelint fix leaves this to you: take the digest from a source you trust)"

# Branch-head API URLs, added so that the cache breaks when the branch moves (a deliberate idiom).
_CACHE_BUSTER = re.compile(r"//api\.github\.com/repos/.+/(?:git/refs/|commits|branches/)|/api/v4/projects/.+/repository/(?:commits|branches)")


@rule(code="IL1004", name="add-url-without-checksum", family="cache-order", severity="warning", instructions=("ADD",))
def add_url_without_checksum(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`ADD <url>` without `--checksum`: fetched on every build and never verified.

    ## Why
    Without a checksum BuildKit cannot know whether the remote file changed, so it contacts the
    server on every build to decide whether the layer (and everything after it) can be reused;
    when the file behind the URL changes (a `latest` or `master` link, a re-published release),
    the cache silently breaks and the build gets different bytes, unverified. With
    `--checksum=sha256:...` the URL is immutable: the layer is reused without a download, and a
    tampered or changed file fails the build.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    ```

    ## Good
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \\
        https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    ```
    ```dockerfile
    FROM alpine:3.20
    ADD rootfs.tar.gz /
    ```
    ```dockerfile
    FROM alpine:3.20
    # rebuild the clone below whenever the branch moves
    ADD https://api.github.com/repos/moby/buildkit/git/refs/heads/master /tmp/head.json
    RUN apk add --no-cache git && git clone --depth 1 https://github.com/moby/buildkit /src
    ```

    ## Fix
    Add `--checksum=sha256:<digest of the file>` (Dockerfile syntax 1.6 or later), or download with
    `curl` and check the digest with `sha256sum -c` in the same RUN.

    `imagelint fix` leaves this to you: the digest has to come from a source you trust (the
    project's published checksums, or a download you verified), and a digest computed by
    fetching the URL now would only pin whatever the server sends today. The fix is shown as
    advice and never applied.
    """
    for instruction, source, offset, _ in adds(ctx):
        if not URL.match(source) or is_git_source(source) or instruction.flag("checksum") is not None:
            continue
        if _CACHE_BUSTER.search(source):
            continue  # ``ADD .../git/refs/heads/main`` is fetched on purpose, to rebuild when the branch moves
        yield violation_at(
            instruction,
            f"ADD of {source} has no --checksum: it is fetched again on every build and its content is "
            f"never verified; add --checksum=sha256:<digest>",
            source,
            offset,
            fix=_CHECKSUM_ADVICE,
        )
