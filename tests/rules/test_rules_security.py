"""Security rules (IL7001-IL7013): each rule's extra cases beyond its documented examples.

Most cases are idioms from real Dockerfiles (official images, devcontainers) that must not fire.
"""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes

# --- IL7001 final-stage-runs-as-root --------------------------------------------------------------


def test_root_user_written_numerically_or_with_group():
    catches("IL7001", "FROM alpine:3.20\nUSER 0:0\n")
    catches("IL7001", "FROM alpine:3.20\nUSER root:root\n")


def test_root_user_through_an_arg():
    finding = catches("IL7001", "FROM alpine:3.20\nARG RUN_AS=root\nUSER ${RUN_AS}\n")[0]
    assert finding.line == 3


def test_builder_stage_root_is_fine():
    passes("IL7001", "FROM golang:1.22 AS build\nUSER root\nRUN go build -o /app .\nFROM alpine:3.20\nUSER 65534\n")


def test_user_set_in_parent_stage_counts():
    passes("IL7001", "FROM alpine:3.20 AS base\nUSER app\nFROM base AS final\nCMD [\"app\"]\n")


def test_scratch_and_windows_are_exempt():
    passes("IL7001", "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n")
    passes("IL7001", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"cmd\"]\n")


def test_nonroot_base_images_are_exempt():
    passes("IL7001", "FROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled\nCOPY app/ /app/\n")
    passes("IL7001", "FROM gcr.io/distroless/python3-debian12:nonroot\nCOPY app.py /\n")


def test_privilege_dropping_entrypoints_are_exempt():
    passes(
        "IL7001",
        "FROM alpine:3.20\nRUN apk add --no-cache 'su-exec>=0.2'\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n',
    )
    passes("IL7001", "FROM debian:bookworm-slim\nCOPY --from=tianon/gosu:1.17 /gosu /usr/local/bin/\n")


def test_no_user_points_at_the_final_from():
    finding = catches("IL7001", "FROM golang:1.22 AS build\nRUN true\nFROM debian:bookworm-slim\nCMD [\"app\"]\n")[0]
    assert finding.line == 3


def test_target_stage_is_the_one_checked():
    text = "FROM alpine:3.20 AS dev\nRUN true\nFROM alpine:3.20 AS prod\nUSER app\n"
    assert lint_snippet("IL7001", text, target="dev")
    assert not lint_snippet("IL7001", text)


# --- IL7002 secret-in-arg-or-env ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "ARG USERNAME=vscode",
        "ENV GPG_KEYS 39B641343D8C104B2B146DC3F9C39DC0B9698544 E60913E4D",
        "ARG SWIFT_SIGNING_KEY=8A7495662C3CD4AE18D95637FAF6989E1BC16FEA",
        "ENV RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA",
        "ENV PASSWORD_FILE=/run/secrets/db",
        "ENV NSS_WRAPPER_PASSWD=/opt/bitnami/nss_passwd",
        "ENV ALLOW_EMPTY_PASSWORD=no",
        "ENV MARIADB_ROOT_PASSWORD=''",
        "ARG AWS_SECRET_ACCESS_KEY=FAKE_TO_GENERATE_WARNING_OUTPUT",
        "ENV DB_PASSWORD=changeme",
        "ENV DOCKER_AUTH_VERSION=1.5.0",
        "ENV TOKEN_URL=https://auth.example.com/token",
        "ARG SSH_PUBLIC_KEY",
        "ENV PASS_MAX_DAYS=99999",
    ],
)
def test_names_and_values_that_are_not_secrets(line):
    passes("IL7002", f"FROM alpine:3.20\n{line}\n")


def test_literal_secret_value_is_redacted():
    finding = catches("IL7002", "FROM alpine:3.20\nENV LDAP_ROOTPASS=fsociety LDAP_DOMAIN=example.org\n")[0]
    assert "fsociety" not in finding.message and "fs***" in finding.message
    assert (finding.line, finding.column) == (2, 5)


