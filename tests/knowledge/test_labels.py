"""Label types and their values: each type checked against its specification."""

from __future__ import annotations

import pytest

from imagelint.knowledge.labels import check_schema, parse_requirement, value_problem

VALID = {
    "url": ["https://example.com/app", "http://example.com:8080/x?y=1#z", "ssh://git@example.com/a.git", "urn:isbn:0451450523", "file:///etc/x"],
    "rfc3339": ["2024-05-01T12:00:00Z", "2024-05-01t12:00:00.5+02:00", "2024-02-29T00:00:00Z", "2016-12-31T23:59:60Z"],
    "spdx": ["MIT", "apache-2.0", "MIT OR Apache-2.0", "(MIT AND BSD-3-Clause) OR ISC", "GPL-2.0-or-later WITH Classpath-exception-2.0", "LicenseRef-Acme"],
    "hash": ["4f2c1e9", "4f2c1e9a8b7c6d5e", "0123456789abcdef0123456789abcdef01234567", "f" * 64],
    "semver": ["0.0.0", "1.4.2", "2.0.0-rc.1", "1.0.0-alpha-1.0+build.5", "1.0.0+001"],
    "email": ["jane@example.com", "Jane Doe <jane@example.com>", "<jane@example.com>", '"jane doe"@example.com', "j@[192.0.2.1]"],
}
INVALID = {
    "url": ["example.com", "/srv/app", "git@example.com:a.git", "https://", "https://a b", "https://example.com/%zz", "https://ex.com/ü", "a#b#c"],
    "rfc3339": ["2024-05-01", "2024-05-01 12:00:00Z", "2024-05-01T12:00", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00.Z"],
    "spdx": ["", "Apache 2.0", "BSD", "MIT License", "MIT OR", "(MIT", "MIT WITH Apache-2.0", "NONE"],
    "hash": ["", "012345", "ABCDEF0", "g123456", "a" * 41, "main"],
    "semver": ["1", "1.2", "1.2.3.4", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", " 1.2.3"],
    "email": ["jane", "jane@", "@example.com", "jane@@example.com", "jane..doe@example.com", "jane@exa_mple.com", "a @example.com", "a@example.com, b@example.com"],
}


@pytest.mark.parametrize("kind, value", [(kind, value) for kind, values in VALID.items() for value in values])
def test_valid_values(kind, value):
    assert value_problem(kind, value) is None


@pytest.mark.parametrize("kind, value", [(kind, value) for kind, values in INVALID.items() for value in values])
def test_invalid_values(kind, value):
    assert value_problem(kind, value)


def test_text_takes_anything_and_a_v_prefix_gets_its_own_hint():
    assert value_problem("text", "") is None and value_problem("text", "anything at all") is None
    assert value_problem("semver", "v1.2.3") == "a semantic version (drop the leading v)"


def test_requirements_and_schemas():
    assert parse_requirement("maintainer=email") == ("maintainer", "email")
    assert parse_requirement("org.opencontainers.image.source:url") == ("org.opencontainers.image.source", "url")
    assert parse_requirement(" vendor = text ") == ("vendor", "text")
    for bad in ("maintainer", "=url", "maintainer=e-mail"):
        with pytest.raises(ValueError):
            parse_requirement(bad)
    assert check_schema({"a": "url"}) == {"a": "url"}
    with pytest.raises(ValueError, match="'uri' is not a label type"):
        check_schema({"a": "uri"})
