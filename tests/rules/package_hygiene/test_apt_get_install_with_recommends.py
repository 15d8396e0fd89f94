"""IL6002 apt-get-install-with-recommends: apt-get install without --no-install-recommends, config and stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB, fix_of, fixed
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN apt-get install -y --no-install-recommends curl",
        DEB + "RUN apt-get install -y -o APT::Install-Recommends=0 curl",
        DEB + "RUN apt-get install -y -o apt::install-recommends=false curl",
        DEB + "RUN printf 'APT::Install-Recommends \"false\";\\n' > /etc/apt/apt.conf.d/00norecommends\n"
        "RUN apt-get install -y curl",
        DEB + "RUN cat > /etc/apt/apt.conf.d/01norec <<EOF\nAPT::Install-Recommends \"0\";\nEOF\n"
        "RUN apt-get install -y curl",
        # builder stage: recommends never ship
        "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM debian:12-slim\nCOPY --from=build /x /x",
        DEB + "RUN apt-get update",
    ],
)
def test_recommends_passes(text):
    passes("IL6002", text)


def test_recommends_config_only_counts_in_lineage():
    text = (
        "FROM debian:12 AS other\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/x\n"
        "FROM debian:12-slim\nRUN apt-get install -y curl\n"
    )
    catches("IL6002", text)


def test_recommends_checks_parent_stage_of_final():
    text = "FROM debian:12-slim AS base\nRUN apt-get install -y curl\nFROM base\nCMD [\"curl\"]\n"
    assert catches("IL6002", text)[0].line == 2


def test_recommends_catches_in_target_stage():
    text = "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM scratch\n"
    passes("IL6002", text)
    catches("IL6002", text, target="build")

# --- the fix: --no-install-recommends after install, unsafe -----------------------------------


def test_fix_adds_no_install_recommends_after_install():
    text = DEB + "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    assert fixed("IL6002", text, unsafe=True) == (
        DEB + "RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\n"
    )


def test_fix_is_unsafe_and_not_applied_without_unsafe():
    text = DEB + "RUN apt-get install -y curl\n"
    assert fix_of("IL6002", text).applicability == "unsafe"
    assert fixed("IL6002", text) == text


def test_fix_in_a_multi_line_run():
    text = DEB + "RUN apt-get update \\\n    && apt-get install -y \\\n        curl \\\n    && rm -rf /var/lib/apt/lists/*\n"
    assert fixed("IL6002", text, unsafe=True) == (
        DEB
        + "RUN apt-get update \\\n    && apt-get install --no-install-recommends -y \\\n        curl \\\n"
        + "    && rm -rf /var/lib/apt/lists/*\n"
    )


def test_fix_keeps_crlf():
    text = "FROM debian:12-slim\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n"
    assert fixed("IL6002", text, unsafe=True) == (
        "FROM debian:12-slim\r\nRUN apt-get update \\\r\n && apt-get install --no-install-recommends -y curl\r\n"
    )


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + DEB + "RUN apt-get update `\n && apt-get install -y curl\n"
    assert fixed("IL6002", text, unsafe=True) == (
        "# escape=`\n" + DEB + "RUN apt-get update `\n && apt-get install --no-install-recommends -y curl\n"
    )


def test_fix_every_install_of_a_run():
    text = DEB + "RUN apt-get install -y curl && apt-get install -y git\n"
    assert fixed("IL6002", text, unsafe=True) == (
        DEB + "RUN apt-get install --no-install-recommends -y curl && apt-get install --no-install-recommends -y git\n"
    )


def test_fix_falls_back_to_advice_when_install_is_not_exact():
    text = DEB + 'RUN sh -c "apt-get \\"install\\" -y curl"\n'
    assert fix_of("IL6002", text).applicability == "display-only"
    assert fixed("IL6002", text, unsafe=True) == text
