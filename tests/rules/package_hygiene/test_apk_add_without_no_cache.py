"""IL6006 apk-add-without-no-cache: apk add without --no-cache, one finding per RUN and builder stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apk add --no-cache curl",
        "RUN apk --no-cache add curl",
        "RUN apk add --update curl && rm -rf /var/cache/apk/*",
        "RUN apk update && apk add curl && rm -rf /var/cache/apk/*",
        "RUN --mount=type=cache,target=/var/cache/apk apk add curl",
        "RUN --mount=type=cache,target=/etc/apk/cache apk add --update curl",
        "RUN apk add --no-cache --virtual .deps gcc && apk add --no-network --virtual .rundeps libgcc && apk del .deps",
        "RUN apk del curl",
        "RUN apk info",
    ],
)
def test_apk_cache_passes(run):
    passes("IL6006", ALPINE + run)


@pytest.mark.parametrize(
    ("run", "words"),
    [
        ("RUN apk add curl", "apk add without --no-cache"),
        ("RUN apk update && apk add --no-cache curl", "apk update stores"),
        ("RUN apk add --update curl", "apk add without --no-cache"),
        ("RUN apk upgrade", "apk upgrade without --no-cache"),
    ],
)
def test_apk_cache_catches(run, words):
    assert words in catches("IL6006", ALPINE + run)[0].message


def test_apk_cache_one_finding_per_run_and_location():
    text = ALPINE + "RUN set -eux; \\\n  apk update; \\\n  apk add curl; \\\n  apk add git\n"
    findings = catches("IL6006", text)
    assert [(f.line, f.column) for f in findings] == [(3, 3)]


def test_apk_cache_builder_stage_exempt():
    passes("IL6006", "FROM alpine:3.22 AS build\nRUN apk add build-base\nFROM alpine:3.22\nCOPY --from=build /a /a\n")
