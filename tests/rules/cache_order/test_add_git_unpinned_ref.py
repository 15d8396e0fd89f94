"""IL1005 add-git-unpinned-ref: git ADD sources on a branch or default ref, and pinned refs."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#master /src\n",
        "FROM alpine:3.20\nARG REF=main\nADD https://github.com/moby/buildkit.git#${REF} /src\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#main:frontend /src\n",
    ],
)
def test_add_git_unpinned_catches(text):
    catches("IL1005", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.15.0 /src\n",
        "FROM alpine:3.20\nARG RUNC_VERSION\nADD https://github.com/opencontainers/runc.git#$RUNC_VERSION /src\n",
        "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git?ref=main&checksum=" + "a" * 40 + " /src\n",
        "FROM alpine:3.20\nADD --checksum=" + "b" * 40 + " https://github.com/moby/buildkit.git /src\n",
        "FROM alpine:3.20\nADD https://example.com/archive.tar.gz /src\n",
    ],
)
def test_add_git_unpinned_passes(text):
    passes("IL1005", text)
