"""IL7001 final-stage-runs-as-root: root in the final stage, USER via ARGs and parents, exemptions, --target."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes


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


@pytest.mark.parametrize(
    "base",
    [
        "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled",
        "gcr.io/distroless/python3-debian12:nonroot",
        "nginxinc/nginx-unprivileged:1.27-alpine",
        "docker:27-dind-rootless",
        "grafana/grafana:11.3.0",
        "prom/prometheus:v3.0.0",
        "quay.io/keycloak/keycloak:26.0",
        "docker.elastic.co/elasticsearch/elasticsearch:8.15.0",
        "memcached:1.6",
    ],
)
def test_nonroot_base_images_are_exempt(base):
    passes("IL7001", f"FROM {base}\nCOPY app/ /app/\nENTRYPOINT [\"/app/run\"]\n")


@pytest.mark.parametrize("base", ["gcr.io/distroless/python3-debian12:nonroot", "nginxinc/nginx-unprivileged:1.27", "memcached:1.6"])
def test_user_root_on_a_nonroot_base_image_is_reported(base):
    (finding,) = catches("IL7001", f"FROM {base}\nUSER root\nCOPY app/ /app/\n")
    assert finding.line == 2 and "last USER is root" in finding.message


def test_a_distroless_image_without_its_nonroot_tag_runs_as_root():
    catches("IL7001", "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT [\"/app\"]\n")


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


def _severity(text: str, **kwargs) -> str:
    (finding,) = catches("IL7001", text, **kwargs)
    return str(finding.severity)


def test_plain_application_image_without_user_is_a_warning():
    text = 'FROM python:3.13-slim\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n'
    (finding,) = catches("IL7001", text)
    assert str(finding.severity) == "warning" and "unless" not in finding.message


def test_base_image_of_unknown_user_is_hedged():
    (finding,) = catches("IL7001", 'FROM registry.example.com/team/base:1.4\nCOPY app /app\nCMD ["/app/server"]\n')
    assert str(finding.severity) == "warning"
    assert "runs as root unless its base image registry.example.com/team/base:1.4 sets one" in finding.message


@pytest.mark.parametrize(
    "text, program",
    [
        ('FROM php:8.3-fpm\nCOPY . /var/www/html/\n', "php-fpm"),
        ('FROM php:8.3-apache\nCOPY . /var/www/html/\n', "apache2-foreground"),
        ('FROM alpine:3.22\nRUN apk add --no-cache php83-fpm\nCMD ["php-fpm83", "-F"]\n', "php-fpm83"),
        ('FROM nginx:1.27-alpine\nCOPY site/ /usr/share/nginx/html/\n', "nginx"),
        ('FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends nginx\n'
         'CMD ["nginx", "-g", "daemon off;"]\n', "nginx"),
        ('FROM httpd:2.4\nCOPY public/ /usr/local/apache2/htdocs/\n', "httpd-foreground"),
        ('FROM alpine:3.22\nENTRYPOINT ["docker-php-entrypoint"]\nCMD ["php-fpm"]\n', "php-fpm"),
    ],
)
def test_server_masters_that_drop_to_a_worker_user_are_info(text, program):
    (finding,) = catches("IL7001", text)
    assert str(finding.severity) == "info"
    assert f"{program} keeps only its master process as root" in finding.message


@pytest.mark.parametrize(
    "text, why",
    [
        ("FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@v0.16.2\n", "its command is a shell, inherited from golang:1.23"),
        ("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends git\n", "a shell, inherited from debian:12-slim"),
        ("FROM maven:3.9-eclipse-temurin-21\nCOPY settings.xml /root/.m2/\n", "the build tool, inherited from maven"),
        ('FROM alpine:3.22\nRUN apk add --no-cache bash\nCMD ["bash"]\n', "its command is a shell (bash)"),
        ('FROM alpine:3.22\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["python3"]\n', "an interactive interpreter (python3)"),
        ('FROM buildpack-deps:bookworm\nCMD ["perl5.40.0", "-de0"]\n', "an interactive interpreter (perl5.40.0)"),
        ('FROM eclipse-temurin:21-jdk\nCMD ["jshell"]\n', "an interactive interpreter (jshell)"),
        ('FROM python:3.13\nRUN pip install --no-cache-dir tox==4.23.2\nENTRYPOINT ["tox"]\n', None),
        ('FROM mcr.microsoft.com/devcontainers/base:bookworm\nRUN true\n', "development container"),
    ],
)
def test_build_sdk_and_dev_images_are_info(text, why):
    findings = catches("IL7001", text)
    if why is None:  # a tool that is not a shell or a build tool: an application like any other
        assert str(findings[0].severity) == "warning"
        return
    (finding,) = findings
    assert str(finding.severity) == "info" and why in finding.message, finding.message


@pytest.mark.parametrize(
    "entrypoint",
    [
        'ENTRYPOINT ["gosu", "app", "/usr/local/bin/server"]',
        'ENTRYPOINT ["runuser", "-u", "app", "--", "/usr/local/bin/server"]',
        'ENTRYPOINT ["chroot", "--userspec=app:app", "/", "/usr/local/bin/server"]',
        'ENTRYPOINT ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "/usr/local/bin/server"]',
        'CMD su app -c /usr/local/bin/server',
        'CMD ["sudo", "-u", "app", "/usr/local/bin/server"]',
    ],
)
def test_start_command_that_switches_user_is_silent(entrypoint):
    passes("IL7001", f"FROM debian:12-slim\nCOPY server /usr/local/bin/\n{entrypoint}\n")


_WITH_ENTRYPOINT_SCRIPT = """\
FROM debian:12-slim
COPY server /usr/local/bin/
COPY {copied} {destination}
ENTRYPOINT ["{entrypoint}"]
CMD ["server"]
"""


@pytest.mark.parametrize(
    "script",
    [
        '#!/bin/sh\nset -e\nchown -R app /data\nexec setpriv --reuid=app --regid=app --init-groups "$@"\n',
        '#!/bin/sh\nif [ "$(id -u)" = 0 ]; then\n  exec runuser -u app -- "$0" "$@"\nfi\nexec "$@"\n',
        '#!/bin/sh\nexec chroot --userspec=app / "$@"\n',
        '#!/bin/bash\nexec su-exec app "$@"\n',
    ],
)
def test_entrypoint_script_in_the_context_that_drops_root_is_silent(tmp_path, script):
    text = _WITH_ENTRYPOINT_SCRIPT.format(copied="docker-entrypoint.sh", destination="/usr/local/bin/", entrypoint="docker-entrypoint.sh")
    passes("IL7001", text, context={"server": "", "docker-entrypoint.sh": script}, tmp_path=tmp_path)


def test_entrypoint_script_copied_in_a_tree_is_read(tmp_path):
    text = _WITH_ENTRYPOINT_SCRIPT.format(copied="rootfs/", destination="/", entrypoint="/usr/local/bin/start")
    context = {"server": "", "rootfs/usr/local/bin/start": '#!/bin/sh\nexec runuser -u app -- "$@"\n'}
    passes("IL7001", text, context=context, tmp_path=tmp_path)


def test_entrypoint_script_that_keeps_root_is_still_a_warning(tmp_path):
    text = _WITH_ENTRYPOINT_SCRIPT.format(copied="docker-entrypoint.sh", destination="/usr/local/bin/", entrypoint="docker-entrypoint.sh")
    context = {"server": "", "docker-entrypoint.sh": '#!/bin/sh\nset -e\nexec "$@"\n'}
    assert _severity(text, context=context, tmp_path=tmp_path) == "warning"


def test_official_entrypoints_that_drop_root_are_silent():
    passes("IL7001", "FROM postgres:17\nCOPY schema.sql /docker-entrypoint-initdb.d/\n")
    passes("IL7001", 'FROM redis:7.4\nCOPY redis.conf /usr/local/etc/redis/\nCMD ["redis-server", "/usr/local/etc/redis/redis.conf"]\n')
    passes("IL7001", 'FROM postgres:17\nCMD ["-c", "shared_buffers=256MB"]\n')  # options for the server
    # a Dockerfile that replaces the ENTRYPOINT loses the drop, and so does another command
    assert _severity('FROM redis:7.4\nENTRYPOINT ["redis-server"]\n') == "warning"
    assert _severity("FROM redis:3.2.9\nCOPY run.sh /\nCMD /run.sh\n") == "warning"


def test_official_images_that_set_a_user_are_silent():
    passes("IL7001", "FROM memcached:1.6\nCOPY memcached.conf /etc/\n")
    passes("IL7001", "FROM haproxy:3.0\nCOPY haproxy.cfg /usr/local/etc/haproxy/\n")


def test_severity_override_cannot_raise_an_info_case():
    from imagelint.findings import Severity
    from imagelint.settings import Settings

    text = 'FROM alpine:3.22\nCMD ["sh"]\n'
    settings = Settings(severity={"IL7001": Severity.ERROR})
    (finding,) = [f for f in lint_snippet("IL7001", text, settings=settings) if f.rule == "IL7001"]
    assert finding.severity is Severity.INFO
    (app,) = lint_snippet("IL7001", 'FROM alpine:3.22\nCOPY app /app\nCMD ["/app"]\n', settings=settings)
    assert app.severity is Severity.ERROR


@pytest.mark.parametrize(
    "text, why",
    [
        ('FROM mcr.microsoft.com/powershell:7.4-alpine-3.20\nCMD ["pwsh"]\n', "its command is a shell (pwsh)"),
        ("FROM mcr.microsoft.com/dotnet/runtime-deps:9.0\nRUN true\n", "its command is a shell, inherited from mcr.microsoft.com/dotnet"),
    ],
)
def test_more_base_images_are_info(text, why):
    (finding,) = catches("IL7001", text)
    assert str(finding.severity) == "info" and why in finding.message, finding.message


def test_shell_that_runs_a_script_is_an_application():
    assert _severity('FROM alpine:3.22\nCOPY run.sh /\nCMD ["sh", "/run.sh"]\n') == "warning"
    assert _severity('FROM alpine:3.22\nCMD ["sh", "-c", "exec /app/server"]\n') == "warning"


def test_root_by_default_images_of_other_registries_are_not_hedged():
    (finding,) = catches("IL7001", 'FROM mcr.microsoft.com/dotnet/aspnet:9.0\nCOPY out/ /app/\nENTRYPOINT ["dotnet", "/app/api.dll"]\n')
    assert "unless" not in finding.message and str(finding.severity) == "warning"
    (finding,) = catches("IL7001", 'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    assert "unless" not in finding.message


def test_unresolved_base_image_is_named_as_written():
    (finding,) = catches("IL7001", 'ARG BASE\nFROM ${BASE}\nCOPY app /app\nCMD ["/app"]\n')
    assert "unless its base image ${BASE} sets one" in finding.message


def test_entrypoint_script_with_no_cmd_is_the_program():
    assert _severity('FROM alpine:3.22\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n') == "warning"
    assert _severity('FROM docker:27-dind\nENTRYPOINT ["dockerd-entrypoint.sh"]\nCMD []\n') == "warning"


def test_entrypoint_script_linked_out_of_the_context_is_not_read(tmp_path):
    outside = tmp_path / "outside.sh"
    outside.write_text('#!/bin/sh\nexec setpriv --reuid=app "$@"\n')
    context = tmp_path / "context"
    context.mkdir()
    (context / "docker-entrypoint.sh").symlink_to(outside)
    text = _WITH_ENTRYPOINT_SCRIPT.format(copied="docker-entrypoint.sh", destination="/usr/local/bin/", entrypoint="docker-entrypoint.sh")
    assert _severity(text, context={"server": ""}, tmp_path=context) == "warning"
