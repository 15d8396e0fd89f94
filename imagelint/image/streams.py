"""Byte streams between a network source and the one-pass readers."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

PREFETCH_CHUNKS = 8  # chunks that may wait in memory, read ahead of the parser (by default)


class _ChunkReader(io.RawIOBase):
    """A read-only file over byte chunks that :meth:`_next_chunk` gives (None at the end); errors it
    raises reach the reader unchanged, and end the stream."""

    def __init__(self) -> None:
        self._pending = memoryview(b"")
        self._finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            if self._finished:
                return 0
            try:
                chunk = self._next_chunk()
            except BaseException:
                self._finished = True
                raise
            if chunk is None:
                self._finished = True
                return 0
            self._pending = memoryview(chunk)
        view = memoryview(buffer).cast("B")
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _next_chunk(self) -> bytes | None:
        raise NotImplementedError


class ChunkStream(_ChunkReader):
    """A read-only file over an iterator of byte chunks (a streamed HTTP body).

    A background thread pulls the chunks, so the sender (a registry) keeps sending while the tar
    headers are being parsed; at most ``prefetch`` chunks wait in memory. Errors raised by the
    iterator reach the reader unchanged.
    """

    def __init__(self, chunks: Iterable[bytes], prefetch: int = PREFETCH_CHUNKS) -> None:
        super().__init__()
        self._queue: queue.Queue = queue.Queue(maxsize=prefetch)
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

    def _next_chunk(self) -> bytes | None:
        item = self._queue.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self._stop.set()  # a reader that gave up early must not leave the pump blocked forever
        super().close()


class AwaitedStream(_ChunkReader):
    """A read-only file over an iterator of byte chunks whose first chunk is slow to come and the
    rest quick: the Docker daemon writes a whole ``docker save`` export before it sends its first
    byte (seconds for a big image), then streams it.

    A background thread waits for the first chunk, so the caller can prepare meanwhile; the reader
    pulls every later chunk itself. Handing each chunk over between two threads (as
    :class:`ChunkStream` does) costs CPU the daemon needs: it shares the machine's cores with us,
    and its stream is the limit. The last chunks reach the reader as they come, before the daemon
    ends the stream (it first cleans up its export: tenths of a second for a big image).
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._first: bytes | BaseException | None = None
        self._waiter: threading.Thread | None = threading.Thread(target=self._await_first, daemon=True)
        self._waiter.start()

    def _await_first(self) -> None:
        try:
            self._first = next(self._chunks, None)
        except BaseException as err:  # handed to the reading thread, which raises it
            self._first = err

    def _next_chunk(self) -> bytes | None:
        if self._waiter is None:
            return next(self._chunks, None)
        self._waiter.join()
        self._waiter, first = None, self._first
        self._first = None
        if isinstance(first, BaseException):
            raise first
        return first

    def close(self) -> None:
        # The iterator's own clean-up (the request's deadline) runs now, not when it is collected;
        # while the first chunk is awaited, the caller's closing of the connection ends that wait.
        if self._waiter is None or not self._waiter.is_alive():
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        super().close()


class DigestReader(io.RawIOBase):
    """A blob's bytes as they are read, hashed on the way; :meth:`verify` compares the hash with the
    digest the blob's name gives (``blobs/<algorithm>/<hex>``), or ``digest`` (``sha256:<hex>``) when
    the name is another form, after reading whatever is left.

    ``peek`` (when the source can) does not consume, so sniffing the first bytes is free.
    """

    def __init__(self, source, name: str, digest: str | None = None) -> None:
        super().__init__()
        import hashlib

        self._source = source
        self.name = name
        if digest is not None:
            algorithm, _, self._expected = digest.partition(":")
        else:
            algorithm, _, self._expected = name.removeprefix("blobs/").partition("/")
        try:
            self._hash = hashlib.new(algorithm)
        except ValueError:
            self._hash = None  # an algorithm nobody names: nothing to check against

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size) if size is not None and size >= 0 else self._source.read()
        if self._hash is not None:
            self._hash.update(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        count = self._source.readinto(view) or 0
        if self._hash is not None:
            self._hash.update(view[:count])
        return count

    def peek(self, size: int = 1) -> bytes:
        peek = getattr(self._source, "peek", None)
        return peek(size) if peek is not None else b""

    def verify(self, origin: str) -> None:
        """Read to the end, then :class:`~imagelint.image.model.ImageError` unless the digest matches."""
        from imagelint.image.model import ImageError

        while self.read(1 << 20):
            pass
        if self._hash is not None and self._hash.hexdigest() != self._expected:
            raise ImageError(f"{origin}: {self.name}: content does not match its digest")


# --- progress of a read, in the daemon's pull-event shape (sources and the OCI reader send these) ---

PROGRESS_STEP = 1 << 20  # bytes between two progress events: a redraw per megabyte is plenty


def short_digest(digest: str) -> str:
    """A layer's name in progress events: its digest's first 12 hex digits, as ``docker pull`` shows it."""
    return digest.partition(":")[2][:12] or digest


def read_event(name: str, current: int, total: int | None) -> dict:
    """A progress event: ``name`` (a file or a short layer digest) has ``current`` of ``total`` bytes read."""
    return {"id": name, "status": "Reading", "progressDetail": {"current": current, "total": total}}


class ProgressCounter:
    """Sends :func:`read_event` s for a read of ``name`` (``total`` bytes, or None when unknown): one
    each time the position moved :data:`PROGRESS_STEP` bytes (either way: a reader may seek) since
    the last, one when it reaches ``total``, and one when the caller says the read is over."""

    def __init__(self, name: str, total: int | None, on_progress: Callable[[dict], None]) -> None:
        self._name, self._total, self._on_progress = name, total, on_progress
        self._reported = 0

    def at(self, position: int, *, final: bool = False) -> None:
        reached_end = self._total is not None and position >= self._total
        if final or reached_end or abs(position - self._reported) >= PROGRESS_STEP:
            self._reported = position
            self._on_progress(read_event(self._name, position, self._total))
