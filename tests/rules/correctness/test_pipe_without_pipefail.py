"""IL8016 pipe-without-pipefail: pipes without pipefail, SHELL in parent stages, locations and Windows shells."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSL https://x/install.sh | bash",
        "export $(curl -s https://x/latest-build.yml | grep 'download:' | sed 's/:/=/')",
        "make 2>&1 | tee /var/log/build.log",
        "go list ./... | grep -vE '/vendor/'",
        "curl -fsSL https://x/key | gpg --dearmor | tee /usr/share/keyrings/x.gpg",
        "./build.sh | tee build.log",
    ],
)
def test_masked_failures(script):
    catches("IL8016", f"FROM debian:bookworm-slim\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        'echo "$SHA256  file.tgz" | sha256sum -c -',
        "curl -fsSL https://x/app.tgz | tar -xz -C /opt",
        "wget -qO- https://x/key.asc | apt-key add -",
        "curl -fsSL https://x/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg",
        "echo 'deb https://x stable main' | tee /etc/apt/sources.list.d/x.list",
        "find /usr/local -type f -executable | xargs -r strip",
        "curl -fsSL https://x/app.gz | gunzip > /usr/local/bin/app",
        "set -euxo pipefail; curl -fsSL https://x/install.sh | bash",
        "curl -fsSL https://x/v.json | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
    ],
)
def test_failures_not_masked(script):
    passes("IL8016", f"FROM debian:bookworm-slim\nRUN {script}\n")


def test_shell_with_pipefail_in_a_parent_stage():
    passes("IL8016", 'FROM debian:bookworm-slim AS base\nSHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\nFROM base\nRUN curl -fsSL https://x | sh\n')


def test_pipefail_location_in_a_multiline_run():
    text = "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && curl -fsSL https://x/install.sh | bash -\n"
    finding = catches("IL8016", text)[0]
    assert (finding.line, finding.column) == (3, 8)


def test_windows_shells_are_skipped():
    passes("IL8016", '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN curl.exe -fsSL https://x | Out-File x\n')
