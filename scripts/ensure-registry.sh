#!/usr/bin/env bash
# Make sure Debian's docker-registry (the CNCF distribution registry, binary /usr/bin/docker-registry) is
# installed, for the pull tests (tests/image/test_image_registry.py). Idempotent.
#
# Only the binary is needed: the tests start their own registries on 127.0.0.1 with a generated config and a
# temporary storage folder, and stop them at the end. The package's own service (port 5000), if the package
# manager starts one, is not used. Installing needs root on Debian; elsewhere, install it yourself (or set
# nothing: without it the pull tests skip, and fail under CI).
set -euo pipefail

say() { echo "ensure-registry: $*" >&2; }
die() { say "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if have docker-registry || [[ -x /usr/bin/docker-registry ]]; then
  say "docker-registry is installed"
  exit 0
fi
[[ $(id -u) -eq 0 && -r /etc/debian_version ]] && have apt-get ||
  die "docker-registry is missing and cannot be apt-installed here (needs root on Debian); install the docker-registry package"

# Two concurrent runs must not run apt-get at the same time.
if have flock; then
  mkdir -p /run/lock
  exec 9>>/run/lock/imagelint-ensure-registry.lock
  flock 9
  if have docker-registry; then exit 0; fi
fi
say "apt-get install docker-registry"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends docker-registry >/dev/null
have docker-registry || [[ -x /usr/bin/docker-registry ]] || die "docker-registry was installed but is not on PATH"
say "installed $(docker-registry --version 2>/dev/null || echo docker-registry)"
