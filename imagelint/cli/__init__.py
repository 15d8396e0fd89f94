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

    try:
        # Outside standalone mode click returns the code of typer.Exit instead of exiting.
        code = app(standalone_mode=False, prog_name="imagelint")  # also under "python -m imagelint"
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
