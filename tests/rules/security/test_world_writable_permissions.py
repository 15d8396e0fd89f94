"""IL7009 world-writable-permissions: world-writable modes, scratch dirs removed in the same RUN, COPY --chmod."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize("mode", ["777", "0777", "-R 777", "a+rwx", "o+w", "ugo=rwx", "a+rwX", "0666"])
def test_world_writable_modes(mode):
    catches("IL7009", f"FROM alpine:3.20\nRUN chmod {mode} /srv/data\n")


@pytest.mark.parametrize("mode", ["1777", "-R 1777", "755", "775", "g=u", "+x", "u+w", "a+rwxt", "+w"])
def test_modes_that_are_not_world_writable(mode):
    passes("IL7009", f"FROM alpine:3.20\nRUN chmod {mode} /srv/data\n")


def test_scratch_dir_removed_in_the_same_run_is_fine():
    passes(
        "IL7009",
        'FROM debian:bookworm-slim\nRUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && make -C "$tempDir" && rm -rf "$tempDir"\n',
    )


def test_copy_chmod_and_location():
    finding = catches("IL7009", "FROM alpine:3.20\nCOPY --chmod=0777 entrypoint.sh /usr/local/bin/\n")[0]
    assert finding.line == 2
    passes("IL7009", "FROM alpine:3.20\nCOPY --chmod=0755 entrypoint.sh /usr/local/bin/\n")
