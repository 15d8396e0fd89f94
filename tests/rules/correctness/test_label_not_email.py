"""IL8033 label-not-email: values of the maintainer label's schema type, good and bad."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes

KEY = "maintainer"


@pytest.mark.parametrize("value", ['Jane Doe', 'jane@@example.com', 'jane@example.com, bob@example.com', 'jane@exa_mple.com'])
def test_catches_values_of_the_wrong_form(value):
    finding = catches("IL8033", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert f"label {KEY} is {value!r}, not " in finding.message


@pytest.mark.parametrize("value", ['jane@example.com', 'Jane Doe <jane@example.com>', '<jane@example.com>', 'jane+docker@example.com'])
def test_silent_on_valid_values(value):
    passes("IL8033", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)


def test_silent_without_a_schema_type_for_the_label():
    passes("IL8033", labelled(f'{KEY}="Jane Doe"'))


def test_judges_the_value_the_image_ends_up_with():
    fixed_later = f'FROM alpine:3.22\nLABEL {KEY}="Jane Doe"\nLABEL {KEY}="jane@example.com"\n'
    passes("IL8033", fixed_later, settings=WITH_SCHEMA)
    in_builder_only = f'FROM alpine:3.22 AS build\nLABEL {KEY}="Jane Doe"\nFROM alpine:3.22\nLABEL {KEY}="jane@example.com"\n'
    passes("IL8033", in_builder_only, settings=WITH_SCHEMA)


def test_values_from_build_arguments_are_left_to_the_build():
    passes("IL8033", f"FROM alpine:3.22\nARG VALUE\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)
    passes("IL8033", f"FROM alpine:3.22\nARG VALUE=Jane\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)


def test_values_from_env_are_judged():
    catches("IL8033", f'FROM alpine:3.22\nENV VALUE="Jane Doe"\nLABEL {KEY}="$VALUE"\n', settings=WITH_SCHEMA)
