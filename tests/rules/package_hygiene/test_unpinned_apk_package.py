"""IL6012 unpinned-apk-package: apk packages without a version and virtual package names."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import ALPINE
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apk add --no-cache curl=8.14.1-r1",
        "RUN apk add --no-cache 'curl>8.0' \"git<3\"",
        "RUN apk add --no-cache curl~8.14",
        "RUN apk add --no-cache --virtual .build-deps gcc=14.2.0-r6",
        "RUN apk add --no-cache -t .deps gcc=14.2.0-r6",
        "RUN apk add --allow-untrusted /tmp/pkg.apk",
        "RUN apk add --no-cache ${PACKAGES}",
        "RUN apk del curl",
    ],
)
def test_apk_pin_passes(run):
    passes("IL6012", ALPINE + run)


def test_apk_pin_catches_and_ignores_virtual_name():
    finding = catches("IL6012", ALPINE + "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\n")[0]
    assert "gcc, musl-dev" in finding.message and ".build-deps" not in finding.message
