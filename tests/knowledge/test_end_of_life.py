"""The end-of-life table: kept current (a dated check), and each table's lifecycle rule applied right."""

from __future__ import annotations

import datetime
import re

import pytest

from imagelint.dockerfile import parse
from imagelint.knowledge import end_of_life as eol

_SIX_MONTHS = datetime.timedelta(days=183)


def test_table_was_checked_within_six_months():
    checked = datetime.date.fromisoformat(eol.CHECKED_ON)
    age = datetime.date.today() - checked
    assert age <= _SIX_MONTHS, (
        f"the end-of-life table was last checked on {eol.CHECKED_ON} ({age.days} days ago): check the dates in "
        "imagelint/knowledge/end_of_life.py again, add the releases that ended since, and move CHECKED_ON"
    )


def _dates(value) -> list[str]:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return [value]
    return [d for v in value for d in _dates(v)] if isinstance(value, tuple) else []


def test_no_date_is_after_the_check():
    """Every listed end had come when the table was checked: the table records, never forecasts."""
    dates = [d for value in vars(eol).values() if isinstance(value, dict) for v in value.values() for d in _dates(v)]
    assert len(dates) > 100, "the tables' dates were not found"
    late = [d for d in dates if d > eol.CHECKED_ON]
    assert not late, f"entries dated after the check ({eol.CHECKED_ON}): {late}"


def _ref(image: str):
    return parse(f"FROM {image}\n", "Dockerfile").stages[0].base


@pytest.mark.parametrize(
    ("image", "what", "since"),
    [
        ("erlang:24", "Erlang/OTP 24", "2024-05-20"),  # OTP 27's release
        ("erlang:25.3.2-slim", "Erlang/OTP 25", "2025-05-21"),  # OTP 28's release
        ("elixir:1.13-alpine", "Elixir 1.13", "2024-12-19"),  # 1.18's release
        ("elixir:1.17.3-otp-25", "Erlang/OTP 25", "2025-05-21"),
        ("gradle:7.6.4-jdk17", "Gradle 7", "2025-07-31"),  # Gradle 9's release
        ("postgres:13.16-bookworm", "PostgreSQL 13", "2025-11-13"),
        ("postgres:9.6-alpine", "PostgreSQL 9.6", "2021-11-11"),
        ("mysql:5.7.44", "MySQL 5.7", "2023-10-31"),
        ("mariadb:10.5", "MariaDB 10.5", "2025-06-24"),
        ("mongo:5.0.28", "MongoDB 5.0", "2024-10-31"),
        ("tomcat:8.5-jdk11-temurin", "Apache Tomcat 8.5", "2024-03-31"),
    ],
)
def test_ended_releases(image, what, since):
    found = eol.end_of_life(_ref(image))
    assert found is not None and (found.what, found.since) == (what, since)


@pytest.mark.parametrize(
    "image",
    [
        "gradle:jdk11", "gradle:8.10-jdk11-alpine", "gradle:jdk21-jammy", "gradle:9.1-jdk25",
        "maven:3.9-eclipse-temurin-21", "tomcat:10.1-jre17", "erlang:27", "elixir:1.18-otp-27",
        "postgres:16", "postgres:9", "mysql:8", "mysql:8.4", "mariadb:10.11", "mongo:8.0", "tomcat:9.0",
    ],
)  # fmt: skip
def test_supported_releases(image):
    assert eol.end_of_life(_ref(image)) is None


@pytest.mark.parametrize(
    "image, major",
    [("gradle:8.10-jdk23", 23), ("maven:3.9-eclipse-temurin-24", 24), ("maven:3-amazoncorretto-19", 19), ("jruby:9.4-jdk22", 22)],
)
def test_jdk_that_is_not_lts_in_a_tool_tag(image, major):
    found = eol.end_of_life(_ref(image))
    assert found is not None and found.what.startswith(f"Java {major} (not an LTS release)")
