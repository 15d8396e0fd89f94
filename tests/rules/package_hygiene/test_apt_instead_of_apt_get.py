"""IL6004 apt-instead-of-apt-get: apt instead of apt-get and the replacement."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import DEB
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl",
        "RUN apt-cache search curl",
        "RUN echo apt install curl",
        "RUN apt-key adv --recv-keys ABC",
        "RUN add-apt-repository ppa:deadsnakes/ppa",
    ],
)
def test_apt_passes(run):
    passes("IL6004", DEB + run)


def test_apt_catches_with_replacement():
    findings = catches("IL6004", DEB + "RUN apt update && apt show curl\n")
    assert ["apt-get update" in findings[0].message, "apt-cache show" in findings[1].message] == [True, True]
