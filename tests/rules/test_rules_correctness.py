"""Correctness rules (IL8001-IL8019): each rule's extra cases beyond its documented examples.

Most cases are idioms from real Dockerfiles (official images, BuildKit-era files) that must not
fire, plus exact locations inside multi-line instructions.
"""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes

# --- IL8001 invalid-dockerfile-syntax ---------------------------------------------------------------


def test_instruction_before_from_is_reported():
    finding = catches("IL8001", "RUN echo hi\nFROM alpine:3.20\n")[0]
    assert finding.line == 1


def test_global_args_before_from_are_fine():
    passes("IL8001", "# syntax=docker/dockerfile:1\nARG BASE=alpine:3.20\nFROM ${BASE}\n")


def test_unknown_onbuild_trigger():
    catches("IL8001", "FROM alpine:3.20\nONBUILD RUNN echo hi\n")


def test_parsing_goes_on_after_a_problem():
    text = "FROM alpine:3.20\nRUNN typo\nMAINTAINER me\n"
    assert lint_snippet("IL8001", text) and lint_snippet("IL8004", text)


def test_lower_case_instructions_are_valid():
    passes("IL8001", "from alpine:3.20\nrun echo hi\n")


# --- IL8002 shell-form-entrypoint ----------------------------------------------------------------------


def test_shell_form_entrypoint_and_fix():
    finding = catches("IL8002", "FROM alpine:3.20\nENTRYPOINT /usr/local/bin/app --serve\n")[0]
    assert finding.fix == 'ENTRYPOINT ["/usr/local/bin/app", "--serve"]'


def test_no_fix_when_the_command_needs_the_shell():
    finding = catches("IL8002", "FROM alpine:3.20\nCMD app --port $PORT\n")[0]
    assert finding.fix is None


def test_custom_shell_and_windows_are_exempt():
    passes("IL8002", 'FROM alpine:3.20\nSHELL ["/bin/bash", "-c"]\nCMD app --port "$PORT"\n')
    passes("IL8002", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD powershell -Command Start-Sleep 1\n")


def test_shell_set_in_parent_stage_counts():
    passes("IL8002", 'FROM alpine:3.20 AS base\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nFROM base\nCMD app\n')


def test_healthcheck_shell_form_is_not_reported():
    passes("IL8002", "FROM alpine:3.20\nHEALTHCHECK CMD wget -qO- http://localhost/ || exit 1\n")


def test_broken_json_is_left_to_il8006():
    passes("IL8002", "FROM alpine:3.20\nCMD ['app']\n")


# --- IL8003 repeated-cmd-entrypoint-healthcheck -----------------------------------------------------------


def test_every_earlier_instruction_is_reported_with_the_winning_line():
    findings = catches("IL8003", 'FROM alpine:3.20\nCMD ["a"]\nCMD ["b"]\nCMD ["c"]\n')
    assert [f.line for f in findings] == [2, 3]
    assert "line 4" in findings[0].message


def test_repeated_entrypoint_and_healthcheck():
    catches("IL8003", 'FROM alpine:3.20\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n')
    catches("IL8003", "FROM alpine:3.20\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n")


def test_one_of_each_is_fine():
    passes("IL8003", 'FROM alpine:3.20\nENTRYPOINT ["app"]\nCMD ["--help"]\nHEALTHCHECK CMD ["app", "ping"]\n')


def test_onbuild_cmd_does_not_count():
    passes("IL8003", 'FROM alpine:3.20\nONBUILD CMD ["a"]\nCMD ["b"]\n')


def test_parent_stage_cmd_is_overridden_not_repeated():
    passes("IL8003", 'FROM alpine:3.20 AS base\nCMD ["a"]\nFROM base\nCMD ["b"]\n')


# --- IL8004 maintainer-instruction ---------------------------------------------------------------------------


def test_maintainer_fix_escapes_quotes():
    finding = catches("IL8004", 'FROM alpine:3.20\nMAINTAINER Jane "JD" Doe\n')[0]
    assert finding.fix == 'LABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe"'


def test_lower_case_maintainer():
    catches("IL8004", "from alpine:3.20\nmaintainer me@example.com\n")


def test_maintainer_label_is_fine():
    passes("IL8004", 'FROM alpine:3.20\nLABEL maintainer="me@example.com"\n')


# --- IL8005 invalid-onbuild-trigger ----------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["FROM alpine:3.20", "MAINTAINER me", "onbuild RUN true"])
def test_forbidden_triggers(trigger):
    catches("IL8005", f"FROM alpine:3.20\nONBUILD {trigger}\n")


@pytest.mark.parametrize("trigger", ["RUN npm ci", "COPY . /app", "ENV A=1", "USER app", "WORKDIR /app"])
def test_allowed_triggers(trigger):
    passes("IL8005", f"FROM alpine:3.20\nONBUILD {trigger}\n")


# --- IL8006 invalid-json-arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        'CMD ["echo", "look ma, no quote!]',
        "ENTRYPOINT [\u201cpython\u201d, \u201capp.py\u201d]",
        'CMD ["echo", ["nested"]]',
        'CMD ["sh", "-c", "echo \\$HOME"]',
        "SHELL ['/bin/bash', '-c']",
        'RUN ["apk", "add", "curl"',
        "COPY ['a.txt', '/app/']",
    ],
)
def test_broken_arrays(line):
    catches("IL8006", f"FROM alpine:3.20\n{line}\n")


