"""IL8014 legacy-key-value-format: legacy ENV/LABEL key value forms and the quoting fix."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_legacy_fix_quotes_values_with_spaces():
    finding = catches("IL8014", "FROM alpine:3.20\nENV JAVA_OPTS -Xmx1g -Xms1g\n")[0]
    assert finding.fix.description == 'ENV JAVA_OPTS="-Xmx1g -Xms1g"'


def test_legacy_label_and_onbuild():
    catches("IL8014", 'FROM alpine:3.20\nLABEL maintainer "me@example.com"\n')
    finding = catches("IL8014", "FROM alpine:3.20\nONBUILD ENV A 1\n")[0]
    assert finding.fix.description == "ONBUILD ENV A=1"


def test_key_value_forms_are_fine():
    passes("IL8014", 'FROM alpine:3.20\nENV A=1 B="two words"\nLABEL a=b\nARG X\n')
