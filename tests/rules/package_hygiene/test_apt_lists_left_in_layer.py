"""IL6003 apt-lists-left-in-layer: apt lists left in the layer, later removal and builder stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /var/cache/apt/*",
        "RUN apt-get update && apt-get install -y curl && apt-get dist-clean",
        "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl",
        "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update",
        "RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update",
        "RUN apt-get install -y curl",  # no update: no new lists in this layer
        "RUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF",
    ],
)
def test_apt_lists_passes(run):
    passes("IL6003", DEB + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl && apt-get clean",  # clean keeps the lists
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl",
        "RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update",
        "RUN apt update && apt install -y curl",
    ],
)
def test_apt_lists_catches(run):
    catches("IL6003", DEB + run)


def test_apt_lists_removal_in_a_later_run_does_not_count():
    text = DEB + "RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n"
    assert catches("IL6003", text)[0].line == 2


def test_apt_lists_builder_stage_exempt():
    passes("IL6003", "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\n")
