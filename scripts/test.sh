#!/usr/bin/env bash
# The one command that sets up and runs the tests: creates .venv if absent, installs imagelint with its test
# extra, makes sure a Docker engine and the busybox:local base image exist (scripts/ensure-docker.sh) and
# Debian's headless Chromium for the browser tests (scripts/ensure-chromium.sh) and Debian's docker-registry for
# the pull tests (scripts/ensure-registry.sh), tmux for the terminal test of explore (scripts/ensure-tmux.sh) and
# podman for the podman: source (scripts/ensure-podman.sh), then runs pytest.
# Arguments go to pytest, e.g. `bash scripts/test.sh -k smoke -x`.
# With CI set, tests that need Docker or Chromium fail instead of skipping.
set -euo pipefail
# shellcheck source=scripts/venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"   # also cd's to the repository root

ensure_venv
pip_install -e '.[test]'
bash scripts/ensure-docker.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-registry.sh   # docker-registry, for the pull tests against a local registry
bash scripts/ensure-tmux.sh       # tmux, for the test that runs imagelint explore in a real terminal
bash scripts/ensure-podman.sh     # podman, for the podman: source tests (a private store in a temporary folder)

case ${CI:-} in
  "" | 0 | false | False | FALSE) ;;
  *) export IMAGELINT_REQUIRE_DOCKER=1 ;;
esac

exec .venv/bin/python -m pytest "$@"
