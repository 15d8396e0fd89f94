"""IL7003 hardcoded-secret: tokens and keys in RUN, heredocs and labels, locations and what is not a token."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_token_in_a_multiline_run_points_at_its_line_and_column():
    text = (
        "FROM alpine:3.20\n"
        "RUN apk add --no-cache git \\\n"
        "    && git clone https://x:ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ@github.com/o/r.git /src\n"
    )
    finding = catches("IL7003", text)[0]
    assert (finding.line, finding.column) == (3, 28)
    assert "ghp_***" in finding.message and "abcdefgh" not in finding.message


def test_private_key_in_a_heredoc():
    text = (
        "FROM alpine:3.20\n"
        "COPY <<EOF /root/.ssh/id_ed25519\n"
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----\n"
        "EOF\n"
    )
    finding = catches("IL7003", text)[0]
    assert (finding.line, finding.column) == (3, 1)


def test_urls_without_literal_passwords_are_fine():
    passes("IL7003", "FROM alpine:3.20\nRUN git clone https://${GIT_USER}:${GIT_TOKEN}@github.com/o/r.git\n")
    passes("IL7003", "FROM alpine:3.20\nRUN curl -fsSL https://user@example.com/file -o /tmp/f\n")
    passes("IL7003", "FROM alpine:3.20\nENV DATABASE_URL=postgres://app:changeme@db:5432/app\n")


def test_aws_key_in_a_label():
    catches("IL7003", 'FROM alpine:3.20\nLABEL build.key="AKIAIOSFODNN7EXAMPLE"\n')


def test_public_gpg_fingerprints_are_not_tokens():
    passes("IL7003", "FROM python:3.12\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n")
