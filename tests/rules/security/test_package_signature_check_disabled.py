"""IL7007 package-signature-check-disabled: switches that disable signature checks, and local packages."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "script",
    [
        "apt-get install -y --force-yes curl",
        "apt-get -o APT::Get::AllowUnauthenticated=true install -y curl",
        "apk add --allow-untrusted curl",
        "yum install -y --nogpgcheck sbt",
        "zypper --no-gpg-checks install -y curl",
        "rpm -i --nosignature https://example.com/x.rpm",
        "echo 'deb [trusted=yes] http://repo.example.com stable main' > /etc/apt/sources.list.d/x.list",
        "printf '[x]\\nbaseurl=https://repo.example.com\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo",
    ],
)
def test_signature_switches(script):
    catches("IL7007", f"FROM debian:bookworm-slim\nRUN {script}\n")


@pytest.mark.parametrize(
    "script",
    [
        "apk index --allow-untrusted -o /tmp/packages/APKINDEX.tar.gz /tmp/packages/*.apk",
        'apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-${module}-${NGINX_VERSION}*.apk',
        'echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list',
        "dnf install -y --nogpgcheck ./build/app-1.0.rpm",
        "apt-get install -y --no-install-recommends curl",
        "echo 'gpgcheck=1' >> /etc/yum.repos.d/x.repo",
    ],
)
def test_signatures_kept_or_local_packages(script):
    passes("IL7007", f"FROM debian:bookworm-slim\nRUN {script}\n")
