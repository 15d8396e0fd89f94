"""IL8028 label-not-url: values of the org.opencontainers.image.source label's schema type, good and bad."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes

KEY = "org.opencontainers.image.source"


@pytest.mark.parametrize("value", ['example.com/app', 'git@example.com:team/app.git', 'https://example.com/a b', 'https://', 'https://example.com/%zz'])
def test_catches_values_of_the_wrong_form(value):
    finding = catches("IL8028", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert f"label {KEY} is {value!r}, not " in finding.message


@pytest.mark.parametrize("value", ['https://example.com/app', 'http://example.com', 'ssh://git@example.com/team/app.git', 'urn:example:app'])
def test_silent_on_valid_values(value):
    passes("IL8028", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)


def test_silent_without_a_schema_type_for_the_label():
    passes("IL8028", labelled(f'{KEY}="example.com/app"'))


def test_judges_the_value_the_image_ends_up_with():
    fixed_later = f'FROM alpine:3.22\nLABEL {KEY}="example.com/app"\nLABEL {KEY}="https://example.com/app"\n'
    passes("IL8028", fixed_later, settings=WITH_SCHEMA)
    in_builder_only = f'FROM alpine:3.22 AS build\nLABEL {KEY}="example.com/app"\nFROM alpine:3.22\nLABEL {KEY}="https://example.com/app"\n'
    passes("IL8028", in_builder_only, settings=WITH_SCHEMA)


def test_values_from_build_arguments_are_left_to_the_build():
    passes("IL8028", f"FROM alpine:3.22\nARG VALUE\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)
    passes("IL8028", f"FROM alpine:3.22\nARG VALUE=example.com/app\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)


def test_values_from_env_are_judged():
    catches("IL8028", f'FROM alpine:3.22\nENV VALUE="example.com/app"\nLABEL {KEY}="$VALUE"\n', settings=WITH_SCHEMA)
