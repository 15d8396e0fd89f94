"""IL7004 curl-pipe-to-shell: downloads piped into an interpreter, variants and locations."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSL https://get.example.sh | sh",
        "curl -fsSL https://get.example.sh | sudo -E bash -",
        "wget -qO- https://get.example.sh | sh -s -- -y",
        "curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin",
        "curl -L https://cpanmin.us | perl - App::cpanminus",
        "curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest",
        'sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"',
        "curl -fsSL https://bootstrap.pypa.io/get-pip.py | python3",
    ],
)
def test_pipe_to_interpreter_variants(script):
    catches("IL7004", f"FROM debian:bookworm-slim\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsSL https://example.com/app.tgz | tar -xz -C /opt",
        "curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg",
        "curl -fsSLo install.sh https://example.com/install.sh && sh install.sh",
        "wget -O /tmp/install.sh https://example.com/install.sh | sh",
        "curl -fsSL https://example.com/versions.json | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
        "curl -fsSL https://example.com/script.sh | bash -c 'cat > /tmp/script.sh'",
        "echo 'echo hi' | sh",
    ],
)
def test_not_piped_into_an_interpreter(script):
    passes("IL7004", f"FROM debian:bookworm-slim\nRUN {script}\n")


def test_pipe_to_shell_location_in_a_multiline_run():
    text = "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && curl -fsSL https://deb.nodesource.com/setup_22.x | bash -\n"
    finding = catches("IL7004", text)[0]
    assert (finding.line, finding.column) == (3, 8)
