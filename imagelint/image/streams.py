"""Byte streams between a network source and the one-pass readers."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

PREFETCH_CHUNKS = 8  # chunks that may wait in memory, read ahead of the parser (by default)


class ChunkStream(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (a streamed HTTP body).

    A background thread pulls the chunks, so the sender (the Docker daemon, a registry) keeps sending
    while the tar headers are being parsed; at most ``prefetch`` chunks wait in memory. Errors raised
    by the iterator reach the reader unchanged. With ``join_bytes``, small chunks (the daemon sends
    32 KiB ones) are joined up to that size before they are handed over: each handover between the
    threads costs more than copying the bytes.
    """

    def __init__(self, chunks: Iterable[bytes], prefetch: int = PREFETCH_CHUNKS, join_bytes: int = 0) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=prefetch)
        self._pending = memoryview(b"")
        self._finished = False
        self._stop = threading.Event()
        self._join_bytes = join_bytes
        self._thread = threading.Thread(target=self._pump, args=(iter(chunks),), daemon=True)
        self._thread.start()

    def _pump(self, chunks: Iterator[bytes]) -> None:
        try:
            for chunk in _joined(chunks, self._join_bytes) if self._join_bytes else chunks:
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


def _joined(chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    """The chunks joined into pieces of at least ``size`` bytes (the last one may be shorter)."""
    pieces: list[bytes] = []
    held = 0
    for chunk in chunks:
        pieces.append(chunk)
        held += len(chunk)
        if held >= size:
            yield pieces[0] if len(pieces) == 1 else b"".join(pieces)
            pieces, held = [], 0
    if pieces:
        yield b"".join(pieces)


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
