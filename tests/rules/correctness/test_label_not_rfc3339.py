"""IL8029 label-not-rfc3339: values of the org.opencontainers.image.created label's schema type, good and bad."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes

KEY = "org.opencontainers.image.created"


@pytest.mark.parametrize("value", ['2024-05-01', '2024-05-01 12:00:00Z', '2024-05-01T12:00:00', '2024-02-30T00:00:00Z', '2024-05-01T12:00:00+0200'])
def test_catches_values_of_the_wrong_form(value):
    finding = catches("IL8029", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert f"label {KEY} is {value!r}, not " in finding.message


@pytest.mark.parametrize("value", ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.123+02:00', '2024-02-29T23:59:60z'])
def test_silent_on_valid_values(value):
    passes("IL8029", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)


def test_silent_without_a_schema_type_for_the_label():
    passes("IL8029", labelled(f'{KEY}="2024-05-01"'))


def test_judges_the_value_the_image_ends_up_with():
    fixed_later = f'FROM alpine:3.22\nLABEL {KEY}="2024-05-01"\nLABEL {KEY}="2024-05-01T12:00:00Z"\n'
    passes("IL8029", fixed_later, settings=WITH_SCHEMA)
    in_builder_only = f'FROM alpine:3.22 AS build\nLABEL {KEY}="2024-05-01"\nFROM alpine:3.22\nLABEL {KEY}="2024-05-01T12:00:00Z"\n'
    passes("IL8029", in_builder_only, settings=WITH_SCHEMA)


def test_values_from_build_arguments_are_left_to_the_build():
    passes("IL8029", f"FROM alpine:3.22\nARG VALUE\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)
    passes("IL8029", f"FROM alpine:3.22\nARG VALUE=2024-05-01\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)


def test_values_from_env_are_judged():
    catches("IL8029", f'FROM alpine:3.22\nENV VALUE="2024-05-01"\nLABEL {KEY}="$VALUE"\n', settings=WITH_SCHEMA)
