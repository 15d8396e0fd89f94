"""The Docker daemon ends its ``docker save`` stream only after cleaning up the export (tenths of a
second for a big image), long after the archive's last byte: the reader must get that byte, and
the image be read, without waiting for the end of the stream."""

from __future__ import annotations

import io
import threading
import time

from imagelint.image.archive import read_saved_image
from imagelint.image.streams import ChunkStream
from tests.support.image_archives import docker_save

_SENDER_CLEANUP_SECONDS = 10  # far longer than any reader may wait


def _sender(data: bytes, done: threading.Event, chunk: int = 32 << 10):
    """``data`` in the daemon's chunks, then a wait before the stream ends (until ``done`` is set)."""
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]
    done.wait(_SENDER_CLEANUP_SECONDS)


def test_the_last_chunks_reach_the_reader_before_the_stream_ends():
    done = threading.Event()
    stream = ChunkStream(_sender(b"x" * 100_000, done), join_bytes=1 << 20)
    started = time.monotonic()
    received = bytearray()
    buffer = bytearray(1 << 16)
    while len(received) < 100_000:
        count = stream.readinto(buffer)
        assert count, "the stream ended early"
        received += buffer[:count]
    assert time.monotonic() - started < _SENDER_CLEANUP_SECONDS / 2
    assert bytes(received) == b"x" * 100_000
    done.set()
    assert stream.readinto(buffer) == 0  # then the end, once the sender ends the stream
    stream.close()


def test_an_image_is_read_before_its_stream_ends():
    archive = docker_save([[("dir", "app"), ("file", "app/a", 3000)], [("file", "app/b", 70_000), ("whiteout", "app/a")]])
    done = threading.Event()
    stream = ChunkStream(_sender(archive, done), prefetch=8, join_bytes=1 << 20)
    started = time.monotonic()
    try:
        image = read_saved_image(io.BufferedReader(stream, buffer_size=1 << 20), origin="test")
    finally:
        done.set()
        stream.close()
    assert time.monotonic() - started < _SENDER_CLEANUP_SECONDS / 2
    assert [len(layer.entries) for layer in image.layers] == [2, 2]
    assert [layer.size for layer in image.layers] == [3000, 70_000]


def test_chunks_are_joined_and_kept_in_order_while_the_reader_is_slow():
    done = threading.Event()
    done.set()
    pieces = [bytes([n % 256]) * (32 << 10) for n in range(200)]
    stream = ChunkStream(_sender(b"".join(pieces), done), prefetch=2, join_bytes=1 << 20)
    reader = io.BufferedReader(stream, buffer_size=1 << 20)
    received = bytearray()
    while True:
        time.sleep(0.001)  # slower than the sender: pieces wait joined, none is taken out of order
        data = reader.read(100_000)
        if not data:
            break
        received += data
    assert bytes(received) == b"".join(pieces)
