"""IL6018 wget-and-curl: wget and curl both used, at the second tool, across stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE, DEB
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN curl -fsSLo /a https://example.com/a\nRUN curl -fsSLo /b https://example.com/b",
        # builder stage uses wget, the image only curl
        "FROM alpine:3.22 AS fetch\nRUN wget -q https://example.com/a\nFROM alpine:3.22\nRUN apk add --no-cache curl && curl -fsS https://example.com",
        # curl is installed and removed in the same RUN (docker-library style)
        ALPINE + "RUN apk add --no-cache --virtual .fetch curl && curl -fsSLO https://example.com/a && apk del .fetch\n"
        "RUN wget -q https://example.com/b",
        DEB + "RUN apt-mark showmanual > /tmp/m && apt-get install -y wget && wget https://example.com/a "
        "&& apt-mark auto '.*' > /dev/null && apt-get purge -y --auto-remove\nRUN curl -fsS https://example.com",
        DEB + "RUN apt-get install -y wget && wget -q https://example.com/a && apt-get remove -y wget\n"
        "RUN curl -fsS https://example.com",
    ],
)
def test_wget_curl_passes(text):
    passes("IL6018", text)


def test_wget_curl_catches_once_at_second_tool():
    text = DEB + "RUN wget -q https://example.com/a\nRUN curl -fsSLO https://example.com/b\nRUN curl -fsSLO https://example.com/c\n"
    findings = catches("IL6018", text)
    assert len(findings) == 1 and findings[0].line == 3 and "line 2" in findings[0].message


def test_wget_curl_across_parent_stage():
    text = "FROM debian:12-slim AS base\nRUN wget -q https://example.com/a\nFROM base\nRUN curl -fsS https://example.com\n"
    assert catches("IL6018", text)[0].line == 4


def test_wget_curl_temporary_package_list_in_variable():
    text = DEB + (
        "RUN fetchDeps='wget' && apt-get install -y $fetchDeps && wget -q https://example.com/gosu "
        "&& apt-get purge -y --auto-remove $fetchDeps\nRUN curl -fsS https://example.com\n"
    )
    passes("IL6018", text)
