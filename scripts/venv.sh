# shellcheck shell=bash
# Sourced by scripts/test.sh and scripts/example.sh: cd to the repository root and make sure .venv exists.
# Not meant to be run on its own.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

ensure_venv() {
  if [[ ! -x .venv/bin/python ]]; then
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || { echo "imagelint needs Python 3.11+; python3 is $(python3 -V 2>&1)" >&2; exit 1; }
    if ! python3 -m venv .venv; then
      # Debian splits venv/ensurepip into python3-venv; install it when we can.
      if [[ $(id -u) -eq 0 && -r /etc/debian_version ]] && command -v apt-get >/dev/null; then
        rm -rf .venv
        DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
        python3 -m venv .venv
      else
        rm -rf .venv
        echo "python3 -m venv failed; on Debian/Ubuntu install python3-venv" >&2
        exit 1
      fi
    fi
  fi
}

# pip_install ARGS... — quiet install into .venv.
pip_install() {
  .venv/bin/python -m pip install -q --disable-pip-version-check "$@"
}
