"""Writing reports to files without ever leaving half a report behind."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from imagelint.records import Record


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` only on success.

    A new file gets the mode any program would create it with (``0666`` less the umask: ``0644``
    under umask ``022``), not the ``0600`` of a temporary file; a file replaced keeps its mode.
    Through a symlink the file it points to is replaced and the link stays. A character device or
    a FIFO (``/dev/null``, ``/dev/stdout``, ``mkfifo``), also through a symlink, is opened and
    written, never replaced.
    """
    try:
        mode = os.stat(path).st_mode  # through a symlink: what it points to
    except OSError:
        mode = None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        # /dev/null, /dev/stdout, a FIFO: written to as it is, never replaced by a regular file.
        # The report is kept in memory until the block succeeds, so a failed run writes nothing.
        buffer = io.StringIO()
        yield buffer
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(buffer.getvalue())
        return
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise OSError(errno.EINVAL, "not a regular file, a character device or a FIFO", str(path))
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    directory = real.parent if str(real.parent) else Path(".")
    import tempfile  # only when a report goes to a file: stdout-only runs start faster

    fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=directory)
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where mkstemp's mode is not 0600 anyway
            os.fchmod(fd, _mode_for(real))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(temporary, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _mode_for(path: Path) -> int:
    """The existing file's permission bits, or those ``open(path, "w")`` would give a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; set it straight back
        os.umask(umask)
        return 0o666 & ~umask


# --- several reports from one run -------------------------------------------------------------------


class ReportPlanError(ValueError):
    """``--format``/``--output`` values that do not make a plan: one line, names the values."""


class ReportTarget(Record):
    __slots__ = ("format", "path")

    def __init__(
        self,
        format: str,
        path: Path | None,  # None: standard output
    ) -> None:
        self.format = format
        self.path = path


def plan_reports(formats: list[str] | None, outputs: list[str] | None, known: tuple[str, ...]) -> list[ReportTarget]:
    """Which format goes where, from repeated ``--format FORMAT[:FILE]`` and ``--output FILE`` values.

    ``FORMAT:FILE`` names its file itself. The other formats take the ``--output`` values in order;
    ``-`` is standard output. With one ``--output`` fewer than such formats, the first of them
    writes to standard output: ``--format text --format sarif --output imagelint.sarif``. At most
    one report goes to standard output, and no file gets two reports. No ``--format``: ``text``.
    """
    wanted: list[list] = []
    for spec in formats or ["text"]:
        name, colon, file = spec.partition(":")
        name = name.strip().lower()
        if name not in known:
            raise ReportPlanError(f"--format: unknown format '{name}' (use {', '.join(known)}; FORMAT:FILE writes to FILE)")
        if colon and not file:
            raise ReportPlanError(f"--format {spec}: no file after ':'")
        wanted.append([name, file if colon else None])
    unplaced = [item for item in wanted if item[1] is None]
    outputs = list(outputs or [])
    if len(outputs) > len(unplaced):
        raise ReportPlanError(
            f"{len(outputs)} --output value{'s' if len(outputs) != 1 else ''} for {len(unplaced)} format"
            f"{'s' if len(unplaced) != 1 else ''} without a file; give one --format per --output"
        )
    if len(outputs) < len(unplaced) - 1:
        raise ReportPlanError(
            f"{len(unplaced)} formats but {len(outputs)} --output value{'s' if len(outputs) != 1 else ''}: give each format "
            "its file (--output FILE in the same order, '-' for standard output) or write --format FORMAT:FILE"
        )
    for item, output in zip(unplaced[len(unplaced) - len(outputs) :], outputs):
        item[1] = output
    targets = [ReportTarget(name, None if file in (None, "-") else Path(file)) for name, file in wanted]
    to_stdout = [t.format for t in targets if t.path is None]
    if len(to_stdout) > 1:
        raise ReportPlanError(f"formats {' and '.join(to_stdout)} would all write to standard output; give all but one a file")
    seen: dict[Path, str] = {}
    for target in targets:
        if target.path is None:
            continue
        key = Path(os.path.abspath(target.path))
        if key in seen:
            raise ReportPlanError(f"{target.path}: named for both the {seen[key]} and the {target.format} report")
        seen[key] = target.format
    return targets


def same_file(a: Path, b: Path) -> bool:
    """Whether two existing paths name one file (through symlinks, ``./``, hard links)."""
    identity = _file_identity(a)
    return identity is not None and _file_identity(b) == identity


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode ``path`` names (through symlinks), or None if it names no file."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


def written_inputs(written: list[Path], inputs: list[Path], walked: list[Path]) -> Path | None:
    """The first of ``written`` that would overwrite an input of the run: the same file as one of
    ``inputs``, or a Dockerfile or Compose file the walk of one of the ``walked`` directories reads."""
    from imagelint.discovery import SKIPPED_DIRS, is_compose_name, is_dockerfile_name

    for path in written:
        if not os.path.lexists(path):
            continue  # a new file replaces nothing
        identity = _file_identity(path)  # once, not once per input
        if identity is not None and any(_file_identity(given) == identity for given in inputs):
            return path
        real = Path(os.path.realpath(path))
        if not (is_dockerfile_name(real.name) or is_compose_name(real.name)):
            continue
        for directory in walked:
            try:
                below = real.parent.relative_to(os.path.realpath(directory))
            except ValueError:
                continue
            if not SKIPPED_DIRS.intersection(below.parts):
                return path
    return None


class ReportWriteError(Exception):
    """A report file could not be written; the message names it."""


def write_reports(targets: list[ReportTarget], render: Callable[[str, TextIO, bool], None], stdout: TextIO, *, color: bool) -> None:
    """Render every report of one run: ``render(format, stream, color)``.

    The files are rendered to temporary files first and renamed into place only after all of them
    rendered, so a failure leaves every existing report untouched; standard output comes last.
    """
    current: Path | None = None
    try:
        with contextlib.ExitStack() as stack:
            for target in targets:
                if target.path is None:
                    continue
                current = target.path
                stream = stack.enter_context(atomic_writer(target.path))
                render(target.format, stream, False)
    except OSError as err:  # creating a temporary file, writing it, or the final rename
        name = err.filename2 or current
        raise ReportWriteError(f"{name}: cannot write report ({err.strerror or err})") from None
    for target in targets:
        if target.path is None:
            render(target.format, stdout, color)
