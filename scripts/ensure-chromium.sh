#!/usr/bin/env bash
# Make sure Debian's headless Chromium is installed for the browser tests (tests/integration/test_browser.py). Idempotent.
#
# The tests drive the system browser over the DevTools protocol: nothing downloads a browser or a driver.
# As root on Debian, a missing browser is apt-installed (the 'chromium' package, a few hundred MB, once).
# Anywhere else this only says what is missing: the browser tests then skip, or fail under CI.
set -euo pipefail

say() { echo "ensure-chromium: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

if have chromium || have chromium-browser; then
  exit 0
fi
if [[ $(id -u) -ne 0 || ! -r /etc/debian_version ]] || ! have apt-get; then
  say "Chromium is not installed; install Debian's 'chromium' package to run the browser tests"
  exit 0
fi
say "installing Debian's chromium package (first run only)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# fonts-dejavu-core: without recommends, pages would render with no fonts in screenshots.
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null
have chromium || { say "error: chromium is still missing after apt-get install"; exit 1; }
