"""IL8030 label-not-spdx: values of the org.opencontainers.image.licenses label's schema type, good and bad."""

from __future__ import annotations

import pytest

from tests.rules.correctness.label_cases import WITH_SCHEMA, labelled
from tests.support.helpers import catches, passes

KEY = "org.opencontainers.image.licenses"


@pytest.mark.parametrize("value", ['Apache 2.0', 'BSD', 'MIT License', 'MIT OR'])
def test_catches_values_of_the_wrong_form(value):
    finding = catches("IL8030", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)[0]
    assert (finding.line, finding.column) == (2, 7)
    assert f"label {KEY} is {value!r}, not " in finding.message


@pytest.mark.parametrize("value", ['MIT', 'Apache-2.0 OR MIT', 'mit', 'GPL-2.0-only WITH Classpath-exception-2.0', 'LicenseRef-Internal'])
def test_silent_on_valid_values(value):
    passes("IL8030", labelled(f'{KEY}="{value}"'), settings=WITH_SCHEMA)


def test_silent_without_a_schema_type_for_the_label():
    passes("IL8030", labelled(f'{KEY}="Apache 2.0"'))


def test_judges_the_value_the_image_ends_up_with():
    fixed_later = f'FROM alpine:3.22\nLABEL {KEY}="Apache 2.0"\nLABEL {KEY}="MIT"\n'
    passes("IL8030", fixed_later, settings=WITH_SCHEMA)
    in_builder_only = f'FROM alpine:3.22 AS build\nLABEL {KEY}="Apache 2.0"\nFROM alpine:3.22\nLABEL {KEY}="MIT"\n'
    passes("IL8030", in_builder_only, settings=WITH_SCHEMA)


def test_values_from_build_arguments_are_left_to_the_build():
    passes("IL8030", f"FROM alpine:3.22\nARG VALUE\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)
    passes("IL8030", f"FROM alpine:3.22\nARG VALUE=Apache\nLABEL {KEY}=$VALUE\n", settings=WITH_SCHEMA)


def test_values_from_env_are_judged():
    catches("IL8030", f'FROM alpine:3.22\nENV VALUE="Apache 2.0"\nLABEL {KEY}="$VALUE"\n', settings=WITH_SCHEMA)
