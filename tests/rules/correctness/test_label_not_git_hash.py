"""IL8031 label-not-git-hash: values of the org.opencontainers.image.revision label's schema type, good and bad."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes

KEY = "org.opencontainers.image.revision"


@pytest.mark.parametrize("value", ['main', 'v1.2.0', '012345', 'ABCDEF0123'])
def test_catches_values_of_the_wrong_form(value):
    finding = catches("IL8031", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert f"label {KEY} is {value!r}, not " in finding.message


@pytest.mark.parametrize("value", ['4f2c1e9', '4f2c1e9a8b7c', '0123456789abcdef0123456789abcdef01234567', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'])
def test_silent_on_valid_values(value):
    passes("IL8031", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)


def test_silent_without_a_schema_type_for_the_label():
    passes("IL8031", labelled(f'{KEY}="main"'))


def test_judges_the_value_the_image_ends_up_with():
    fixed_later = f'FROM alpine:3.22\nLABEL {KEY}="main"\nLABEL {KEY}="4f2c1e9"\n'
    passes("IL8031", fixed_later, settings=WITH_SCHEMA)
    in_builder_only = f'FROM alpine:3.22 AS build\nLABEL {KEY}="main"\nFROM alpine:3.22\nLABEL {KEY}="4f2c1e9"\n'
    passes("IL8031", in_builder_only, settings=WITH_SCHEMA)


def test_values_from_build_arguments_are_left_to_the_build():
    passes("IL8031", f"FROM alpine:3.22\nARG VALUE\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)
    passes("IL8031", f"FROM alpine:3.22\nARG VALUE=main\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)


def test_values_from_env_are_judged():
    catches("IL8031", f'FROM alpine:3.22\nENV VALUE="main"\nLABEL {KEY}="$VALUE"\n', settings=WITH_SCHEMA)
