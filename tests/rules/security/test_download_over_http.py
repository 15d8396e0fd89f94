"""IL7012 download-over-http: downloads over plain HTTP without verification, and where the finding points."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_http_downloads_without_verification():
    catches("IL7012", "FROM debian:bookworm-slim\nRUN wget -t 10 -O /tmp/k.tgz http://archive.apache.org/dist/kafka/3.7.0/kafka.tgz && tar -xzf /tmp/k.tgz\n")


def test_http_downloads_that_are_verified_or_local_are_fine():
    passes(
        "IL7012",
        "FROM debian:bookworm-slim\nRUN wget -O k.tgz http://archive.apache.org/dist/k.tgz && wget -O k.asc http://archive.apache.org/dist/k.tgz.asc \\\n"
        "    && gpg --batch --verify k.asc k.tgz\n",
    )
    passes("IL7012", "FROM alpine:3.20\nADD http://0.0.0.0:${HTTP_SERVER_PORT}/README.md /tmp/\n")
    passes("IL7012", "FROM alpine:3.20\nRUN wget -c http://localhost:8000/Dockerfile\n")
    passes("IL7012", "FROM alpine:3.20\nADD https://example.com/tool.tgz /tmp/\nRUN curl -fsSLO https://example.com/x\n")


def test_http_download_points_at_the_command():
    finding = catches("IL7012", "FROM debian:bookworm-slim\nRUN set -eux; \\\n    curl -fsSLo x.jar http://example.org/x.jar\n")[0]
    assert (finding.line, finding.column) == (3, 5)
