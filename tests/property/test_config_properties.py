"""Config files (imagelint's TOML, .hadolint.yaml) of any content: settings or one ConfigError."""

from __future__ import annotations

from hypothesis import given

from tests.support.fuzz_targets import run_case, target


@given(target("config-toml").strategy)
def test_any_config_toml_gives_settings_or_one_error_naming_the_file(text):
    run_case("config-toml", text)


@given(target("hadolint-yaml").strategy)
def test_any_hadolint_yaml_gives_a_conversion_or_one_error_naming_the_file(text):
    run_case("hadolint-yaml", text)
