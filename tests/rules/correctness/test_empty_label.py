"""IL8027 empty-label: a schema label set to "" in the shipped image."""

from __future__ import annotations

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes


def test_catches_an_empty_schema_label():
    finding = catches("IL8027", labelled('org.opencontainers.image.version=""'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert finding.message == "label org.opencontainers.image.version is empty; give it a value (the label schema types it semver)"


def test_the_empty_value_is_not_also_a_wrong_value():
    passes("IL8032", labelled('org.opencontainers.image.version=""'), settings=WITH_SCHEMA)


def test_silent_on_labels_outside_the_schema_and_on_build_arguments():
    passes("IL8027", labelled('note=""'), settings=WITH_SCHEMA)
    passes("IL8027", "FROM alpine:3.22\nARG VERSION\nLABEL org.opencontainers.image.version=$VERSION\n", settings=WITH_SCHEMA)


def test_a_later_value_replaces_the_empty_one():
    text = 'FROM alpine:3.22\nLABEL org.opencontainers.image.title=""\nLABEL org.opencontainers.image.title="app"\n'
    passes("IL8027", text, settings=WITH_SCHEMA)
