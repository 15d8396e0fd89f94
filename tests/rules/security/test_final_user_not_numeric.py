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
