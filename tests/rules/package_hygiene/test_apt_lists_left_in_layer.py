"""IL6003 apt-lists-left-in-layer: apt lists left in the layer, later removal and builder stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB, fix_of, fixed
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /var/cache/apt/*",
        "RUN apt-get update && apt-get install -y curl && apt-get dist-clean",
        "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl",
        "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update",
        "RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update",
        "RUN apt-get install -y curl",  # no update: no new lists in this layer
        "RUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF",
        # find deleting everything below the lists
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -mindepth 1 -delete",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists/ -type f -exec rm -f {} +",
        "RUN apt-get update && apt-get install -y curl && find -L /var/lib/apt -xdev -depth -exec /bin/rm -rf '{}' \\;",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -mindepth 1 -maxdepth 1 -exec rm -rf {} +",
    ],
)
def test_apt_lists_passes(run):
    passes("IL6003", DEB + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl && apt-get clean",  # clean keeps the lists
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl",
        "RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update",
        "RUN apt update && apt install -y curl",
        # find deleting only some of the lists, or not deleting
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -name '*Packages*' -delete",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -type f -exec ls -l {} +",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -mtime +1 -o -type f -delete",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -maxdepth 1 -exec rm -f {} +",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -maxdepth 1 -delete",
        "RUN apt-get update && apt-get install -y curl && find /var/lib -name lists -prune -o -delete",
    ],
)
def test_apt_lists_catches(run):
    catches("IL6003", DEB + run)


def test_apt_lists_removal_in_a_later_run_does_not_count():
    text = DEB + "RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n"
    assert catches("IL6003", text)[0].line == 2


def test_apt_lists_builder_stage_exempt():
    passes("IL6003", "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\n")

# --- the fix: rm -rf /var/lib/apt/lists/* at the end of the RUN --------------------------------

LISTS = "rm -rf /var/lib/apt/lists/*"


def test_fix_appends_the_removal_to_a_one_line_run():
    text = DEB + "RUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    assert fixed("IL6003", text) == DEB + f"RUN apt-get update && apt-get install -y --no-install-recommends curl && {LISTS}\n"
    assert fix_of("IL6003", text).applicability == "safe"


def test_fix_continues_a_multi_line_run_in_its_style():
    text = DEB + "RUN apt-get update \\\n    && apt-get install -y curl\nCMD [\"curl\"]\n"
    assert fixed("IL6003", text) == (
        DEB + f"RUN apt-get update \\\n    && apt-get install -y curl \\\n    && {LISTS}\nCMD [\"curl\"]\n"
    )


def test_fix_keeps_crlf():
    text = "FROM debian:12-slim\r\nRUN apt-get update \\\r\n  && apt-get install -y curl\r\n"
    assert fixed("IL6003", text) == f"FROM debian:12-slim\r\nRUN apt-get update \\\r\n  && apt-get install -y curl \\\r\n  && {LISTS}\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + DEB + "RUN apt-get update `\n  && apt-get install -y curl\n"
    assert fixed("IL6003", text) == "# escape=`\n" + DEB + f"RUN apt-get update `\n  && apt-get install -y curl `\n  && {LISTS}\n"


def test_fix_after_compound_commands():
    text = DEB + "RUN if [ -n \"$X\" ]; then apt-get update; fi\n"
    assert fixed("IL6003", text) == DEB + f"RUN if [ -n \"$X\" ]; then apt-get update; fi && {LISTS}\n"


def test_fix_adds_a_line_to_a_heredoc_script_with_set_e():
    text = DEB + "RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n"
    assert fixed("IL6003", text) == DEB + f"RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\n{LISTS}\nEOF\n"


def test_fix_joins_the_last_line_of_a_heredoc_script_without_set_e():
    # a line of its own would make the RUN succeed even when the install failed
    text = DEB + "RUN <<EOF\r\napt-get update\r\napt-get install -y curl\r\nEOF\r\n"
    assert fixed("IL6003", text) == DEB.replace("\n", "\n") + f"RUN <<EOF\r\napt-get update\r\napt-get install -y curl && {LISTS}\r\nEOF\r\n"


def test_fix_stays_on_the_command_line_of_a_run_with_a_heredoc():
    text = DEB + "RUN apt-get update && cat <<EOF > /etc/motd\nhello\nEOF\n"
    assert fixed("IL6003", text) == DEB + f"RUN apt-get update && cat <<EOF > /etc/motd && {LISTS}\nhello\nEOF\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update; apt-get install -y curl;",  # `; &&` is a syntax error
        "RUN apt-get update && apt-get install -y curl # the tools",  # would land in the comment
        "RUN apt-get update && apt-get install -y curl &",
        "RUN apt-get update && exit 0",  # never reached
        "RUN sudo apt-get update && sudo apt-get install -y curl",  # rm would run as the RUN's user
        "RUN su -c 'apt-get update && apt-get install -y curl' root",
        "ONBUILD RUN apt-get update && apt-get install -y curl",  # runs as the child image's user
    ],
)
def test_fix_falls_back_to_the_message_when_it_cannot_append(run):
    text = DEB + run + "\n"
    assert fix_of("IL6003", text) is None
    assert fixed("IL6003", text, unsafe=True) == text


def test_fix_falls_back_under_a_non_posix_shell():
    text = DEB + 'SHELL ["pwsh", "-Command"]\nRUN apt-get update && apt-get install -y curl\n'
    assert fixed("IL6003", text, unsafe=True) == text


def test_no_fix_when_a_later_run_installs_without_its_own_update():
    # Removing the lists would make that later install fail: a fix must never break the build.
    text = DEB + "RUN apt-get update\nRUN apt-get install -y curl\n"
    assert fix_of("IL6003", text) is None
    assert fixed("IL6003", text, unsafe=True) == text


@pytest.mark.parametrize(
    "later",
    [
        "FROM base\nRUN apt-get install -y git\n",  # a stage built FROM it
        "ONBUILD RUN apt-get install -y git\n",  # an image built FROM this one
    ],
)
def test_no_fix_for_later_installs_in_child_stages_and_triggers(later):
    text = "FROM debian:12-slim AS base\nRUN apt-get update && apt-get install -y curl\n" + later
    assert fix_of("IL6003", text) is None


@pytest.mark.parametrize(
    "later",
    [
        "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n",
        "RUN apt-get purge -y curl\n",
        # another stage, not built FROM it
        "FROM debian:12-slim AS other\nRUN apt-get install -y git\nFROM base\n",
    ],
)
def test_fix_is_safe_when_later_runs_do_not_need_the_lists(later):
    text = "FROM debian:12-slim AS base\nRUN apt-get update && apt-get install -y curl\n" + later
    fix = fix_of("IL6003", text)
    assert fix is not None and fix.applicability == "safe"


def test_aptitude_update_leaves_the_lists_too():
    finding = catches("IL6003", DEB + "RUN aptitude update && aptitude install -y curl\n")[0]
    assert finding.message.startswith("aptitude update leaves the package lists in this layer")
    passes("IL6003", DEB + "RUN aptitude update && aptitude install -y curl && rm -rf /var/lib/apt/lists/*\n")
