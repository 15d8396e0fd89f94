"""IL8006 invalid-json-arguments: broken JSON arrays, shell tests and the single-quote fix."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "line",
    [
        'CMD ["echo", "look ma, no quote!]',
        "ENTRYPOINT [\u201cpython\u201d, \u201capp.py\u201d]",
        'CMD ["echo", ["nested"]]',
        'CMD ["sh", "-c", "echo \\$HOME"]',
        "SHELL ['/bin/bash', '-c']",
        'RUN ["apk", "add", "curl"',
        "COPY ['a.txt', '/app/']",
    ],
)
def test_broken_arrays(line):
    catches("IL8006", f"FROM alpine:3.20\n{line}\n")


@pytest.mark.parametrize(
    "line",
    [
        'RUN [ "$(uname -m)" = "x86_64" ] && echo amd64',
        "RUN [ -d /app ] || mkdir /app",
        "RUN [[ -f /etc/os-release ]] && cat /etc/os-release",
        "CMD []",
        'CMD [ "a", "b" ]',
        "VOLUME /data",
    ],
)
def test_shell_tests_and_valid_json(line):
    passes("IL8006", f"FROM alpine:3.20\n{line}\n")


def test_single_quote_fix():
    finding = catches("IL8006", "FROM alpine:3.20\nCMD ['python', 'app.py']\n")[0]
    assert finding.fix.description == 'CMD ["python", "app.py"]'
