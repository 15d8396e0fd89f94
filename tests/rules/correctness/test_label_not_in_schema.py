"""IL8026 label-not-in-schema: strict-labels reports every other label of the shipped image."""

from __future__ import annotations

from imagelint.settings import Settings
from tests.rules.correctness.label_cases import SCHEMA, STRICT, WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes


def test_catches_each_label_outside_the_schema():
    findings = catches("IL8026", labelled('maintainer="a@example.com"', 'build-host="ci-7"', "org.opencontainers.image.sources=x"), settings=STRICT)
    assert [f.message.split()[1] for f in findings] == ["build-host", "org.opencontainers.image.sources"]
    assert findings[0].column == 34


def test_off_unless_strict_labels():
    passes("IL8026", labelled('build-host="ci-7"'), settings=WITH_SCHEMA)


def test_strict_with_an_empty_schema_reports_every_label():
    catches("IL8026", labelled("maintainer=x"), settings=Settings(strict_labels=True))


def test_builder_stage_labels_do_not_reach_the_image():
    passes("IL8026", "FROM alpine:3.22 AS build\nLABEL stage=build\nFROM alpine:3.22\nLABEL maintainer=a@example.com\n", settings=STRICT)


def test_silent_when_every_label_is_in_the_schema():
    passes("IL8026", labelled(*(f"{key}=x" for key in SCHEMA)), settings=STRICT)
