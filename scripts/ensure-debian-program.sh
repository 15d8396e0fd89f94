#!/usr/bin/env bash
# Make sure a program from a Debian package is installed: ensure-debian-program.sh PROGRAM [PACKAGE]
# (PACKAGE defaults to PROGRAM). Idempotent, and safe to run concurrently. Installing needs root on
# Debian; elsewhere it says which package to install and fails, and the tests that need the program
# skip (and fail under CI).
set -euo pipefail

program=$1
package=${2:-$1}
say() { echo "ensure-$program: $*" >&2; }
die() { say "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if have "$program"; then
  say "$program is installed"
  exit 0
fi
[[ $(id -u) -eq 0 && -r /etc/debian_version ]] && have apt-get ||
  die "$program is missing and cannot be apt-installed here (needs root on Debian); install the $package package"

# Two concurrent runs must not run apt-get at the same time.
if have flock; then
  mkdir -p /run/lock
  exec 9>>"/run/lock/imagelint-ensure-$program.lock"
  flock 9
  if have "$program"; then exit 0; fi
fi
say "apt-get install $package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "$package" >/dev/null
have "$program" || die "$package was installed but $program is not on PATH"
say "installed $package"
