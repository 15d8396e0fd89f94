"""IL8032 label-not-semver: values of the org.opencontainers.image.version label's schema type, good and bad."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes

KEY = "org.opencontainers.image.version"


@pytest.mark.parametrize("value", ['1.4', '01.2.3', '1.2.3-01', '1.2.3.4', 'latest'])
def test_catches_values_of_the_wrong_form(value):
    finding = catches("IL8032", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert f"label {KEY} is {value!r}, not " in finding.message


@pytest.mark.parametrize("value", ['1.4.0', '2.0.0-rc.1', '1.0.0+build.7', '1.0.0-alpha-1'])
def test_silent_on_valid_values(value):
    passes("IL8032", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)


def test_silent_without_a_schema_type_for_the_label():
    passes("IL8032", labelled(f'{KEY}="1.4"'))


def test_judges_the_value_the_image_ends_up_with():
    fixed_later = f'FROM alpine:3.22\nLABEL {KEY}="1.4"\nLABEL {KEY}="1.4.0"\n'
    passes("IL8032", fixed_later, settings=WITH_SCHEMA)
    in_builder_only = f'FROM alpine:3.22 AS build\nLABEL {KEY}="1.4"\nFROM alpine:3.22\nLABEL {KEY}="1.4.0"\n'
    passes("IL8032", in_builder_only, settings=WITH_SCHEMA)


def test_values_from_build_arguments_are_left_to_the_build():
    passes("IL8032", f"FROM alpine:3.22\nARG VALUE\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)
    passes("IL8032", f"FROM alpine:3.22\nARG VALUE=1.4\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)


def test_values_from_env_are_judged():
    catches("IL8032", f'FROM alpine:3.22\nENV VALUE="1.4"\nLABEL {KEY}="$VALUE"\n', settings=WITH_SCHEMA)
