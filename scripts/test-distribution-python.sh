#!/usr/bin/env bash
# Runs the interpreter-sensitive tests (shell model, rules, property tests) once more on the
# distribution's own python3 (/usr/bin/python3) when it is another build than the one .venv runs.
# Why: the README's fresh Debian machine runs Debian's python3.11 (3.11.2), while a development
# machine's PATH may give pyenv's; CPython before 3.11.5 matched possessive repeats wrongly
# (python/cpython#106052), and the shell lexer gave wrong findings on 3.11.2 only. .ci/run calls this
# after scripts/test.sh. Arguments go to pytest.
set -euo pipefail
# shellcheck source=scripts/venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"   # also cd's to the repository root

distribution=/usr/bin/python3
if [[ ! -x $distribution ]] || ! "$distribution" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "test-distribution-python: no /usr/bin/python3 of 3.11 or later here; nothing more to test"
  exit 0
fi
describe='import sys; print(sys.version, sys.base_prefix)'
if [[ $("$distribution" -c "$describe") == $(.venv/bin/python -c "$describe" 2>/dev/null || true) ]]; then
  echo "test-distribution-python: .venv already runs $distribution; nothing more to test"
  exit 0
fi
if [[ ! -x .venv-distribution/bin/python ]]; then
  "$distribution" -m venv .venv-distribution
fi
.venv-distribution/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
echo "test-distribution-python: $("$distribution" -VV | head -1) ($distribution)"
exec .venv-distribution/bin/python -m pytest -p no:cacheprovider tests/model tests/rules tests/property "$@"
