"""IL8022 relinked-bin-sh: hadolint's DL4005 cases, the /usr/bin/sh spelling, and what it leaves alone."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "ln -sf /bin/bash /bin/sh",
        "ln -s /bin/bash /bin/sh",
        "rm /bin/sh && ln -s /bin/bash /bin/sh",
        "ln -sfn bash /bin/sh",
        "ln -sf /usr/bin/bash /usr/bin/sh",  # hadolint misses the merged-/usr spelling
        "ln --symbolic --force /bin/zsh /bin/sh",
    ],
)
def test_catches_replacing_bin_sh(run):
    finding = catches("IL8022", f"FROM debian:12-slim\nRUN {run}\n")[0]
    assert finding.line == 2
    assert "/bin/sh" in finding.message and "SHELL [" in finding.message


def test_points_at_the_ln_command_and_names_the_shell():
    finding = catches("IL8022", "FROM debian:12-slim\nRUN apt-get update && \\\n    ln -sf /bin/bash /bin/sh\n")[0]
    assert (finding.line, finding.column) == (3, 5)
    assert 'SHELL ["/bin/bash", "-c"]' in finding.message


def test_target_directory_form():
    catches("IL8022", "FROM debian:12-slim\nRUN ln -sf -t /bin /opt/shells/sh\n")


@pytest.mark.parametrize(
    "run",
    [
        "ln -sf /bin/sh /bin/bash",  # makes bash point at sh: /bin/sh itself is untouched (hadolint fires)
        "ln -s /bin/sh /usr/local/bin/sh-compat",
        "ln -sf /bin/bash /bin/sh.bash",
        "cp /bin/bash /bin/bash.bak",
        "echo ln -sf /bin/bash /bin/sh",
        "ln -sf /usr/local/bin/sh /bin/sh",  # still a shell called sh
        "ln -sf /bin/bash /bin/",  # makes /bin/bash, not /bin/sh
    ],
)
def test_silent_when_bin_sh_stays_sh(run):
    passes("IL8022", f"FROM debian:12-slim\nRUN {run}\n")


def test_silent_in_a_builder_stage():
    passes(
        "IL8022",
        """\
        FROM debian:12-slim AS stage
        RUN ln -sf /usr/bin/bash /usr/bin/sh
        RUN mkdir /out && cp /usr/bin/sh /out/sh
        FROM gcr.io/distroless/static-debian12
        COPY --from=stage /out/sh /bin/sh
        """,
    )


def test_catches_in_a_parent_stage_of_the_image():
    catches("IL8022", "FROM debian:12-slim AS base\nRUN ln -sf /bin/bash /bin/sh\nFROM base\nCMD [\"app\"]\n")


def test_catches_in_heredoc_scripts():
    catches("IL8022", "FROM debian:12-slim\nRUN <<EOF\nset -e\nln -sf /bin/bash /bin/sh\nEOF\n")