def test_onbuild_triggers_are_checked():
    catches("IL7002", "FROM odoo:17\nONBUILD ARG ADMIN_PASSWORD=admin\n")
    catches("IL7002", "FROM odoo:17\nONBUILD ARG PGPASSWORD\nONBUILD ENV PGPASSWORD=$PGPASSWORD\n")


def test_arg_without_default_is_fine_until_a_shipped_run_uses_it():
    passes("IL7002", "FROM node:22-slim\nARG NPM_TOKEN\nRUN npm ci\n")
    catches("IL7002", "FROM node:22-slim\nARG NPM_TOKEN\nRUN NPM_TOKEN=$NPM_TOKEN npm ci\n")


def test_secret_mount_providing_the_arg_is_fine():
    passes(
        "IL7002",
        "FROM node:22-slim\nARG NPM_TOKEN\nRUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN npm ci --token \"$NPM_TOKEN\"\n",
    )


def test_recognised_token_is_left_to_il7003():
    passes("IL7002", "FROM alpine:3.20\nENV GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\n")


# --- IL7003 hardcoded-secret ------------------------------------------------------------------------


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


# --- IL7004 curl-pipe-to-shell ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSL https://get.example.sh | sh",
        "curl -fsSL https://get.example.sh | sudo -E bash -",
        "wget -qO- https://get.example.sh | sh -s -- -y",
        "curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin",
        "curl -L https://cpanmin.us | perl - App::cpanminus",
        "curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest",
        'sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"',
        "curl -fsSL https://bootstrap.pypa.io/get-pip.py | python3",
    ],
)
def test_pipe_to_interpreter_variants(script):
    catches("IL7004", f"FROM debian:bookworm-slim\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSL https://example.com/app.tgz | tar -xz -C /opt",
        "curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg",
        "curl -fsSLo install.sh https://example.com/install.sh && sh install.sh",
        "wget -O /tmp/install.sh https://example.com/install.sh | sh",
        "curl -fsSL https://example.com/versions.json | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
        "curl -fsSL https://example.com/script.sh | bash -c 'cat > /tmp/script.sh'",
        "echo 'echo hi' | sh",
    ],
)
def test_not_piped_into_an_interpreter(script):
    passes("IL7004", f"FROM debian:bookworm-slim\nRUN {script}\n")


def test_pipe_to_shell_location_in_a_multiline_run():
    text = "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && curl -fsSL https://deb.nodesource.com/setup_22.x | bash -\n"
    finding = catches("IL7004", text)[0]
    assert (finding.line, finding.column) == (3, 8)


# --- IL7005 tls-verification-disabled --------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "curl --insecure -o /tmp/x https://example.com/x",
        "wget --no-check-certificate https://example.com/x",
        "python3 -m pip install --trusted-host pypi.example.com flask",
        "pip config set global.trusted-host pypi.example.com",
        "git -c http.sslVerify=false clone https://git.example.com/r.git",
        "git config --global http.sslVerify false",
        'yarn config set "strict-ssl" false -g',
        "dnf install -y --setopt=sslverify=false foo",
        "conda config --set ssl_verify false",
        "echo insecure >> ~/.curlrc",
        "echo 'sslverify=0' >> /etc/yum.conf",
    ],
)
def test_tls_switches(script):
    catches("IL7005", f"FROM alpine:3.20\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSLo /tmp/x https://example.com/x",
        "curl --cacert /etc/ssl/corp.pem -fsSL https://example.com/x -o /tmp/x",
        "git config --global http.sslVerify true",
        "pip install --index-url https://pypi.example.com/simple flask",
        "npm config set strict-ssl true",
        "tar -kxf archive.tar",
    ],
)
def test_tls_left_on(script):
    passes("IL7005", f"FROM alpine:3.20\nRUN {script}\n")


# --- IL7006 verification-disabled-by-env -----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "ENV GIT_SSL_NO_VERIFY=1",
        "ENV GIT_SSL_NO_VERIFY=false",
        "ENV PYTHONHTTPSVERIFY=0",
        "ENV npm_config_strict_ssl=false",
        "ARG PIP_TRUSTED_HOST=pypi.example.com",
        "ENV GOINSECURE=git.example.com",
        "RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci",
        "RUN env GIT_SSL_NO_VERIFY=true git clone https://git.example.com/r.git",
    ],
)
def test_env_switches(line):
    catches("IL7006", f"FROM node:22-slim\n{line}\n")


