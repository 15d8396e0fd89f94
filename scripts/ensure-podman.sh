#!/usr/bin/env bash
# Debian's podman, for the podman: source tests (tests/integration/test_image_podman.py): they load an image
# saved from the test Docker engine into a private store of their own (vfs driver, in a temporary folder) and
# read it back through `podman image save`.
exec bash "$(dirname "$0")/ensure-debian-program.sh" podman
