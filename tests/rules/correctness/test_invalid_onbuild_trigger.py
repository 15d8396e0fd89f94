"""IL8005 invalid-onbuild-trigger: ONBUILD triggers that are forbidden and allowed."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize("trigger", ["FROM alpine:3.20", "MAINTAINER me", "onbuild RUN true"])
def test_forbidden_triggers(trigger):
    catches("IL8005", f"FROM alpine:3.20\nONBUILD {trigger}\n")


@pytest.mark.parametrize("trigger", ["RUN npm ci", "COPY . /app", "ENV A=1", "USER app", "WORKDIR /app"])
def test_allowed_triggers(trigger):
    passes("IL8005", f"FROM alpine:3.20\nONBUILD {trigger}\n")
