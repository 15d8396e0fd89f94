"""The ``imagelint`` command line. It parses options, calls the library and maps results to exit
codes: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage, input or
environment errors (one line on stderr each, never a traceback).

One module per command (group); :mod:`.common` holds the app and what the commands share.
"""

from __future__ import annotations

import os
import sys

import typer

from imagelint.cli import analyze_command, fix_command, info_commands, lint_command, server_command  # noqa: F401  (registers the commands)
from imagelint.cli.common import EXIT_CLEAN, EXIT_ERROR, UsageError, app
from imagelint.cli.lint_command import PROGRESS_MIN_FILES

__all__ = ["PROGRESS_MIN_FILES", "app", "main"]


def main() -> None:
    """Console entry point: domain errors become one line and exit code 2, never a traceback."""
    from imagelint.settings import ConfigError

    interrupted = _on_signals()
    try:
        # Outside standalone mode click returns the code of typer.Exit instead of exiting.
        code = app(standalone_mode=False, prog_name="imagelint")  # also under "python -m imagelint"
        if interrupted:  # typer turns KeyboardInterrupt into a silent exit 130
            raise KeyboardInterrupt
        sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
    except (UsageError, ConfigError) as err:
        print(f"imagelint: {err}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        print("imagelint: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        if interrupted:  # click (unvendored) turns KeyboardInterrupt into Abort
            print("imagelint: interrupted", file=sys.stderr)
            sys.exit(130)
        sys.exit(EXIT_ERROR)
    except Exception as err:  # click's usage errors, and anything unforeseen
        # typer vendors click in recent versions, so recognise usage errors by their API.
        if callable(getattr(err, "show", None)) and hasattr(err, "exit_code"):
            err.show()
            sys.exit(EXIT_ERROR)
        if os.environ.get("IMAGELINT_DEBUG"):
            raise
        print(f"imagelint: internal error: {type(err).__name__}: {err} (set IMAGELINT_DEBUG=1 for details)", file=sys.stderr)
        sys.exit(EXIT_ERROR)


def _on_signals() -> list[int]:
    """SIGINT and SIGTERM raise KeyboardInterrupt, so a report being written is cleaned up (no
    temporary file left) and the run ends with ``imagelint: interrupted``, exit 130. The returned
    list gets the signal number when one arrived."""
    import signal

    received: list[int] = []

    def interrupt(number, frame):
        received.append(number)
        raise KeyboardInterrupt

    for name in ("SIGINT", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            if name == "SIGINT" and signal.getsignal(number) is signal.SIG_IGN:
                continue  # started with SIGINT ignored (a background job): keep it so
            signal.signal(number, interrupt)
        except ValueError:  # not the main thread
            pass
    return received
