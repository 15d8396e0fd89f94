#!/usr/bin/env bash
# Make sure Debian's tmux is installed, for the test that runs `imagelint explore` in a real terminal and reads
# its screen (tests/explore/test_explore_terminal.py). Idempotent. Installing needs root on Debian; elsewhere,
# install tmux yourself (or set nothing: without it that test skips, and fails under CI).
set -euo pipefail

say() { echo "ensure-tmux: $*" >&2; }
die() { say "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if have tmux; then
  say "tmux is installed"
  exit 0
fi
[[ $(id -u) -eq 0 && -r /etc/debian_version ]] && have apt-get ||
  die "tmux is missing and cannot be apt-installed here (needs root on Debian); install the tmux package"

# Two concurrent runs must not run apt-get at the same time.
if have flock; then
  mkdir -p /run/lock
  exec 9>>/run/lock/imagelint-ensure-tmux.lock
  flock 9
  if have tmux; then exit 0; fi
fi
say "apt-get install tmux"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends tmux >/dev/null
have tmux || die "tmux was installed but is not on PATH"
say "installed $(tmux -V)"
