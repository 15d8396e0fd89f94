"""Jobs run a few at a time on background threads, their results taken in order (a registry's layer
blobs: :mod:`.registry`).

A layer is downloaded, decompressed and parsed in one streaming pass; running a few at once keeps the
connection busy while another layer is being parsed, and lets decompression and hashing (which free
the interpreter lock) use a second core. What the caller sees is what a loop over the jobs would
give, whatever the timing:

- results come in job order, and only :data:`WINDOW` jobs run or wait ahead of the one the caller is
  at, so memory stays bounded whatever the order in which they finish;
- the first job to fail *in job order* is the error raised, as in a loop: a failing job stops the
  jobs after it (they check :class:`Cancelled` as they go, at every chunk), never those before;
- when the caller stops early (an error of its own, Ctrl-C), every job still running stops.

Threads are daemon threads: a job stuck on the network never keeps the process alive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")

CONCURRENT_JOBS = 3  # as many layers as `docker pull` downloads at once (dockerd's max-concurrent-downloads)


class Cancelled(Exception):
    """Raised in a job by its ``check``: an earlier job failed, or the results are no longer wanted."""


def in_order(jobs: Sequence[Callable[[Callable[[], None]], T]], workers: int = CONCURRENT_JOBS) -> Iterator[T]:
    """Run ``jobs`` (each called with a ``check`` function it calls now and then) on up to ``workers``
    threads; yield their results in order, or raise the first job's error in order."""
    if workers <= 1 or len(jobs) <= 1:  # nothing to overlap: the loop itself
        for job in jobs:
            yield job(_never_cancelled)
        return
    run = _Run(jobs, workers)
    try:
        for index in range(len(jobs)):
            yield run.result(index)
    finally:
        run.stop()


def _never_cancelled() -> None:
    return None


class _Run:
    def __init__(self, jobs: Sequence[Callable[[Callable[[], None]], T]], workers: int) -> None:
        self.jobs = jobs
        self.futures: list[Future] = [Future() for _ in jobs]
        self.window = 2 * workers  # jobs running or done, ahead of the result taken next
        self.condition = threading.Condition()
        self.next_job = 0  # the next job to start
        self.taken = 0  # results taken by the caller
        self.stop_after = len(jobs)  # jobs after this index are not started, or stop at their next check
        for _ in range(min(workers, len(jobs))):
            threading.Thread(target=self._work, daemon=True, name="imagelint-fetch").start()

    def result(self, index: int) -> T:
        value = self.futures[index].result()
        with self.condition:
            self.taken = index + 1
            self.condition.notify_all()
        return value

    def stop(self) -> None:
        with self.condition:
            self.stop_after = -1
            self.condition.notify_all()

    def _work(self) -> None:
        while True:
            with self.condition:
                while self.next_job < len(self.jobs) and self.next_job - self.taken >= self.window and self.stop_after >= 0:
                    self.condition.wait()
                index = self.next_job
                if index >= len(self.jobs) or index > self.stop_after:
                    return
                self.next_job += 1
            future = self.futures[index]

            def check(index: int = index) -> None:
                if index > self.stop_after:
                    raise Cancelled("stopped: an earlier layer failed, or the read was abandoned")

            try:
                future.set_result(self.jobs[index](check))
            except BaseException as err:  # handed to the caller, who raises it in order
                future.set_exception(err)
                with self.condition:
                    self.stop_after = min(self.stop_after, index)
                    self.condition.notify_all()
