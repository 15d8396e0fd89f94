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
