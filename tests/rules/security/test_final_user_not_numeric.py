"""IL7014 final-user-not-numeric: only the user the shipped image runs as, and the UID fix."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def _fixed(text: str) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL7014"]], Settings()).fixed


@pytest.mark.parametrize("user", ["app", "app:app", "nginx:101", "www-data"])
def test_catches_a_named_final_user(user):
    finding = catches("IL7014", f"FROM debian:12-slim\nUSER {user}\n")[0]
    assert finding.line == 2 and "runAsNonRoot" in finding.message


@pytest.mark.parametrize("user", ["10001", "10001:10001", "10001:app", "root", "0"])
def test_silent_on_numeric_users_and_root(user):
    passes("IL7014", f"FROM debian:12-slim\nUSER {user}\n")


def test_only_the_last_user_of_the_shipped_image_counts():
    passes("IL7014", "FROM debian:12-slim\nUSER app\nRUN id\nUSER 10001\n")
    passes("IL7014", "FROM debian:12-slim AS build\nUSER builder\nFROM scratch\nUSER 65532\n")
    finding = catches("IL7014", "FROM debian:12-slim AS base\nUSER app\nFROM base\nCMD [\"app\"]\n")[0]
    assert finding.line == 2


def test_variables_are_resolved_when_known():
    passes("IL7014", "FROM debian:12-slim\nARG UID=10001\nUSER ${UID}\n")
    catches("IL7014", "FROM debian:12-slim\nENV APP_USER=app\nUSER $APP_USER\n")
    passes("IL7014", "FROM debian:12-slim\nARG APP_USER\nUSER $APP_USER\n")


def test_message_gives_the_uid_the_dockerfile_created():
    finding = catches("IL7014", "FROM debian:12-slim\nRUN useradd -m -u 10001 app\nUSER app:app\n")[0]
    assert finding.message.endswith("use USER 10001:app")
    assert finding.fix is not None and finding.fix.applicability == "safe"


@pytest.mark.parametrize(
    "create",
    [
        "useradd --uid 10001 --create-home app",
        "adduser -D -u 10001 app",
        "adduser --system --uid 10001 --ingroup app app",
        "useradd app && usermod -u 10001 app",
    ],
)
def test_fix_writes_the_created_uid(create):
    assert _fixed(f"FROM debian:12-slim\nRUN {create}\nUSER app\n").endswith("\nUSER 10001\n")


def test_fix_keeps_the_group():
    assert _fixed("FROM debian:12-slim\nRUN useradd -u 10001 app\nUSER app:staff\n").endswith("\nUSER 10001:staff\n")


@pytest.mark.parametrize(
    "create",
    [
        "useradd --create-home app",  # the system picks the UID
        "useradd -u $APP_UID app",  # a build argument may change it
        "useradd -u 10001 other",
    ],
)
def test_no_fix_when_the_uid_is_not_known(create):
    finding = catches("IL7014", f"FROM debian:12-slim\nRUN {create}\nUSER app\n")[0]
    assert finding.fix is not None and finding.fix.applicability == "display-only"
    assert finding.message.endswith("use its numeric UID")


def test_windows_users_are_names():
    passes("IL7014", "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerAdministrator\n")


@pytest.mark.parametrize(
    ("base", "user", "uid"),
    [
        ("node:22-bookworm-slim", "node", "1000"),
        ("node:22-alpine", "node:node", "1000"),
        ("nginx:1.27", "nginx", "101"),
        ("gcr.io/distroless/static-debian12:nonroot", "nonroot:nonroot", "65532"),
        ("cgr.dev/chainguard/static", "nonroot", "65532"),
        ("debian:12-slim", "nobody", "65534"),
        ("php:8.3-apache", "www-data", "33"),
        ("php:8.3-fpm-alpine", "www-data", "82"),
        ("docker.io/library/php:8.5-cli-alpine3.22", "www-data", "82"),
        ("ubuntu:24.04", "ubuntu", "1000"),
    ],
)
def test_the_uid_a_known_base_image_gives_its_user(base, user, uid):
    text = f"FROM {base}\nUSER {user}\n"
    (finding,) = catches("IL7014", text)
    assert f"use USER {uid}{user[user.index(':'):] if ':' in user else ''} (" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "unsafe"  # the published image says so, not the file
    assert _fixed(text) == text  # not without --unsafe
    fixed = fix_text(text, "Dockerfile", [registered_rules()["IL7014"]], Settings(), unsafe=True).fixed
    assert fixed.endswith(f"\nUSER {uid}{user[len(user.split(':')[0]):]}\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM ubuntu:22.04\nUSER ubuntu\n",  # only the images from 23.04 on ship that user
        "FROM amazonlinux:2\nUSER nobody\n",  # nobody is 99 there
        "FROM registry.example.com/team/node:22\nUSER node\n",  # not the official image
        "FROM python:3.12-slim\nUSER node\n",
        "FROM node:22\nRUN usermod -u $NODE_UID node\nUSER node\n",  # the Dockerfile changes it
        "FROM node:22\nRUN userdel -r node && useradd node\nUSER node\n",  # the system picks the new one's
    ],
)
def test_no_inherited_uid_when_it_is_not_known(text):
    (finding,) = catches("IL7014", text)
    assert finding.message.endswith("use its numeric UID")


def test_a_uid_from_a_build_argument_is_written_as_that_argument():
    # docker init's template: the UID is a build argument, so USER must follow it
    text = (
        "FROM debian:bookworm-slim\nARG UID=10001\n"
        'RUN adduser --disabled-password --gecos "" --no-create-home --uid "${UID}" appuser\nUSER appuser\n'
    )
    (finding,) = catches("IL7014", text)
    assert finding.message.endswith("use USER ${UID}") and finding.fix.applicability == "safe"
    assert _fixed(text).endswith("\nUSER ${UID}\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nARG UID\nRUN useradd -u $UID app\nUSER app\n",  # no value known
        "FROM debian:12\nARG UID=app\nRUN useradd -u $UID app\nUSER app\n",  # not a number
        "FROM debian:12\nARG UID=10001\nRUN useradd -u $UID app\nENV UID=20000\nUSER app\n",  # another value at USER
    ],
)
def test_a_build_argument_uid_that_the_user_instruction_cannot_repeat(text):
    (finding,) = catches("IL7014", text)
    assert finding.message.endswith("use its numeric UID")
