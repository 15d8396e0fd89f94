"""IL7009 world-writable-permissions: world-writable modes, scratch dirs removed in the same RUN, COPY --chmod."""

from __future__ import annotations

import pytest

from imagelint.findings import Severity
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


@pytest.mark.parametrize(
    "text",
    [
        # a comment right above the RUN
        "FROM debian:12-slim\n# OpenShift runs the container as a random UID in the root group\n"
        "RUN mkdir -p /var/lib/app && chmod 777 /var/lib/app\n",
        # a comment inside the RUN, before the chmod
        "FROM debian:12-slim\nRUN mkdir -p /data \\\n# allow running as an arbitrary user\n    && chmod -R 777 /data\n",
        # the root-group setup in the same RUN
        "FROM debian:12-slim\nRUN mkdir -p /data && chgrp -R 0 /data && chmod -R a+rwX /data\n",
        "FROM debian:12-slim\nRUN useradd app && mkdir /data && chown -R app:0 /data && chmod 0777 /data\n",
    ],
)
def test_arbitrary_uid_pattern_is_info(text):
    (finding,) = catches("IL7009", text)
    assert str(finding.severity) == "info" and "arbitrary UID" in finding.message


def test_unrelated_comments_and_root_ownership_keep_the_warning():
    text = (
        "FROM debian:12-slim\n# install the app\nRUN useradd app && chown -R root:root /srv && chmod 777 /srv\n"
        "# runs as any user? no: a later comment does not count\n"
    )
    (finding,) = catches("IL7009", text)
    assert str(finding.severity) == "warning"


def test_message_describes_function_arguments_and_expands_variables():
    text = 'FROM debian:12-slim\nRUN fix() { chmod -R 777 "$@"; } && fix /data /logs\n'
    (finding,) = catches("IL7009", text)
    assert "makes the files given to it writable" in finding.message and "$@" not in finding.message
    text = "FROM debian:12-slim\nENV APP_DATA=/var/lib/app\nRUN mkdir -p $APP_DATA && chmod 777 $APP_DATA\n"
    assert "makes /var/lib/app writable" in catches("IL7009", text)[0].message
    text = "FROM debian:12-slim\nRUN find /srv -type d | xargs chmod 777\n"
    assert "makes the files writable" in catches("IL7009", text)[0].message


def test_root_group_setup_through_find_exec_counts():
    # apache/couchdb's UBI image
    text = (
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\n"
        "RUN find /opt/couchdb \\! \\( -user couchdb -group 0 \\) -exec chown -f couchdb:0 '{}' +; \\\n"
        "    chmod 777 /opt/couchdb/data\n"
        "RUN chmod 777 /usr/local/bin/docker-entrypoint.sh\n"
    )
    data, entrypoint = catches("IL7009", text)
    assert str(data.severity) == "info" and str(entrypoint.severity) == "warning"


@pytest.mark.parametrize(
    "run",
    [
        "find /srv/app -type d -exec chmod 777 {} +",
        "find /srv/app -type f -execdir chmod o+w {} \\;",
        "find /srv/app -name '*.sh' -exec /bin/chmod -R a+rwx {} ';'",
        "find -L /srv/app -type d ! -perm 0777 -exec chmod -f 0777 '{}' +",
    ],
)
def test_chmod_run_by_find_exec(run):
    (finding,) = catches("IL7009", f"FROM debian:12-slim\nRUN mkdir -p /srv/app && {run}\n")
    assert (finding.line, finding.column) == (2, 26)  # at the find
    assert "makes /srv/app writable by every user" in finding.message


@pytest.mark.parametrize(
    "run",
    [
        "find /srv/app -type d -exec chmod 755 {} +",
        "find /srv/app -exec chown app {} + -exec chmod 1777 {} +",
        "find /srv/app -name chmod -exec ls 777 {} +",  # the word chmod, not the program
        "find /tmp/build -exec chmod 777 {} + && make -C /tmp/build && rm -rf /tmp/build",  # removed again
    ],
)
def test_find_exec_without_a_world_writable_chmod(run):
    passes("IL7009", f"FROM debian:12-slim\nRUN {run}\n")


def test_find_exec_for_an_arbitrary_uid_is_info():
    (finding,) = catches(
        "IL7009", "FROM debian:12-slim\nRUN find /srv/app -exec chgrp 0 {} + && find /srv/app -exec chmod 777 {} +\n"
    )
    assert finding.severity == Severity.INFO


def test_chmod_in_a_script_find_runs():
    text = "FROM debian:12-slim\nRUN find /srv/app -type f -exec sh -c 'chmod 777 \"$1\"' _ {} \\;\n"
    (finding,) = catches("IL7009", text)
    assert finding.line == 2 and "makes the files given to it writable" in finding.message
