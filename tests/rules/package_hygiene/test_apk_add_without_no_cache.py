"""IL6006 apk-add-without-no-cache: apk add without --no-cache, one finding per RUN and builder stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE, fix_of, fixed
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

# --- the fix: --no-cache after add ----------------------------------------------------------------


def test_fix_adds_no_cache_after_add():
    assert fixed("IL6006", ALPINE + "RUN apk add curl\n") == ALPINE + "RUN apk add --no-cache curl\n"
    assert fix_of("IL6006", ALPINE + "RUN apk add curl\n").applicability == "safe"


def test_fix_every_add_of_a_run_in_rounds():
    text = ALPINE + "RUN apk add curl \\\n && apk add --virtual .build-deps gcc \\\n && apk del .build-deps\n"
    assert fixed("IL6006", text) == (
        ALPINE + "RUN apk add --no-cache curl \\\n && apk add --no-cache --virtual .build-deps gcc \\\n && apk del .build-deps\n"
    )


def test_fix_after_upgrade():
    assert fixed("IL6006", ALPINE + "RUN apk upgrade\n") == ALPINE + "RUN apk upgrade --no-cache\n"


def test_fix_keeps_crlf():
    text = "FROM alpine:3.22\r\nRUN apk add \\\r\n    curl\r\n"
    assert fixed("IL6006", text) == "FROM alpine:3.22\r\nRUN apk add --no-cache \\\r\n    curl\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + ALPINE + "RUN apk add `\n    curl\n"
    assert fixed("IL6006", text) == "# escape=`\n" + ALPINE + "RUN apk add --no-cache `\n    curl\n"


def test_apk_update_is_left_for_the_user():
    text = ALPINE + "RUN apk update && apk add curl\n"
    assert fix_of("IL6006", text) is None
    assert fixed("IL6006", text, unsafe=True) == text


def test_fix_falls_back_to_advice_when_add_is_not_exact():
    text = ALPINE + 'RUN sh -c "apk \\"add\\" curl"\n'
    assert fix_of("IL6006", text).applicability == "display-only"
    assert fixed("IL6006", text, unsafe=True) == text
