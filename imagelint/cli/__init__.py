"""The ``imagelint`` command line. It parses options, calls the library and maps results to exit
codes: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage, input or
environment errors (one line on stderr each, never a traceback).

One module per command (group); :mod:`.common` holds the app and what the commands share.
"""

from __future__ import annotations

import os
import sys

import importlib

import typer

from imagelint.cli import common
from imagelint.cli.common import EXIT_CLEAN, EXIT_ERROR, UsageError

__all__ = ["PROGRESS_MIN_FILES", "app", "main", "run"]

# Each module registers its commands with the app when imported, in this order (the order of
# ``imagelint --help``). typer builds every registered command before it runs one, which costs a
# one-file ``imagelint lint`` more than the linting: :func:`main` imports only the module of the
# command named on the command line, and everything else (``--help``, a typo, completion) gets all.
COMMAND_MODULES = {
    "lint": "lint_command",
    "analyze": "analyze_command",
    "diff": "diff_command",
    "explore": "explore_command",
    "fix": "fix_command",
    "parse": "info_commands",
    "rules": "info_commands",
    "explain": "info_commands",
    "config": "info_commands",
    "server": "server_command",
}


def _register(modules) -> None:
    for module in dict.fromkeys(modules):
        importlib.import_module(f"imagelint.cli.{module}")


def __getattr__(name: str):
    """``imagelint.cli.app`` with every command, and ``PROGRESS_MIN_FILES``, loaded on first use."""
    if name == "app":
        _register(COMMAND_MODULES.values())
        return common.app
    if name == "PROGRESS_MIN_FILES":
        from imagelint.cli.lint_command import PROGRESS_MIN_FILES

        return PROGRESS_MIN_FILES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _commands_needed(argv: list[str]) -> list[str]:
    """The command modules a run of ``imagelint ARGV`` needs: the named command's, or all."""
    if argv and argv[0] in COMMAND_MODULES and "_IMAGELINT_COMPLETE" not in os.environ:
        return [COMMAND_MODULES[argv[0]]]
    return list(COMMAND_MODULES.values())


# A run of imagelint makes many objects that live until it ends (the modules, rules, the parsed
# files, the findings) and few reference cycles: with Python's default threshold its young-object
# collections, a couple of thousand on the corpus, find almost nothing to free. 50,000 allocations
# between them keep memory in bounds (cycles are still collected) at a fraction of the passes.
GC_YOUNG_THRESHOLD = 50_000


def run() -> None:
    """The ``imagelint`` program (console script and ``python -m imagelint``): :func:`main`, then
    the exit without the interpreter's teardown when nothing needs it.

    Tearing down a finished run (freeing every module, rule and finding one by one) cost a
    one-file lint a tenth of its instructions. Every file imagelint writes is closed by then (all
    are written in ``with`` blocks), so once the output is flushed and the exit handlers have run,
    nothing is left to do. A run that started worker processes or threads, or whose output cannot
    be flushed (a closed pipe), or that exits with a message, ends the ordinary way.
    """
    try:
        main()
    except SystemExit as stop:
        code = stop.code
        if code is None:
            code = EXIT_CLEAN
        if not isinstance(code, int) or not _nothing_left_running():
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - the ordinary exit reports it as it always did
            raise stop from None
        import atexit

        atexit._run_exitfuncs()  # what the ordinary exit would run: temporary folders, logging
        os._exit(code)


def _nothing_left_running() -> bool:
    import threading

    return threading.active_count() == 1 and "multiprocessing" not in sys.modules


def main() -> None:
    """Console entry point: domain errors become one line and exit code 2, never a traceback."""
    import gc

    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    from imagelint.limits import LimitSettingError, check_environment
    from imagelint.settings import ConfigError
    from imagelint.terminal import printable

    _register(_commands_needed(sys.argv[1:]))
    app = common.app
    interrupted = _on_signals()
    try:
        check_environment()  # an IMAGELINT_MAX_* variable that is not a number: refused before any read
        # Outside standalone mode click returns the code of typer.Exit instead of exiting.
        code = app(standalone_mode=False, prog_name="imagelint")  # also under "python -m imagelint"
        if interrupted:  # typer turns KeyboardInterrupt into a silent exit 130
            raise KeyboardInterrupt
        sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
    except (UsageError, ConfigError, LimitSettingError) as err:
        print(f"imagelint: {printable(str(err))}", file=sys.stderr)  # an image's file names, a registry's words
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
