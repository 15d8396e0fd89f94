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


def test_passwords_given_to_curl_and_wget_are_reported_and_masked():
    text = (
        "FROM alpine:3.20\n"
        "RUN curl -fsS -u admin:Tr0ub4dor-3 https://files.example.com/a \\\n"
        "    && curl --user=ci:hunter2-hunter2 https://files.example.com/b \\\n"
        "    && wget --http-password Zebra-Staple-9 --http-user=ci https://files.example.com/c\n"
    )
    findings = catches("IL7003", text)
    assert [(f.line, f.column) for f in findings] == [(2, 24), (3, 23), (4, 29)]
    assert "a password given to curl -u ('Tr***')" in findings[0].message
    assert "a password given with --http-password" in findings[2].message
    assert not any(word in f.message for f in findings for word in ("Tr0ub4dor", "hunter2-", "Zebra-"))


def test_command_line_passwords_from_variables_or_other_programs_are_fine():
    passes("IL7003", 'FROM alpine:3.20\nRUN curl -fsS -u "ci:${CI_PASSWORD}" https://files.example.com/a\n')
    passes("IL7003", "FROM alpine:3.20\nRUN adduser -u 1000 app && chown -R app:app /srv\n")
    passes("IL7003", "FROM alpine:3.20\nRUN sort -u a:b > c\n")  # -u outside curl: not a user:password
    passes("IL7003", "FROM docker:27\nRUN echo $TOKEN | docker login --password-stdin registry.example.com\n")
    passes("IL7003", "FROM alpine:3.20\nRUN wget --password=changeme https://files.example.com/a\n")  # a placeholder


def test_a_whole_private_key_is_one_finding():
    text = 'FROM alpine:3.20\nRUN echo "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----" > /k\n'
    (finding,) = catches("IL7003", text)
    assert "a private key ('BEGIN RSA PRIVATE KEY')" in finding.message and "MIIE" not in finding.message
