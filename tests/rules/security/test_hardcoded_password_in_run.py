"""IL7013 hardcoded-password-in-run: passwords set in RUN, and ones from variables or secrets."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_chpasswd_variants():
    catches("IL7013", "FROM ubuntu:24.04\nRUN echo root:root | chpasswd\n")
    catches("IL7013", "FROM ubuntu:24.04\nRUN chpasswd <<< 'app:letmein'\n")
    catches("IL7013", "FROM centos:7\nRUN echo 'hunter2' | passwd --stdin app\n")
    catches("IL7013", "FROM ubuntu:24.04\nRUN useradd -m -p '$6$salt$0123456789abcdef' app\n")


def test_passwords_from_variables_or_secrets_are_fine():
    passes("IL7013", 'FROM ubuntu:24.04\nARG APP_PASSWORD\nRUN echo "app:${APP_PASSWORD}" | chpasswd\n')
    passes("IL7013", "FROM ubuntu:24.04\nRUN useradd -m app && passwd -d app\n")
    passes("IL7013", 'FROM ubuntu:24.04\nRUN useradd -m -p "$(openssl passwd -6 "$PW")" app\n')
    passes("IL7013", "FROM ubuntu:24.04\nRUN echo 'root:' | chpasswd -e\n")