@pytest.mark.parametrize(
    "line",
    [
        "ENV NODE_TLS_REJECT_UNAUTHORIZED=1",
        "ENV PYTHONHTTPSVERIFY=1",
        "ENV NPM_CONFIG_STRICT_SSL=true",
        "ENV GOSUMDB=sum.golang.org GONOSUMDB=git.example.com",
        "ENV PIP_TRUSTED_HOST=",
    ],
)
def test_env_settings_that_keep_verification(line):
    passes("IL7006", f"FROM node:22-slim\n{line}\n")


# --- IL7007 package-signature-check-disabled ---------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "apt-get install -y --force-yes curl",
        "apt-get -o APT::Get::AllowUnauthenticated=true install -y curl",
        "apk add --allow-untrusted curl",
        "yum install -y --nogpgcheck sbt",
        "zypper --no-gpg-checks install -y curl",
        "rpm -i --nosignature https://example.com/x.rpm",
        "echo 'deb [trusted=yes] http://repo.example.com stable main' > /etc/apt/sources.list.d/x.list",
        "printf '[x]\\nbaseurl=https://repo.example.com\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo",
    ],
)
def test_signature_switches(script):
    catches("IL7007", f"FROM debian:bookworm-slim\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        "apk index --allow-untrusted -o /tmp/packages/APKINDEX.tar.gz /tmp/packages/*.apk",
        'apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-${module}-${NGINX_VERSION}*.apk',
        'echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list',
        "dnf install -y --nogpgcheck ./build/app-1.0.rpm",
        "apt-get install -y --no-install-recommends curl",
        "echo 'gpgcheck=1' >> /etc/yum.repos.d/x.repo",
    ],
)
def test_signatures_kept_or_local_packages(script):
    passes("IL7007", f"FROM debian:bookworm-slim\nRUN {script}\n")


# --- IL7008 sudo-in-run ---------------------------------------------------------------------------------


def test_sudo_location_in_a_multiline_run():
    text = "FROM ubuntu:24.04\nUSER ubuntu\nRUN echo start \\\n  && sudo apt-get update\n"
    finding = catches("IL7008", text)[0]
    assert (finding.line, finding.column) == (4, 6)
    assert "sudo apt-get" in finding.message


def test_sudo_dropping_to_another_user_is_fine():
    passes("IL7008", "FROM archlinux:base\nRUN sudo -u builduser bash -c 'makepkg -s --noconfirm'\n")
    passes("IL7008", "FROM node:22\nRUN sudo --user=node npm install -g esy\n")


def test_sudo_to_root_explicitly_is_flagged():
    catches("IL7008", "FROM ubuntu:24.04\nRUN sudo -u root apt-get update\n")


def test_installing_or_configuring_sudo_is_fine():
    passes("IL7008", "FROM ubuntu:24.04\nRUN apt-get install -y sudo && echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app\n")
    passes("IL7008", "FROM ubuntu:24.04\nRUN EDITOR=tee visudo -f /etc/sudoers.d/app < /tmp/rules\n")


def test_sudo_in_onbuild_run():
    catches("IL7008", "FROM ubuntu:24.04\nONBUILD RUN sudo make install\n")


# --- IL7009 world-writable-permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["777", "0777", "-R 777", "a+rwx", "o+w", "ugo=rwx", "a+rwX", "0666"])
def test_world_writable_modes(mode):
    catches("IL7009", f"FROM alpine:3.20\nRUN chmod {mode} /srv/data\n")


@pytest.mark.parametrize("mode", ["1777", "-R 1777", "755", "775", "g=u", "+x", "u+w", "a+rwxt", "+w"])
def test_modes_that_are_not_world_writable(mode):
    passes("IL7009", f"FROM alpine:3.20\nRUN chmod {mode} /srv/data\n")


def test_scratch_dir_removed_in_the_same_run_is_fine():
    passes(
        "IL7009",
        'FROM debian:bookworm-slim\nRUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && make -C "$tempDir" && rm -rf "$tempDir"\n',
    )


def test_copy_chmod_and_location():
    finding = catches("IL7009", "FROM alpine:3.20\nCOPY --chmod=0777 entrypoint.sh /usr/local/bin/\n")[0]
    assert finding.line == 2
    passes("IL7009", "FROM alpine:3.20\nCOPY --chmod=0755 entrypoint.sh /usr/local/bin/\n")


# --- IL7010 ssh-port-exposed --------------------------------------------------------------------------------


def test_ssh_port_spellings():
    catches("IL7010", "FROM alpine:3.20\nEXPOSE 22/tcp\n")
    catches("IL7010", "FROM alpine:3.20\nARG SSH_PORT=22\nEXPOSE 80 ${SSH_PORT}\n")
    catches("IL7010", "FROM alpine:3.20\nEXPOSE 20-25\n")


def test_other_ports_and_builder_stages_are_fine():
    passes("IL7010", "FROM alpine:3.20\nEXPOSE 2222 220 8022\n")
    passes("IL7010", "FROM alpine:3.20 AS sshd-test\nEXPOSE 22\nFROM alpine:3.20\nEXPOSE 8080\n")


# --- IL7011 secret-file-copied ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [".env", ".env.production", "./.npmrc", "deploy/id_ed25519", ".aws/credentials", ".aws", "certs/server.key",
     "tls/privkey.pem", "keystore.p12", ".git-credentials", "config/.pypirc"],
)  # fmt: skip
def test_credential_files(source):
    catches("IL7011", f"FROM alpine:3.20\nCOPY {source} /app/\n")


@pytest.mark.parametrize(
    "source",
    [".env.example", "meta.env", "library-scripts/*.env", "id_rsa.pub", "ssh/config", ".ssh/known_hosts",
     "jenkins.io-2026.key", "ca.pem", "certs/server.crt", "package.json"],
)  # fmt: skip
def test_files_that_are_not_credentials(source):
    passes("IL7011", f"FROM alpine:3.20\nCOPY {source} /app/\n")


def test_builder_stages_and_other_stages_sources_are_fine():
    passes("IL7011", "FROM node:22 AS build\nCOPY .npmrc ./\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build /app /app\n")
    passes("IL7011", "FROM alpine:3.20\nCOPY --from=build /root/.ssh/id_rsa /tmp/\n")


def test_secret_file_location_points_at_the_source():
    finding = catches("IL7011", "FROM node:22-slim\nCOPY package.json .npmrc ./\n")[0]
    assert (finding.line, finding.column) == (2, 19)


# --- IL7012 download-over-http ------------------------------------------------------------------------------


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


# --- IL7013 hardcoded-password-in-run ------------------------------------------------------------------------


def test_chpasswd_variants():
    catches("IL7013", "FROM ubuntu:24.04\nRUN echo root:root | chpasswd\n")
    catches("IL7013", "FROM ubuntu:24.04\nRUN chpasswd <<< 'app:letmein'\n")
    catches("IL7013", "FROM centos:7\nRUN echo 'hunter2' | passwd --stdin app\n")
    catches("IL7013", "FROM ubuntu:24.04\nRUN useradd -m -p '$6$salt$0123456789abcdef' app\n")


def test_passwords_from_variables_or_secrets_are_fine():
    passes("IL7013", 'FROM ubuntu:24.04\nARG APP_PASSWORD\nRUN echo "app:${APP_PASSWORD}" | chpasswd\n')
    passes("IL7013", "FROM ubuntu:24.04\nRUN useradd -m app && passwd -d app\n")
    passes("IL7013", 'FROM ubuntu:24.04\nRUN useradd -m -p "$(openssl passwd -6 "$PW")" app\n')
    passes("IL7013", "FROM ubuntu:24.04\nRUN echo 'root:' | chpasswd -e\n")