@pytest.mark.parametrize(
    "line",
    [
        'RUN [ "$(uname -m)" = "x86_64" ] && echo amd64',
        "RUN [ -d /app ] || mkdir /app",
        "RUN [[ -f /etc/os-release ]] && cat /etc/os-release",
        "CMD []",
        'CMD [ "a", "b" ]',
        "VOLUME /data",
    ],
)
def test_shell_tests_and_valid_json(line):
    passes("IL8006", f"FROM alpine:3.20\n{line}\n")


def test_single_quote_fix():
    finding = catches("IL8006", "FROM alpine:3.20\nCMD ['python', 'app.py']\n")[0]
    assert finding.fix == 'CMD ["python", "app.py"]'


# --- IL8007 relative-workdir -------------------------------------------------------------------------------------


def test_relative_after_absolute_is_fine():
    passes("IL8007", "FROM golang:1.22\nWORKDIR /src\nWORKDIR tools/gopls\nWORKDIR ../deeper\n")


def test_only_the_first_relative_workdir_is_reported():
    findings = catches("IL8007", "FROM alpine:3.20\nWORKDIR app\nWORKDIR src\n")
    assert [f.line for f in findings] == [2]
    assert findings[0].fix == "WORKDIR /app"


def test_windows_and_unknown_variables_are_fine():
    passes("IL8007", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n")
    passes("IL8007", "FROM eclipse-temurin:21\nWORKDIR $JAVA_HOME/lib\n")


def test_variable_that_expands_to_a_relative_path():
    catches("IL8007", "FROM alpine:3.20\nARG DIR=app\nWORKDIR $DIR\n")


def test_each_stage_needs_its_own_absolute_workdir():
    catches("IL8007", "FROM alpine:3.20 AS a\nWORKDIR /a\nFROM alpine:3.20 AS b\nWORKDIR b\n")


# --- IL8008 relative-copy-without-workdir ---------------------------------------------------------------------------


def test_copy_dot_dot_without_workdir_points_at_the_destination():
    finding = catches("IL8008", "FROM node:22-slim\nCOPY package.json ./\n")[0]
    assert (finding.line, finding.column) == (2, 19)


def test_add_is_checked_too():
    catches("IL8008", "FROM alpine:3.20\nADD https://example.com/tool.tgz tool.tgz\n")


def test_absolute_windows_and_scratch_destinations_are_fine():
    passes("IL8008", "FROM alpine:3.20\nCOPY app /srv/app\n")
    passes("IL8008", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app.exe C:\\app\\\n")
    passes("IL8008", "FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app .\n")


def test_destination_from_a_variable():
    passes("IL8008", "FROM alpine:3.20\nENV APP_HOME=/srv/app\nCOPY . $APP_HOME/\n")
    passes("IL8008", "FROM alpine:3.20\nARG DEST\nCOPY . $DEST\n")
    catches("IL8008", "FROM alpine:3.20\nARG DEST=app/\nCOPY . $DEST\n")


def test_workdir_in_parent_stage_counts():
    passes("IL8008", "FROM node:22-slim AS base\nWORKDIR /app\nFROM base\nCOPY . .\n")


# --- IL8009 copy-multiple-sources-to-file -----------------------------------------------------------------------------


def test_json_form_and_add():
    catches("IL8009", 'FROM alpine:3.20\nCOPY ["a.txt", "b.txt", "/data"]\n')
    catches("IL8009", "FROM alpine:3.20\nADD a.tgz b.tgz /opt\n")


def test_destination_location_and_message():
    finding = catches("IL8009", "FROM alpine:3.20\nCOPY --chown=app a.txt b.txt /data\n")[0]
    assert (finding.line, finding.column) == (2, 30)
    assert "'/data/'" in finding.message


def test_directory_destinations_are_fine():
    passes("IL8009", "FROM alpine:3.20\nWORKDIR /app\nCOPY a.txt b.txt .\nCOPY c.txt d.txt ../\nCOPY e f ./sub/\n")
    passes("IL8009", "FROM alpine:3.20\nCOPY --from=build /a /b /\n")


def test_destination_variable_ending_in_slash():
    passes("IL8009", "FROM alpine:3.20\nENV DEST=/app/\nCOPY a b $DEST\n")
    passes("IL8009", "FROM alpine:3.20\nCOPY a b $UNKNOWN\n")


def test_single_source_to_a_file_is_fine():
    passes("IL8009", "FROM alpine:3.20\nCOPY nginx.conf /etc/nginx/nginx.conf\n")


# --- IL8010 invalid-expose --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ports", ["0.0.0.0:80", "80/http", "http", "8000-70000", "80/Udp"])
def test_invalid_expose(ports):
    catches("IL8010", f"FROM nginx:1.27\nEXPOSE {ports}\n")


@pytest.mark.parametrize("ports", ["80", "53/udp 53/tcp", "132/sctp", "0", "65535", "$PORT", "${PORT:-8080}"])
def test_valid_expose(ports):
    passes("IL8010", f"FROM nginx:1.27\nEXPOSE {ports}\n")


def test_expose_variable_is_expanded():
    catches("IL8010", "FROM nginx:1.27\nARG PORT=99999\nEXPOSE $PORT\n")


# --- IL8011 undefined-variable ----------------------------------------------------------------------------------------


def test_global_arg_not_redeclared_points_at_the_reference():
    finding = catches("IL8011", "ARG VERSION=1.0\nFROM alpine:3.20\nLABEL version=$VERSION\n")[0]
    assert (finding.line, finding.column) == (3, 15)
    assert "ARG VERSION" in finding.message


def test_variable_defined_in_another_stage():
    finding = catches("IL8011", "FROM alpine:3.20 AS a\nENV DIR=/a\nFROM alpine:3.20 AS b\nWORKDIR $DIR\n")[0]
    assert "'a'" in finding.message


def test_used_before_defined():
    catches("IL8011", "FROM alpine:3.20\nCOPY app $APP_HOME/\nENV APP_HOME=/srv/app\n")


def test_args_and_env_from_parent_stage_are_inherited():
    passes("IL8011", "FROM alpine:3.20 AS base\nARG TARGETPLATFORM\nENV APP=/app\nFROM base\nRUN --mount=type=cache,id=c-$TARGETPLATFORM,target=/c true\nWORKDIR $APP\n")


def test_run_scripts_and_base_image_variables_are_not_checked():
    passes("IL8011", 'FROM python:3.12\nRUN echo "$SHELL_ONLY"\nENV PATH=/opt/venv/bin:$PATH PYTHONPATH=$PYTHON_HOME/lib\n')


def test_proxy_args_and_fallbacks_are_defined():
    passes("IL8011", "FROM alpine:3.20\nENV http_proxy=$HTTP_PROXY DIR=${DIR:-/opt}\n")


def test_flag_references_are_checked():
    catches("IL8011", "ARG UID=1000\nFROM alpine:3.20\nCOPY --chown=$UID app /app\n")


def test_escaped_and_single_quoted_dollars_are_literal():
    passes("IL8011", "ARG X=1\nFROM alpine:3.20\nENV PRICE=\\$X LITERAL='$X'\n")


# --- IL8012 undefined-arg-in-from ---------------------------------------------------------------------------------------


def test_arg_declared_in_a_stage_is_too_late_for_from():
    finding = catches("IL8012", "FROM alpine:3.20 AS a\nARG TAG=3.20\nFROM alpine:${TAG}\n")[0]
    assert "too late" in finding.message and finding.line == 3


def test_quoted_and_platform_args_resolve():
    passes("IL8012", 'ARG ALPINE_TAG=3.23.2\nFROM alpine:"${ALPINE_TAG}" AS build\nFROM --platform=$TARGETPLATFORM alpine:${ALPINE_TAG}\n')


def test_default_leaving_an_invalid_name():
    catches("IL8012", "ARG ENGINE_VERSION\nFROM docker:${ENGINE_VERSION}-dind\n")
    catches("IL8012", "ARG MAVEN_VERSION=latest\nFROM maven@${MAVEN_VERSION}\n")


def test_stage_names_and_defaults_are_fine():
    passes("IL8012", "ARG VARIANT=bookworm\nFROM debian:${VARIANT}-slim AS base\nFROM base\n")
    passes("IL8012", "ARG IMAGE=alpine\nARG TAG=3.20\nFROM ${IMAGE}:${TAG}\n")


# --- IL8013 variable-used-in-same-instruction -----------------------------------------------------------------------------


def test_points_at_the_reference():
    finding = catches("IL8013", "FROM alpine:3.20\nENV A=1 \\\n    B=${A}/x\n")[0]
    assert (finding.line, finding.column) == (3, 7)


def test_arg_with_two_names():
    catches("IL8013", "FROM alpine:3.20\nARG MAJOR=3 VERSION=${MAJOR}.1\n")


def test_promoting_args_to_env_is_fine():
    passes("IL8013", "FROM alpine:3.20\nARG OS=ubuntu\nARG V=20\nENV OS=$OS V=$V OS_VER=$OS$V\n")
    passes("IL8013", "FROM alpine:3.20\nARG TIKA_VERSION\nENV TIKA_VERSION=$TIKA_VERSION URL=https://x/${TIKA_VERSION}.jar\n")


def test_self_reference_and_separate_instructions_are_fine():
    passes("IL8013", "FROM alpine:3.20\nENV PATH=/opt/bin:$PATH LANG=C.UTF-8\n")
    passes("IL8013", "FROM alpine:3.20\nENV A=1\nENV B=$A\n")


def test_legacy_form_is_one_variable():
    passes("IL8013", "FROM alpine:3.20\nENV A $A:/x B=1\n")


# --- IL8014 legacy-key-value-format ----------------------------------------------------------------------------------------


def test_legacy_fix_quotes_values_with_spaces():
    finding = catches("IL8014", "FROM alpine:3.20\nENV JAVA_OPTS -Xmx1g -Xms1g\n")[0]
    assert finding.fix == 'ENV JAVA_OPTS="-Xmx1g -Xms1g"'


def test_legacy_label_and_onbuild():
    catches("IL8014", 'FROM alpine:3.20\nLABEL maintainer "me@example.com"\n')
    finding = catches("IL8014", "FROM alpine:3.20\nONBUILD ENV A 1\n")[0]
    assert finding.fix == "ONBUILD ENV A=1"


def test_key_value_forms_are_fine():
    passes("IL8014", 'FROM alpine:3.20\nENV A=1 B="two words"\nLABEL a=b\nARG X\n')


# --- IL8015 inconsistent-instruction-casing ---------------------------------------------------------------------------------


def test_mixed_case_keyword_is_reported():
    finding = catches("IL8015", "FROM alpine:3.20\nRUn echo hi\n")[0]
    assert "RUN" in finding.message and finding.line == 2


def test_as_casing_points_at_as():
    finding = catches("IL8015", "FROM golang:1.22 as build\n")[0]
    assert (finding.line, finding.column) == (1, 18)


def test_lower_case_majority():
    findings = catches("IL8015", "from alpine:3.20\nrun true\nCMD [\"sh\"]\n")
    assert [f.line for f in findings] == [3]


def test_consistent_files_are_fine():
    passes("IL8015", "FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.20\nCOPY --from=build /x /x\n")


# --- IL8016 pipe-without-pipefail ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSL https://x/install.sh | bash",
        "export $(curl -s https://x/latest-build.yml | grep 'download:' | sed 's/:/=/')",
        "make 2>&1 | tee /var/log/build.log",
        "go list ./... | grep -vE '/vendor/'",
        "curl -fsSL https://x/key | gpg --dearmor | tee /usr/share/keyrings/x.gpg",
        "./build.sh | tee build.log",
    ],
)
def test_masked_failures(script):
    catches("IL8016", f"FROM debian:bookworm-slim\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        'echo "$SHA256  file.tgz" | sha256sum -c -',
        "curl -fsSL https://x/app.tgz | tar -xz -C /opt",
        "wget -qO- https://x/key.asc | apt-key add -",
        "curl -fsSL https://x/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg",
        "echo 'deb https://x stable main' | tee /etc/apt/sources.list.d/x.list",
        "find /usr/local -type f -executable | xargs -r strip",
        "curl -fsSL https://x/app.gz | gunzip > /usr/local/bin/app",
        "set -euxo pipefail; curl -fsSL https://x/install.sh | bash",
        "curl -fsSL https://x/v.json | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
    ],
)
def test_failures_not_masked(script):
    passes("IL8016", f"FROM debian:bookworm-slim\nRUN {script}\n")


