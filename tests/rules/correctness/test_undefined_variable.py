"""IL8011 undefined-variable: variables across stages, global ARGs, proxies, flags, literal dollars."""

from __future__ import annotations

from tests.support.helpers import catches, passes


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


def test_name_nothing_defines_is_reported():
    finding = catches("IL8011", "FROM alpine:3.22\nCOPY $SRC /x\n")[0]
    assert (finding.line, finding.column) == (2, 6)
    assert "nothing in this Dockerfile defines it and alpine:3.22 sets only PATH" in finding.message


def test_name_nothing_defines_on_an_unknown_base_is_hedged():
    finding = catches("IL8011", "FROM python:3.13-slim\nCOPY dist $SRC_DIR/\n")[0]
    assert "unless the base image python:3.13-slim sets it" in finding.message


def test_typo_gets_buildkits_suggestion():
    finding = catches("IL8011", "FROM alpine:3.22\nENV APPDIR=/srv/app\nWORKDIR $APPDRI\n")[0]
    assert finding.message.endswith("did you mean APPDIR?")
    # the base image's PATH is a candidate too, as in BuildKit's documentation
    assert catches("IL8011", "FROM alpine:3.22\nENV PATH=$PAHT:/app/bin\n")[0].message.endswith("did you mean PATH?")
    # case alone
    assert catches("IL8011", "FROM alpine:3.22\nARG app_dir=/a\nWORKDIR $APP_DIR\n")[0].message.endswith("did you mean app_dir?")


def test_no_suggestion_beyond_two_edits():
    message = catches("IL8011", "FROM alpine:3.22\nENV APPLICATION=/a\nWORKDIR $APP\n")[0].message
    assert "did you mean" not in message


def test_suggestion_is_the_closest_name():
    message = catches("IL8011", "FROM alpine:3.22\nENV SRC_DIRS=/a SRC_DIR=/b\nCOPY x $SRC_DIT/\n")[0].message
    assert message.endswith("did you mean SRC_DIR?")


def test_base_image_env_names_and_default_args_are_not_reported():
    passes("IL8011", "FROM eclipse-temurin:21\nENV PATH=$JAVA_HOME/bin:$PATH\nWORKDIR $HOME\n")
    passes("IL8011", "FROM node:22-slim\nLABEL node=$NODE_VERSION\nCOPY . $LC_ALL\n")
    passes("IL8011", "FROM alpine:3.22\nENV PATH=/opt/bin:$PATH http_proxy=$HTTP_PROXY\n")
    passes("IL8011", "FROM alpine:3.22\nARG TARGETPLATFORM\nLABEL platform=$TARGETPLATFORM\n")


def test_home_on_a_distribution_image_is_really_empty():
    # alpine's config sets only PATH: the builder expands $HOME to nothing (COPY goes to /app)
    assert "sets only PATH" in catches("IL8011", "FROM alpine:3.22\nCOPY app $HOME/app\n")[0].message


def test_hedged_findings_are_information():
    (finding,) = catches("IL8011", "FROM registry.example.com/team/base:1\nCOPY dist $APP_ROOT_DIR/\n")
    assert str(finding.severity) == "info" and "unless the base image registry.example.com/team/base:1 sets it" in finding.message
    (finding,) = catches("IL8011", "FROM debian:12-slim\nCOPY dist $APP_ROOT_DIR/\n")
    assert str(finding.severity) == "warning"


def test_conventional_image_env_is_not_mistaken_for_a_typo():
    # golang sets GOPATH: not "did you mean PATH?"
    passes("IL8011", "FROM golang:1.23-alpine AS base\nFROM base\nWORKDIR $GOPATH/src/example.com/app\n")


def test_placeholders_with_modifiers_the_builder_lacks_are_not_variables():
    passes("IL8011", "FROM alpine:3.22\nLABEL variant=${templateOption:imageVariant}\n")
