#!/usr/bin/env bash
# Make sure a Docker engine answers and the local base image busybox:local exists. Idempotent.
#
# 1. Use the engine named by DOCKER_HOST, or the one on /var/run/docker.sock, if it answers.
# 2. Otherwise (root on Debian only) apt-install what is missing (docker.io, busybox-static) and start
#    dockerd in the background, detached from this script, logging to $DOCKERD_LOG.
# 3. Import busybox:local if absent: one layer holding only the static busybox binary at /bin/busybox,
#    a symlink /bin/<applet> -> busybox for every applet, and an empty /tmp (mode 1777). Symlinks and
#    directories have tar size 0, so the layer's tar-header size sum is the busybox binary's size.
#
# Talks to the engine with the docker CLI when present, else with curl (e.g. in a container that only has
# the host's socket mounted).
set -euo pipefail

SOCK=/var/run/docker.sock
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/imagelint-dockerd.log}
BASE_IMAGE=busybox:local
BUSYBOX=/bin/busybox   # from Debian's busybox-static
WAIT_SECONDS=60

say() { echo "ensure-docker: $*" >&2; }
die() { say "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ $(id -u) -eq 0 ]]; }
can_apt() { is_root && [[ -r /etc/debian_version ]] && have apt-get; }

# --- talking to the engine ------------------------------------------------------------------------------

# curl arguments that reach the engine's API, and the base URL to use with them.
curl_target() {
  local host=${DOCKER_HOST:-unix://$SOCK}
  case $host in
    unix://*) CURL_ARGS=(--unix-socket "${host#unix://}"); API=http://localhost ;;
    tcp://*) CURL_ARGS=(); API=http://${host#tcp://} ;;
    *) die "DOCKER_HOST=$host: only unix:// and tcp:// are supported without the docker CLI" ;;
  esac
}

engine_answers() {
  if have docker; then
    docker info >/dev/null 2>&1
  else
    curl_target
    [[ $(curl -fsS --max-time 5 "${CURL_ARGS[@]}" "$API/_ping" 2>/dev/null) == OK ]]
  fi
}

image_exists() {
  if have docker; then
    docker image inspect "$1" >/dev/null 2>&1
  else
    curl_target
    curl -fsS "${CURL_ARGS[@]}" "$API/images/$1/json" >/dev/null 2>&1
  fi
}

# import_image TARBALL NAME:TAG — one-layer image with CMD ["sh"].
import_image() {
  local tarball=$1 ref=$2
  if have docker; then
    docker import --change 'CMD ["sh"]' --message 'imagelint test base: static busybox only' \
      "$tarball" "$ref" >/dev/null
  else
    curl_target
    curl -fsS "${CURL_ARGS[@]}" -X POST -H 'Content-Type: application/x-tar' --data-binary "@$tarball" \
      "$API/images/create?fromSrc=-&repo=${ref%%:*}&tag=${ref#*:}&changes=CMD%20%5B%22sh%22%5D&message=imagelint%20test%20base%3A%20static%20busybox%20only" >/dev/null
  fi
}

# --- installing and starting ----------------------------------------------------------------------------

APT_UPDATED=
apt_install() {
  can_apt || die "need $* but cannot apt-get it here (needs root on Debian); install it yourself"
  if [[ -z $APT_UPDATED ]]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

ensure_busybox() {
  pkg_installed busybox-static || apt_install busybox-static
  [[ -x $BUSYBOX ]] || die "busybox-static is installed but $BUSYBOX is missing"
}

dockerd_running() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

start_engine() {
  if [[ -n ${DOCKER_HOST:-} ]]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
  fi
  is_root || die "no Docker engine answers on $SOCK (not running, or no permission) and this is not root, so none can be started; start one or set DOCKER_HOST"
  can_apt || die "no Docker engine answers on $SOCK and this is not Debian (no apt-get); start one or set DOCKER_HOST"

  local missing=()
  have dockerd || missing+=(docker.io)
  pkg_installed busybox-static || missing+=(busybox-static)
  [[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"

  if dockerd_running; then
    say "dockerd (pid $(cat /var/run/docker.pid)) is running but not answering yet; waiting"
  else
    say "starting dockerd (log: $DOCKERD_LOG)"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    # setsid + nohup: its own session, so it outlives this script and the shell that ran it.
    # 9>&-: the daemon must not inherit (and so hold forever) the lock taken in main.
    setsid nohup dockerd --host "unix://$SOCK" --bridge=none --iptables=false --ip-forward=false \
      </dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
    disown || true
  fi

  local i
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
    engine_answers && return 0
    sleep 0.5
  done
  tail -n 20 "$DOCKERD_LOG" >&2 || true
  die "dockerd did not answer on $SOCK within ${WAIT_SECONDS}s (log: $DOCKERD_LOG)"
}

# --- the base image -------------------------------------------------------------------------------------

make_base_image() {
  local work applet
  ensure_busybox
  work=$(mktemp -d)
  # shellcheck disable=SC2064  # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
  chmod 1777 "$work/rootfs/tmp"
  cp "$BUSYBOX" "$work/rootfs/bin/busybox"
  chmod 0755 "$work/rootfs/bin/busybox"
  for applet in $("$work/rootfs/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$work/rootfs/bin/$applet"
  done
  [[ -L $work/rootfs/bin/sh ]] || die "$BUSYBOX --list has no sh applet"
  # Names without a leading ./ (as in docker-built layers), root-owned, in a stable order.
  tar -C "$work/rootfs" --sort=name --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" bin tmp
  import_image "$work/rootfs.tar" "$BASE_IMAGE"
  image_exists "$BASE_IMAGE" || die "docker import of $BASE_IMAGE did not produce the image"
  say "imported $BASE_IMAGE ($(stat -c %s "$BUSYBOX") bytes of busybox, $(find "$work/rootfs/bin" -mindepth 1 | wc -l) entries in /bin)"
  rm -rf "$work"
  trap - EXIT
}

main() {
  # Two concurrent runs must not install, start two daemons or import twice (only root can do the first two).
  if is_root && have flock; then
    mkdir -p /run/lock
    exec 9>>/run/lock/imagelint-ensure-docker.lock
    flock 9
  fi
  have docker || have curl || apt_install curl   # something to talk to the engine with
  engine_answers || start_engine
  image_exists "$BASE_IMAGE" || make_base_image
  say "engine ${DOCKER_HOST:-unix://$SOCK} answers; $BASE_IMAGE is present"
}

main "$@"
