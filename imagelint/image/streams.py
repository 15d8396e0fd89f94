"""Byte streams between a network source and the one-pass readers."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

PREFETCH_CHUNKS = 8  # chunks that may wait in memory, read ahead of the parser (by default)
# How long a reader waits for a whole batch of chunks before it takes the chunks that came so far.
_HELD_WAIT = 0.02


class ChunkStream(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (a streamed HTTP body).

    A background thread pulls the chunks, so the sender (the Docker daemon, a registry) keeps sending
    while the tar headers are being parsed; at most ``prefetch`` pieces wait in memory. Errors raised
    by the iterator reach the reader unchanged. With ``join_bytes``, small chunks (the daemon sends
    32 KiB ones) are handed over in batches of at least that many bytes (each handover between the
    threads costs more than the bytes it carries), as lists, not joined: a reader copies the bytes
    once anyway. A reader that has waited :data:`_HELD_WAIT` seconds for a whole batch takes what
    has come so far: the daemon ends its stream only after cleaning up its export (tenths of a
    second for a big image), and the archive's last bytes, which came long before, must not wait.
    """

    def __init__(self, chunks: Iterable[bytes], prefetch: int = PREFETCH_CHUNKS, join_bytes: int = 0) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=prefetch)
        self._pending = memoryview(b"")
        self._batch: list[bytes] = []  # the chunks of the batch being read, last first
        self._finished = False
        self._stop = threading.Event()
        self._join_bytes = join_bytes
        # Chunks received but not handed over yet. The pump moves them onto the queue as a batch, and
        # the reader takes them only when the queue is empty, both under the lock: so a chunk held
        # here always comes after everything the reader had before.
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._held_lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, args=(iter(chunks),), daemon=True)
        self._thread.start()

    def _pump(self, chunks: Iterator[bytes]) -> None:
        try:
            for chunk in chunks:
                piece = self._hold(chunk) if self._join_bytes else chunk
                if piece is not None and not self._offer(piece):
                    return
            rest = self._take_held()
            if rest and not self._offer(rest):
                return
            self._offer(None)
        except BaseException as err:  # handed to the reading thread, which raises it
            self._offer(err)

    def _hold(self, chunk: bytes) -> list[bytes] | None:
        """Keep ``chunk`` with the others held; the batch once they reach ``join_bytes``."""
        with self._held_lock:
            self._held.append(chunk)
            self._held_bytes += len(chunk)
            if self._held_bytes < self._join_bytes:
                return None
            return self._detach_held()

    def _take_held(self) -> list[bytes]:
        with self._held_lock:
            return self._detach_held()

    def _detach_held(self) -> list[bytes]:
        held = self._held
        self._held, self._held_bytes = [], 0
        return held

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
            if self._batch:
                self._pending = memoryview(self._batch.pop())
                continue
            if self._finished:
                return 0
            item = self._next_item()
            if item is None:
                self._finished = True
                return 0
            if isinstance(item, BaseException):
                self._finished = True
                raise item
            if isinstance(item, list):
                item.reverse()
                self._batch = item
            else:
                self._pending = memoryview(item)
        # As much as the buffer takes of what is here, the rest of the batch included: no wait.
        view = memoryview(buffer).cast("B")
        filled = 0
        while True:
            count = min(len(view) - filled, len(self._pending))
            view[filled : filled + count] = self._pending[:count]
            self._pending = self._pending[count:]
            filled += count
            if filled == len(view) or not self._batch:
                return filled
            self._pending = memoryview(self._batch.pop())

    def _next_item(self):
        """The next piece from the queue; with ``join_bytes``, what is held when none comes in time."""
        if not self._join_bytes:
            return self._queue.get()
        while True:
            try:
                return self._queue.get(timeout=_HELD_WAIT)
            except queue.Empty:
                pass
            with self._held_lock:
                if self._held and self._queue.empty():
                    return self._detach_held()

    def close(self) -> None:
        self._stop.set()  # a reader that gave up early must not leave the pump blocked forever
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
