"""Linting many files on every core: worker processes, each given a chunk of files at a time.

Each file is linted independently (:func:`imagelint.lint.lint_target`), so the files are split into
chunks that the workers take as they become free, and the outcomes come back in the order of the
files: :func:`imagelint.lint.run_lint` merges them exactly as it merges the outcomes of a run in
one process, so findings, notes, errors and exit codes are the same whatever the number of jobs.

Starting workers costs more than linting a few dozen files, so runs below :data:`MIN_FILES` stay
in the calling process. Workers are forked where the platform can (Linux: the rules are loaded
already, and their memory is shared until written) and spawned elsewhere; either way they get
the settings as arguments, never through module state of the parent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

# multiprocessing and concurrent.futures are imported only by runs that start workers: a one-file
# lint (the pre-commit case) does not pay for them.

if TYPE_CHECKING:
    from imagelint.discovery import Target
    from imagelint.lint import TargetOutcome
    from imagelint.settings import Settings

MIN_FILES = 32  # fewer files than this are linted in the calling process
CHUNKS_PER_WORKER = 8  # each worker's share of the files still to hand out is split into this many chunks
MAX_CHUNK = 64  # files in the first chunks; they shrink as the run nears its end
MIN_CHUNK = 4


def default_jobs() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_count(jobs: int | None, files: int) -> int:
    """How many processes lint ``files`` files when ``--jobs`` is ``jobs`` (None: one per core):
    1 means this process, without workers."""
    wanted = default_jobs() if jobs is None else jobs
    if wanted <= 1 or files < MIN_FILES:
        return 1
    return min(wanted, files)


def start_method() -> str:
    """fork where it exists (no re-import of imagelint in each worker), else spawn."""
    import multiprocessing

    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def chunked(targets: list[Target], workers: int) -> list[list[Target]]:
    """The targets in chunks that get smaller toward the end: few round trips while there is much
    to do, and no worker left with a big chunk while the others have finished."""
    chunks = []
    start = 0
    while start < len(targets):
        share = (len(targets) - start) // (workers * CHUNKS_PER_WORKER)
        size = max(MIN_CHUNK, min(MAX_CHUNK, share))
        chunks.append(targets[start : start + size])
        start += size
    return chunks


def outcomes(
    targets: list[Target], settings: Settings, workers: int, *, context: Path | None, target: str | None
) -> Iterator[TargetOutcome]:
    """Each target's outcome, in the order of ``targets``, linted by ``workers`` processes."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from imagelint.lint import TargetOutcome

    chunks = chunked(targets, workers)
    method = start_method()
    if method == "fork":
        # Rule modules are imported on first use; import them once here, before the fork, so that
        # the workers share them instead of each importing its own (a run this big needs them all).
        import contextlib

        from imagelint import engine

        for rule in engine.select_rules(settings):
            with contextlib.suppress(Exception):  # a rule that cannot load is reported where it runs
                rule.check  # noqa: B018 - the property imports the rule's module
    executor = ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)),
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(settings, context, target),
    )
    try:
        # The workers start on the first submit. Frozen, the parent's objects stay out of the
        # workers' garbage collections, so forked workers share their memory instead of copying it.
        # Ctrl-C and SIGTERM wait until the workers are started: arriving in the middle of a fork
        # they left the pool half made (a hang, or a traceback from its internals). A signal that
        # came meanwhile is raised when they are unblocked, below, and stops the run as usual.
        gc.freeze()
        blocked = _block_stop_signals()
        try:
            futures = [executor.submit(_lint_chunk, chunk) for chunk in chunks]
        finally:
            gc.unfreeze()
            _unblock(blocked)
        for chunk, future in zip(chunks, futures):
            try:
                results = future.result()
            except BrokenProcessPool as err:
                reason = str(err) or "it stopped"
                results = [TargetOutcome.failed(t, f"{t.shown}: not linted: the worker process linting it died ({reason})") for t in chunk]
            yield from results
    except BaseException:  # interrupted (Ctrl-C, SIGTERM), or the caller stopped reading
        executor.shutdown(wait=False, cancel_futures=True)
        for worker in multiprocessing.active_children():  # the workers: stopped now, not after their chunks
            worker.terminate()
        raise
    executor.shutdown()


def _stop_signals() -> set:
    """SIGINT and SIGTERM, where this platform can block them (not on Windows: an empty set)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        return set()
    return {getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)}


def _block_stop_signals() -> set:
    """Block SIGINT and SIGTERM in this thread; returns what to unblock."""
    import signal

    stop = _stop_signals()
    if stop:
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    return stop


def _unblock(signals: set) -> None:
    if signals:
        import signal

        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)


# --- in the worker process ----------------------------------------------------------------------------

_WORKER: dict = {}  # this worker's rules and options, set once by _start_worker


def _start_worker(settings: Settings, context: Path | None, target: str | None) -> None:
    import signal

    from imagelint import engine

    # Ctrl-C reaches the whole process group: the parent stops the run and reports it, once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _unblock(_stop_signals())  # forked (or spawned) while the parent had them blocked
    _WORKER.update(rules=engine.select_rules(settings), settings=settings, context=context, target=target)


def _lint_chunk(chunk: list[Target]) -> list[TargetOutcome]:
    from imagelint.lint import lint_target

    worker = _WORKER
    return [
        lint_target(t, worker["rules"], worker["settings"], context=worker["context"], target=worker["target"], stdin=None)
        for t in chunk
    ]
