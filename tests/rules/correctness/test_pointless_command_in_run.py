"""IL8023 pointless-command-in-run: hadolint's DL3001 list, and the build-time uses it must leave alone."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run, says",
    [
        ("shutdown -h now", "nothing to stop"),
        ("reboot", "nothing to stop"),
        ("ps aux", "build container"),
        ("ps aux | grep nginx", "build container"),
        ("free -m", "build container"),
        ("top -b -n1", "build container"),
        ("ifconfig", "build container"),  # named in hadolint's message, missing from its check
        ("kill 1", "starts no process"),
        ("service nginx start", "only until this RUN ends"),
        ("apt-get install -y nginx && service nginx restart", "only until this RUN ends"),
        ("service nginx stop", "nothing in this RUN started nginx"),
        ("service --status-all", "build container"),
        ("vim /etc/hosts", "terminal"),
        ("ssh deploy@example.com true", "--mount=type=ssh"),
        ("mount -t tmpfs none /mnt", "--mount=type="),
        ("mount", "lists"),
        ("/usr/bin/vim /etc/hosts", "terminal"),  # hadolint matches bare names only
        ("sudo service nginx start", "only until this RUN ends"),
        ("if true; then ps; fi", "build container"),
    ],
)
def test_catches_commands_with_no_job_in_a_build(run, says):
    finding = catches("IL8023", f"FROM debian:12-slim\nRUN {run}\n")[0]
    assert finding.line == 2 and says in finding.message


def test_points_at_the_command_in_a_long_run():
    finding = catches("IL8023", "FROM debian:12-slim\nRUN apt-get update \\\n && top -b -n1\n")[0]
    assert (finding.line, finding.column) == (3, 5)


@pytest.mark.parametrize(
    "run",
    [
        "service mysql start && mysql -e 'CREATE DATABASE app' && service mysql stop",
        "/etc/init.d/postgresql start && psql -c 'select 1' && kill $(cat /run/pg.pid)",
        "TERM=xterm browsh & pidsave=$!; sleep 10; kill $pidsave || true",
        "mysqld & sleep 5 && ps aux | grep mysqld",
        "vim -es -u /root/.vimrc -c PlugInstall -c qa",
        "vim +PlugInstall +qall",
        "vim --version",
        "ssh -V",
        "ssh-keyscan example.com >> /etc/ssh/ssh_known_hosts",
        "apt-get install -y --no-install-recommends vim procps openssh-client",
        "echo ps top free kill mount",
        "pkill -f nothing || true",
    ],
)
def test_silent_where_the_command_has_a_job(run):
    passes("IL8023", f"FROM debian:12-slim\nRUN {run}\n")


def test_ssh_with_a_forwarded_agent():
    passes("IL8023", "FROM debian:12-slim\nRUN --mount=type=ssh ssh -T git@example.com\n")


def test_also_checks_builder_stages_and_onbuild():
    catches("IL8023", "FROM debian:12-slim AS build\nRUN ps aux\nFROM scratch\nCOPY --from=build /etc/os-release /\n")
    catches("IL8023", "FROM debian:12-slim\nONBUILD RUN free -m\n")
