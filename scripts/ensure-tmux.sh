#!/usr/bin/env bash
# Debian's tmux, for the test that runs `imagelint explore` in a real terminal and reads its screen
# (tests/explore/test_explore_terminal.py).
exec bash "$(dirname "$0")/ensure-debian-program.sh" tmux
