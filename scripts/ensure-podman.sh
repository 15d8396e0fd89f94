#!/usr/bin/env bash
# Make sure Debian's podman is installed, for the podman: source tests (tests/integration/test_image_podman.py):
# they load an image saved from the test Docker engine into a private store of their own (vfs driver, in a
# temporary folder) and read it back through `podman image save`. Idempotent. Installing needs root on Debian;
# elsewhere, install podman yourself (or set nothing: without it those tests skip, and fail under CI).
set -euo pipefail

say() { echo "ensure-podman: $*" >&2; }
die() { say "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if have podman; then
  say "podman is installed"
  exit 0
fi
[[ $(id -u) -eq 0 && -r /etc/debian_version ]] && have apt-get ||
  die "podman is missing and cannot be apt-installed here (needs root on Debian); install the podman package"

# Two concurrent runs must not run apt-get at the same time.
if have flock; then
  mkdir -p /run/lock
  exec 9>>/run/lock/imagelint-ensure-podman.lock
  flock 9
  if have podman; then exit 0; fi
fi
say "apt-get install podman"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends podman >/dev/null
have podman || die "podman was installed but is not on PATH"
say "installed $(podman --version)"