def test_shell_with_pipefail_in_a_parent_stage():
    passes("IL8016", 'FROM debian:bookworm-slim AS base\nSHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\nFROM base\nRUN curl -fsSL https://x | sh\n')


def test_pipefail_location_in_a_multiline_run():
    text = "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && curl -fsSL https://x/install.sh | bash -\n"
    finding = catches("IL8016", text)[0]
    assert (finding.line, finding.column) == (3, 8)


def test_windows_shells_are_skipped():
    passes("IL8016", '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN curl.exe -fsSL https://x | Out-File x\n')


# --- IL8017 cd-instead-of-workdir ---------------------------------------------------------------------------------------------


def test_cd_location_and_fix():
    finding = catches("IL8017", "FROM node:22-slim\nRUN set -eux; \\\n    true\nRUN cd /srv/app && npm ci\n")[0]
    assert (finding.line, finding.column) == (4, 5)
    assert finding.fix == "WORKDIR /srv/app"


@pytest.mark.parametrize(
    "script",
    [
        "mkdir -p /src && cd /src && make",
        "cd /tmp && curl -fsSLO https://x/x.deb && dpkg -i x.deb",
        "cd /usr/src/app && make && cd / && rm -rf /usr/src/app",
        "cd - && true",
        'cd "$(mktemp -d)" && make',
        "(cd /app && make)",
    ],
)
def test_cd_that_workdir_would_not_replace(script):
    passes("IL8017", f"FROM debian:bookworm-slim\nRUN {script}\n")


