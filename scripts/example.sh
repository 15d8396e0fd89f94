#!/usr/bin/env bash
# Install imagelint into .venv and lint the bundled examples. Exit 0 when the lint ran (exit 0: clean,
# 1: findings, as expected for the examples); fail when imagelint itself failed (exit 2 or worse).
set -euo pipefail
# shellcheck source=scripts/venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"   # also cd's to the repository root

ensure_venv
pip_install -e .

# An uncaught Python exception also exits 1, which would pass for "findings": treat a traceback as a crash.
stderr=$(mktemp)
trap 'rm -f "$stderr"' EXIT
rc=0
.venv/bin/imagelint lint examples/ 2>"$stderr" || rc=$?
cat "$stderr" >&2
if grep -q '^Traceback (most recent call last):' "$stderr"; then rc=2; fi
case $rc in
  0) echo "example: no findings" >&2 ;;
  1) echo "example: findings reported above (expected for the examples)" >&2 ;;
  *) echo "example: imagelint failed with exit code $rc" >&2; exit "$rc" ;;
esac
