"""Run imagelint with its stderr on a pseudo-terminal, as a user at a terminal sees it (progress bars)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios


def run_on_a_terminal(*args: str, ci: bool = False) -> tuple[int, bytes, str]:
    """``imagelint ARGS`` with stderr on a pseudo-terminal of 100 columns; stdout piped."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    environment.update({"CI": "true"} if ci else {})
    process = subprocess.Popen([sys.executable, "-m", "imagelint", *args], stdout=subprocess.PIPE, stderr=terminal, env=environment)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
    stdout = process.stdout.read()  # type: ignore[union-attr]
    process.wait(timeout=60)
    os.close(controller)
    return process.returncode, stdout, seen.decode(errors="replace")
