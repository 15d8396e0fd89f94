"""IL8004 maintainer-instruction: MAINTAINER, its LABEL fix and lower case."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_maintainer_fix_escapes_quotes():
    finding = catches("IL8004", 'FROM alpine:3.20\nMAINTAINER Jane "JD" Doe\n')[0]
    assert finding.fix.description == 'LABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe"'


def test_lower_case_maintainer():
    catches("IL8004", "from alpine:3.20\nmaintainer me@example.com\n")


def test_maintainer_label_is_fine():
    passes("IL8004", 'FROM alpine:3.20\nLABEL maintainer="me@example.com"\n')
