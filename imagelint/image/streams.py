"""Byte streams between a network source and the one-pass readers."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterable, Iterator

PREFETCH_CHUNKS = 8  # chunks that may wait in memory, read ahead of the parser (by default)


class ChunkStream(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (a streamed HTTP body).

    A background thread pulls the chunks, so the sender (the Docker daemon, a registry) keeps sending
    while the tar headers are being parsed; at most ``prefetch`` chunks wait in memory. Errors raised
    by the iterator reach the reader unchanged.
    """

    def __init__(self, chunks: Iterable[bytes], prefetch: int = PREFETCH_CHUNKS) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=prefetch)
        self._pending = memoryview(b"")
        self._finished = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, args=(iter(chunks),), daemon=True)
        self._thread.start()

    def _pump(self, chunks: Iterator[bytes]) -> None:
        try:
            for chunk in chunks:
                if not self._offer(chunk):
                    return
            self._offer(None)
        except BaseException as err:  # handed to the reading thread, which raises it
            self._offer(err)

    def _offer(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            if self._finished:
                return 0
            item = self._queue.get()
            if item is None:
                self._finished = True
                return 0
            if isinstance(item, BaseException):
                self._finished = True
                raise item
            self._pending = memoryview(item)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        self._stop.set()  # a reader that gave up early must not leave the pump blocked forever
        super().close()
