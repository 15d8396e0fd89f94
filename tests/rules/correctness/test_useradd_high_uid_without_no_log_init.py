"""IL8018 useradd-high-uid-without-no-log-init: high UIDs without --no-log-init, ARGs and locations."""

from __future__ import annotations

from tests.support.helpers import catches, passes


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
