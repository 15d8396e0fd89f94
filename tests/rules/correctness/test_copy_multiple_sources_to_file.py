"""IL8009 copy-multiple-sources-to-file: several sources to a file destination, JSON form and ADD."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_json_form_and_add():
    catches("IL8009", 'FROM alpine:3.20\nCOPY ["a.txt", "b.txt", "/data"]\n')
    catches("IL8009", "FROM alpine:3.20\nADD a.tgz b.tgz /opt\n")


def test_destination_location_and_message():
    finding = catches("IL8009", "FROM alpine:3.20\nCOPY --chown=app a.txt b.txt /data\n")[0]
    assert (finding.line, finding.column) == (2, 30)
    assert "'/data/'" in finding.message


def test_directory_destinations_are_fine():
    passes("IL8009", "FROM alpine:3.20\nWORKDIR /app\nCOPY a.txt b.txt .\nCOPY c.txt d.txt ../\nCOPY e f ./sub/\n")
    passes("IL8009", "FROM alpine:3.20\nCOPY --from=build /a /b /\n")


def test_destination_variable_ending_in_slash():
    passes("IL8009", "FROM alpine:3.20\nENV DEST=/app/\nCOPY a b $DEST\n")
    passes("IL8009", "FROM alpine:3.20\nCOPY a b $UNKNOWN\n")


def test_single_source_to_a_file_is_fine():
    passes("IL8009", "FROM alpine:3.20\nCOPY nginx.conf /etc/nginx/nginx.conf\n")
