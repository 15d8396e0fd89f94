"""IL8024 invalid-label-key: Docker's key format, the reserved namespaces, and what is not checked."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import labelled
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "key, hint",
    [
        ("Description", "(e.g. description)"),
        ("Build_Date", "(e.g. build_date)"),
        ("com.example..vendor", "(e.g. com.example.vendor)"),
        ("com.example--vendor", "(e.g. com.example-vendor)"),
        ("1st", ""),
        ("vendor-", "(e.g. vendor)"),
        ("FOO", "(e.g. foo)"),
    ],
)
def test_catches_keys_outside_dockers_format(key, hint):
    finding = catches("IL8024", labelled(f'{key}="x"'))[0]
    assert (finding.line, finding.column) == (2, 7)
    assert finding.message.startswith(f"label key {key} is not in Docker's key format")
    assert finding.message.endswith(hint)


@pytest.mark.parametrize("key", ["com.docker.build.host", "io.docker.thing", "org.dockerproject.x"])
def test_catches_reserved_namespaces(key):
    assert "namespace Docker reserves" in catches("IL8024", labelled(f'{key}="x"'))[0].message


@pytest.mark.parametrize(
    "key", ["maintainer", "org.opencontainers.image.source", "org.label-schema.build-date", "io.k8s.display-name", "app.v2", "build_id"]
)
def test_silent_on_good_keys(key):
    passes("IL8024", labelled(f'{key}="x"'))


def test_each_bad_key_of_a_multi_line_label_is_pointed_at():
    findings = catches("IL8024", 'FROM alpine:3.22\nLABEL Vendor="ACME" \\\n      Version="1.0"\n')
    assert [(f.line, f.column) for f in findings] == [(2, 7), (3, 7)]


def test_builder_stages_and_variable_keys_are_left_alone():
    passes("IL8024", 'FROM alpine:3.22 AS build\nLABEL Stage="build"\nFROM alpine:3.22\nLABEL stage="final"\n')
    passes("IL8024", "FROM alpine:3.22\nARG KEY\nLABEL $KEY=x\n")


def test_labels_docker_asks_extensions_to_set_are_fine():
    passes("IL8024", labelled('com.docker.desktop.extension.api.version=">= 0.2.2"', 'com.docker.extension.screenshots="[]"'))