def test_cd_into_a_mount_is_fine():
    passes("IL8017", "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/installTmp \\\n    cd /installTmp && ./install.sh\n")


def test_cd_alone_has_no_effect():
    finding = catches("IL8017", "FROM node:22-slim\nRUN cd /srv/app\n")[0]
    assert "no effect" in finding.message


# --- IL8018 useradd-high-uid-without-no-log-init ------------------------------------------------------------------------------


def test_uid_from_an_arg_is_resolved():
    catches("IL8018", "FROM debian:bookworm-slim\nARG UID=1000000\nRUN useradd -u ${UID} app\n")
    passes("IL8018", "FROM debian:bookworm-slim\nARG UID=1000\nRUN useradd -u ${UID} app\n")


def test_unknown_uid_and_short_options():
    passes("IL8018", "FROM debian:bookworm-slim\nRUN useradd --system -u $LAST_SYSTEM_UID -s /usr/sbin/nologin app\n")
    passes("IL8018", "FROM debian:bookworm-slim\nRUN useradd -lu 1000000 app\n")
    catches("IL8018", "FROM debian:bookworm-slim\nRUN useradd -mu 1000000 app\n")


def test_small_uids_are_fine():
    passes("IL8018", "FROM debian:bookworm-slim\nRUN useradd -u 99999 app && groupadd -g 1000000 grp\n")


def test_useradd_location_in_a_multiline_run():
    finding = catches("IL8018", "FROM debian:bookworm-slim\nRUN groupadd -g 1000000 app \\\n && useradd -u 1000000 -g app app\n")[0]
    assert (finding.line, finding.column) == (3, 5)


# --- IL8019 empty-continuation-line --------------------------------------------------------------------------------------------


def test_swallowed_instruction_is_named():
    text = "FROM debian:bookworm-slim\nRUN apt-get install -y curl \\\n\nRUN echo done\n"
    finding = catches("IL8019", text)[0]
    assert finding.line == 3 and "RUN at line 4" in finding.message


def test_trailing_empty_lines_at_end_of_file_are_not_reported():
    passes("IL8019", "FROM debian:bookworm-slim\nRUN echo hi \\\n\n\n")


def test_whitespace_only_line_counts_as_empty():
    catches("IL8019", "FROM debian:bookworm-slim\nRUN echo a \\\n   \n    && echo b\n")


def test_heredoc_with_continuation_before_it():
    passes("IL8019", "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/root/.cache \\\n    <<EOF\necho a\n\necho b\nEOF\n")
